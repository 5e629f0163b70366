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
 * Seconds of refill the client keeps back from each burst. ECS's bucket banks no refill until the burst's
 * first call arrives, and that call waits while the client prepares the whole burst, so a burst spent whole
 * runs the next calls ahead of ECS's refill into throttles. Against the throttling proxy the first call of a
 * 100-call burst arrived 60–135 ms after its grant; half a second also covers a 512 MB Lambda's slower CPU.
 * Sized as refill, not as a tenth of each burst, so slow-refill actions keep most of theirs: 25 registrations
 * (20, then 1/s) take 5.5 s, not 7.
 */
const inFlightSeconds = 0.5;
/** Never more than a tenth of the burst, the fixed headroom this replaced. */
const maxHeadroom = 0.1;

/**
 * The client-side bucket for an ECS action at `share` of the account's budget: the burst less the refill that
 * ECS would bank while it is in flight (a fraction of a token delays the first paced call by as much), paced
 * at the documented rate.
 */
export const clientPace = (
  [burst, rate]: readonly [burst: number, perSecond: number],
  share = 1,
): [burst: number, perSecond: number] => [
  Math.max(1, (burst - Math.min(rate * inFlightSeconds, burst * maxHeadroom)) * share),
  rate * share,
];

/**
 * `share` is this caller's part of the account's budget: workers running at once (the roll worker's maximum
 * concurrency) each pace to their share, so together they stay inside ECS's buckets instead of being throttled.
 */
export const createEcsAdapter = (client: ECSClient, share = 1): EcsPort => {
  const buckets = Object.fromEntries(
    Object.entries(ecsThrottles).map(([operation, throttle]) => [
      operation,
      new TokenBucket(...clientPace(throttle, share)),
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
