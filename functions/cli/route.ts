/**
 * Which use case handles an event: the EventBridge patterns the stack's rules are built from (routes.ts).
 * An event no rule matches but whose detail-type a handler owns still goes to that handler, so a malformed
 * or filtered-out event gets the handler's own precise `rejected` or `ignored` answer.
 */
import { type HandlerName, handlersFor, routesFor } from '#core/events/routes.ts';
import type { Outcome } from '#core/outcome.ts';
import { type AlarmDeps, handleAlarm } from '#core/use-cases/alarm-rollback.ts';
import { type AuditDeps, auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { type DeployDeps, handleImageAction } from '#core/use-cases/deploy-image.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';

export interface CliDeps {
  deploy: () => DeployDeps;
  audit: () => AuditDeps;
  rollout: () => AlarmDeps;
}

const detailType = (event: unknown): string => {
  const value = (event as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value : '';
};

const run = (handler: HandlerName, event: unknown, deps: CliDeps): Promise<Outcome> => {
  switch (handler) {
    case 'image-push':
      return handleImageAction(event, deps.deploy());
    case 'image-scan':
      return recordScan(event, deps.deploy());
    case 'ecs-change':
      return auditEcsChange(event, deps.audit());
    case 'ecs-events':
      return detailType(event) === 'ECS Task State Change'
        ? followTaskEvent(event, deps.rollout())
        : followServiceEvent(event, deps.rollout());
    case 'alarm':
      return handleAlarm(event, deps.rollout());
  }
};

export const routeEvent = async (event: unknown, deps: CliDeps): Promise<Outcome> => {
  const config = deps.deploy().config;
  const routes = routesFor(config);
  const matched = handlersFor(event, config);
  const owner = routes.find((route) => route.pattern['detail-type']?.includes(detailType(event)))?.handler;
  const handler = matched[0] ?? owner;
  if (handler) return run(handler, event, deps);
  const id = (event as { id?: unknown } | null)?.id;
  return {
    eventId: typeof id === 'string' ? id : '(no id)',
    detailType: detailType(event) || '(none)',
    outcome: 'ignored',
    actions: [],
    reason: `no handler for detail-type "${detailType(event) || '(none)'}"`,
  };
};
