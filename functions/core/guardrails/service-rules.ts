/** Service rules SVC-001 … SVC-006 of the guardrail catalogue, over the DescribeServices API shape. */
import type { Check, ServiceRule, ServiceShape } from './types.ts';
import { requiredTags } from './types.ts';

const rule = (definition: Omit<ServiceRule, 'subject'>): ServiceRule => ({
  subject: 'service',
  ...definition,
});
const one = (field: string, ok: boolean, message: string): Check[] => [{ field, ok, message }];

/** Fargate by launch type or by capacity provider (Prowler misses the latter). */
const isFargate = (service: ServiceShape): boolean =>
  service.launchType === 'FARGATE' ||
  (service.capacityProviderStrategy ?? []).some(
    (s) => s.capacityProvider === 'FARGATE' || s.capacityProvider === 'FARGATE_SPOT',
  );

export const serviceRules: ServiceRule[] = [
  rule({
    id: 'SVC-001',
    title: 'Services do not assign public IPs',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.2; Checkov CKV_AWS_333; Prowler; CT.ECS.PR.9',
    check: (service) => {
      const assign = service.networkConfiguration?.awsvpcConfiguration?.assignPublicIp;
      return one(
        'networkConfiguration.awsvpcConfiguration.assignPublicIp',
        assign !== 'ENABLED',
        `assignPublicIp ${assign ?? 'absent'}`,
      );
    },
  }),
  rule({
    id: 'SVC-002',
    title: 'Task sets do not assign public IPs',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.16; Prowler',
    check: (service) => {
      const sets = service.taskSets ?? [];
      if (sets.length === 0) return one('taskSets', true, 'no task sets');
      return sets.map((set) => {
        const assign = set.networkConfiguration?.awsvpcConfiguration?.assignPublicIp;
        return {
          field: `taskSets[${set.id ?? '?'}].networkConfiguration.awsvpcConfiguration.assignPublicIp`,
          ok: assign !== 'ENABLED',
          message: `task set ${set.id ?? '?'}: assignPublicIp ${assign ?? 'absent'}`,
        };
      });
    },
  }),
  rule({
    id: 'SVC-003',
    title: 'Fargate services run the latest platform version',
    severity: 'medium',
    defaultMode: 'warn',
    anchors:
      'Security Hub ECS.10; Config ecs-fargate-latest-platform-version; Checkov CKV_AWS_332; Prowler (buggy)',
    check: (service, { settings }) => {
      if (!isFargate(service)) return one('launchType', true, 'not on Fargate');
      const version = service.platformVersion ?? 'LATEST';
      const family = (service.platformFamily ?? 'LINUX').toUpperCase().startsWith('WINDOWS')
        ? 'WINDOWS_SERVER'
        : 'LINUX';
      const latest = settings.fargatePlatformVersions[family];
      const ok = version === 'LATEST' || (latest !== undefined && version === latest);
      return one(
        'platformVersion',
        ok,
        `platform version ${version}${ok ? '' : ` (latest ${latest ?? 'LATEST'})`}`,
      );
    },
  }),
  rule({
    id: 'SVC-004',
    title: 'Services carry the required tags',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Security Hub ECS.13; Config tagged-ecs-service',
    check: (service, { settings }) => {
      const { passed, message } = requiredTags(service.tags ?? [], settings.requiredTagKeys);
      return one('tags', passed, message);
    },
  }),
  rule({
    id: 'SVC-005',
    title: 'No ECS Exec on production services',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'novel',
    check: (service, { production }) =>
      one(
        'enableExecuteCommand',
        !(production && service.enableExecuteCommand === true),
        service.enableExecuteCommand === true
          ? `ECS Exec enabled${production ? ' on a production service' : ''}`
          : 'ECS Exec disabled',
      ),
  }),
  rule({
    id: 'SVC-006',
    title: 'Rolling deployments roll back on failure',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'novel (operational)',
    check: (service) => {
      const controller = service.deploymentController?.type ?? 'ECS';
      if (controller !== 'ECS') return one('deploymentController.type', true, `${controller} deployments`);
      const rollback = service.deploymentConfiguration?.deploymentCircuitBreaker?.rollback === true;
      return one(
        'deploymentConfiguration.deploymentCircuitBreaker.rollback',
        rollback,
        rollback ? 'circuit breaker rolls back' : 'a failed deployment is not rolled back',
      );
    },
  }),
];
