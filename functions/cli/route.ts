/**
 * Which use case handles an event: the EventBridge patterns the stack's rules are built from (routes.ts).
 * An event no rule matches but whose detail-type a handler owns still goes to that handler, so a malformed
 * or filtered-out event gets the handler's own precise `rejected` or `ignored` answer.
 */
import { answerSlackInteraction, type SlackActionsWired } from '#adapters/slack-actions.ts';
import type { DeployWired } from '#adapters/deploy-wiring.ts';
import { type HandlerName, handlersFor, routesFor } from '#core/events/routes.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import type { Outcome } from '#core/outcome.ts';
import type { AlarmsPort } from '#core/ports/alarms.ts';
import { isLifecycleHookInput } from '#core/events/lifecycle-hook.ts';
import { admitDeployment } from '#core/use-cases/admit-deployment.ts';
import { handleAlarm } from '#core/use-cases/alarm-rollback.ts';
import { auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';
import { handleHookStateChange } from '#core/use-cases/pause-hook.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';

/** The CLI's deps: the core wiring plus what single handlers add, each made on first use. */
export interface CliDeps extends DeployWired {
  dryRun: boolean;
  alarms: () => AlarmsPort;
  selfRoles: readonly string[];
  slackActions: () => SlackActionsWired;
}

/** A Lambda Function URL request (how AWS delivers a Slack interaction), not an EventBridge event. */
const isFunctionUrlRequest = (event: unknown): boolean =>
  typeof (event as { requestContext?: { http?: unknown } } | null)?.requestContext?.http === 'object';

export const detailTypeOf = (event: unknown): string => {
  const value = (event as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value : '';
};

const run = (handler: HandlerName, event: unknown, deps: CliDeps): Promise<Outcome> => {
  switch (handler) {
    case 'image-push':
      return handleImageAction(event, deps);
    case 'image-scan':
      return recordScan(event, deps);
    case 'ecs-change':
      return auditEcsChange(event, deps);
    case 'ecs-events':
      return detailTypeOf(event) === 'ECS Task State Change'
        ? followTaskEvent(event, deps)
        : followServiceEvent(event, deps);
    case 'alarm':
      return handleAlarm(event, { ...deps, alarms: deps.alarms() });
    case 'deployment-hook':
      return handleHookStateChange(event, { ...deps, alarms: deps.alarms() });
  }
};

export const routeEvent = async (event: unknown, deps: CliDeps): Promise<Outcome> => {
  if (isFunctionUrlRequest(event)) return (await answerSlackInteraction(event, deps.slackActions())).outcome;
  if (isLifecycleHookInput(event)) return admitDeployment(event, { ...deps, alarms: deps.alarms() });
  const routes = routesFor(deps.config);
  const matched = handlersFor(event, deps.config);
  const owner = routes.find((route) => route.pattern['detail-type']?.includes(detailTypeOf(event)))?.handler;
  const handler = matched[0] ?? owner;
  if (handler) return run(handler, event, deps);
  return {
    kind: 'unrouted',
    eventId: eventIdOf(event),
    detailType: detailTypeOf(event) || '(none)',
    outcome: 'ignored',
    actions: [],
    reason: `no handler for detail-type "${detailTypeOf(event) || '(none)'}"`,
  };
};
