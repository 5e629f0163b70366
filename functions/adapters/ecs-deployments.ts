/** EcsDeploymentsPort over the ECS service-deployment APIs, with errors mapped to Deckhand's classes. */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  type ECSClient,
  type Failure,
} from '@aws-sdk/client-ecs';
import { TargetError } from '#core/errors.ts';
import type {
  EcsDeploymentsPort,
  ServiceDeploymentSnapshot,
  ServiceRevisionSnapshot,
} from '#core/ports/ecs-deployments.ts';
import { mapEcsError } from './ecs-errors.ts';

const call = async <T>(operation: string, subject: string, send: () => Promise<T>): Promise<T> => {
  try {
    return await send();
  } catch (error) {
    throw mapEcsError(operation, subject, error);
  }
};

/**
 * Whether ECS listed the ARN among the call's failures. MISSING (not found) is an answer; any other reason
 * is a permanent failure for this ARN.
 */
const reportedMissing = (operation: string, arn: string, failures: Failure[] | undefined): boolean => {
  const failure = failures?.find((item) => item.arn === arn);
  if (!failure) return false;
  if (failure.reason === 'MISSING') return true;
  throw new TargetError(
    `${operation} ${arn}: ECS failed it: ${failure.reason ?? 'no reason'}${failure.detail ? ` (${failure.detail})` : ''}`,
  );
};

export const createEcsDeploymentsAdapter = (client: ECSClient): EcsDeploymentsPort => ({
  async describeServiceRevision(serviceRevisionArn): Promise<ServiceRevisionSnapshot | undefined> {
    const operation = 'describeServiceRevisions';
    const answer = await call(operation, serviceRevisionArn, () =>
      client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [serviceRevisionArn] })),
    );
    if (reportedMissing(operation, serviceRevisionArn, answer.failures)) return undefined;
    const revision = answer.serviceRevisions?.find((item) => item.serviceRevisionArn === serviceRevisionArn);
    if (!revision) return undefined;
    return {
      serviceRevisionArn,
      serviceArn: revision.serviceArn ?? '',
      clusterArn: revision.clusterArn ?? '',
      taskDefinition: revision.taskDefinition ?? '',
      containerImages: (revision.containerImages ?? []).map((image) => ({
        containerName: image.containerName ?? '',
        ...(image.imageDigest ? { imageDigest: image.imageDigest } : {}),
        ...(image.image ? { image: image.image } : {}),
      })),
    };
  },

  async describeServiceDeployment(serviceDeploymentArn): Promise<ServiceDeploymentSnapshot | undefined> {
    const operation = 'describeServiceDeployments';
    const answer = await call(operation, serviceDeploymentArn, () =>
      client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] })),
    );
    if (reportedMissing(operation, serviceDeploymentArn, answer.failures)) return undefined;
    const deployment = answer.serviceDeployments?.find(
      (item) => item.serviceDeploymentArn === serviceDeploymentArn,
    );
    if (!deployment) return undefined;
    return {
      serviceDeploymentArn,
      serviceArn: deployment.serviceArn ?? '',
      clusterArn: deployment.clusterArn ?? '',
      status: deployment.status ?? 'UNKNOWN',
      ...(deployment.targetServiceRevision?.arn
        ? { targetServiceRevisionArn: deployment.targetServiceRevision.arn }
        : {}),
      sourceServiceRevisionArns: (deployment.sourceServiceRevisions ?? []).flatMap((source) =>
        source.arn ? [source.arn] : [],
      ),
      ...(deployment.lifecycleStage ? { lifecycleStage: deployment.lifecycleStage } : {}),
    };
  },

  async continueServiceDeployment(serviceDeploymentArn, hookId, action) {
    await call('continueServiceDeployment', `${serviceDeploymentArn} ${hookId} ${action}`, () =>
      client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action })),
    );
  },
});
