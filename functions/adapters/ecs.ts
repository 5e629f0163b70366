/** EcsPort over the ECS API, inside its documented throttles, with errors mapped to Deckhand's classes. */
import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { TokenBucket } from '#core/concurrency.ts';
import { TargetError, TransientError } from '#core/errors.ts';
import type { DescribedTaskDefinition, EcsPort, ServiceSnapshot } from '#core/ports/ecs.ts';
import type { RegisterInput, TaskDefinition } from '#core/task-definition.ts';
import { mapEcsError } from './ecs-errors.ts';

/** ECS API throttles per account and Region: burst, then sustained per second. */
export const ecsThrottles = {
  registerTaskDefinition: [20, 1],
  updateService: [50, 5],
  describeServices: [100, 20],
  describeTaskDefinition: [50, 20],
  deregisterTaskDefinition: [20, 1],
} as const;

const describeServicesBatch = 10;

/**
 * The part of each burst the client spends. A burst leaves the client at once but reaches ECS over the time
 * the requests take to get there, and ECS's bucket, full until then, cannot bank the refill meanwhile: spent
 * whole, the burst leaves the client ahead of the server and the next calls are throttled (measured against
 * the throttling proxy: a 100-call burst arriving over ~200 ms lost ~4 tokens).
 */
const burstHeadroom = 0.9;

/**
 * `share` is this caller's part of the account's budget: workers running at once (the roll worker's maximum
 * concurrency) each pace to their share, so together they stay inside ECS's buckets instead of being throttled.
 */
export const createEcsAdapter = (client: ECSClient, share = 1): EcsPort => {
  const buckets = Object.fromEntries(
    Object.entries(ecsThrottles).map(([operation, [burst, rate]]) => [
      operation,
      new TokenBucket(Math.max(1, Math.floor(burst * burstHeadroom * share)), rate * share),
    ]),
  ) as Record<keyof typeof ecsThrottles, TokenBucket>;

  const call = async <T>(operation: keyof typeof ecsThrottles, subject: string, send: () => Promise<T>) => {
    await buckets[operation].take();
    try {
      return await send();
    } catch (error) {
      throw mapEcsError(operation, subject, error);
    }
  };

  return {
    async describeServices(cluster, services) {
      const found = new Map<string, ServiceSnapshot>();
      const batches = Array.from({ length: Math.ceil(services.length / describeServicesBatch) }, (_, n) =>
        services.slice(n * describeServicesBatch, (n + 1) * describeServicesBatch),
      );
      // All batches at once: the token bucket paces them, so a big cluster takes the throttle's time, not
      // the sum of round trips.
      const answers = await Promise.all(
        batches.map(async (batch): Promise<DescribeServicesCommandOutput | undefined> => {
          try {
            return await call('describeServices', `${cluster}/${batch.join(',')}`, () =>
              client.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] })),
            );
          } catch (error) {
            if (error instanceof TargetError && /ClusterNotFound/.test(error.message)) return undefined;
            throw error;
          }
        }),
      );
      for (const answer of answers)
        for (const service of answer?.services ?? []) {
          if (!service.serviceName || service.status === 'INACTIVE') continue;
          found.set(service.serviceName, {
            clusterArn: service.clusterArn ?? cluster,
            serviceName: service.serviceName,
            serviceArn: service.serviceArn ?? '',
            status: service.status ?? 'UNKNOWN',
            taskDefinition: service.taskDefinition ?? '',
            desiredCount: service.desiredCount ?? 0,
            tags: service.tags ?? [],
            deployments: (service.deployments ?? []).map((deployment) => ({
              id: deployment.id ?? '',
              status: deployment.status ?? '',
              taskDefinition: deployment.taskDefinition ?? '',
              ...(deployment.rolloutState ? { rolloutState: deployment.rolloutState } : {}),
              ...(deployment.createdAt ? { createdAt: deployment.createdAt } : {}),
            })),
            shape: {
              serviceName: service.serviceName,
              ...(service.serviceArn ? { serviceArn: service.serviceArn } : {}),
              ...(service.clusterArn ? { clusterArn: service.clusterArn } : {}),
              ...(service.launchType ? { launchType: service.launchType } : {}),
              ...(service.platformVersion ? { platformVersion: service.platformVersion } : {}),
              ...(service.platformFamily ? { platformFamily: service.platformFamily } : {}),
              capacityProviderStrategy: service.capacityProviderStrategy ?? [],
              ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
              enableExecuteCommand: service.enableExecuteCommand ?? false,
              ...(service.deploymentController ? { deploymentController: service.deploymentController } : {}),
              ...(service.deploymentConfiguration
                ? { deploymentConfiguration: service.deploymentConfiguration }
                : {}),
              taskSets: (service.taskSets ?? []).map((set) => ({
                ...(set.id ? { id: set.id } : {}),
                ...(set.networkConfiguration ? { networkConfiguration: set.networkConfiguration } : {}),
              })),
              tags: service.tags ?? [],
            },
          });
        }
      return found;
    },

    async describeTaskDefinition(taskDefinition): Promise<DescribedTaskDefinition> {
      const answer = await call('describeTaskDefinition', taskDefinition, () =>
        client.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
      );
      if (!answer.taskDefinition) throw new TargetError(`task definition ${taskDefinition} not found`);
      return { taskDefinition: answer.taskDefinition as TaskDefinition, tags: answer.tags ?? [] };
    },

    async registerTaskDefinition(input: RegisterInput) {
      const answer = await call('registerTaskDefinition', input.family, () =>
        client.send(new RegisterTaskDefinitionCommand(input as RegisterTaskDefinitionCommandInput)),
      );
      const arn = answer.taskDefinition?.taskDefinitionArn;
      if (!arn) throw new TransientError(`RegisterTaskDefinition ${input.family} returned no ARN`);
      return { taskDefinitionArn: arn };
    },

    async updateService(cluster, service, taskDefinition) {
      const answer = await call('updateService', `${cluster}/${service}`, () =>
        // forceNewDeployment: a rollback to a revision the service ran before still starts a new deployment.
        client.send(new UpdateServiceCommand({ cluster, service, taskDefinition, forceNewDeployment: true })),
      );
      const primary = answer.service?.deployments?.find((deployment) => deployment.status === 'PRIMARY');
      return primary?.id ? { deploymentId: primary.id } : {};
    },

    async deregisterTaskDefinition(taskDefinition) {
      await call('deregisterTaskDefinition', taskDefinition, () =>
        client.send(new DeregisterTaskDefinitionCommand({ taskDefinition })),
      );
    },
  };
};
