/** The ECS, CloudWatch and ECR ports across sites: each call goes to its site's own client (see site-clients.ts). */
import type { AlarmsPort } from '#core/ports/alarms.ts';
import type { EcsPort } from '#core/ports/ecs.ts';
import type { EcsDeploymentsPort } from '#core/ports/ecs-deployments.ts';
import type { RegistryPort } from '#core/ports/registry.ts';
import type { Home } from '#core/sites.ts';
import { createCloudWatchClient, createEcrClient, createEcsClient } from './aws-clients.ts';
import { createAlarmsAdapter } from './cloudwatch.ts';
import { createRegistryAdapter } from './ecr.ts';
import { createEcsAdapter } from './ecs.ts';
import { createEcsDeploymentsAdapter } from './ecs-deployments.ts';
import { perSite } from './site-clients.ts';

/**
 * ECS throttles are per account and Region, so each site gets its own adapter and token buckets (`share` of
 * each budget: see createEcsAdapter).
 */
export const createSitedEcs = (home: Home, share = 1): { ecs: EcsPort; deployments: EcsDeploymentsPort } => {
  const at = perSite(home, (config) => {
    const client = createEcsClient(config);
    return { ecs: createEcsAdapter(client, share), deployments: createEcsDeploymentsAdapter(client) };
  });
  return {
    ecs: {
      describeServices: (cluster, services, site) => at(site).ecs.describeServices(cluster, services, site),
      describeTaskDefinition: (arn, site) => at(site).ecs.describeTaskDefinition(arn, site),
      registerTaskDefinition: (input, site) => at(site).ecs.registerTaskDefinition(input, site),
      updateService: (cluster, service, arn, site) => at(site).ecs.updateService(cluster, service, arn, site),
      deregisterTaskDefinition: (arn, site) => at(site).ecs.deregisterTaskDefinition(arn, site),
    },
    deployments: {
      describeServiceRevision: (arn, site) => at(site).deployments.describeServiceRevision(arn, site),
      describeServiceDeployment: (arn, site) => at(site).deployments.describeServiceDeployment(arn, site),
      continueServiceDeployment: (arn, hookId, action, site) =>
        at(site).deployments.continueServiceDeployment(arn, hookId, action, site),
    },
  };
};

export const createSitedAlarms = (home: Home): AlarmsPort => {
  const at = perSite(home, (config) => createAlarmsAdapter(createCloudWatchClient(config)));
  return {
    tagsOf: (arn, site) => at(site).tagsOf(arn, site),
    firing: (names, site) => at(site).firing(names, site),
  };
};

export const createSitedRegistry = (home: Home): RegistryPort =>
  createRegistryAdapter(perSite(home, (config) => createEcrClient(config)));
