/** Lambda: ECS deployment, service-action and task events → follow Deckhand's rollouts, catch crash loops. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireNotifier, wireRolloutDeps } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import type { Outcome } from '#core/outcome.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';

const deps = wireRolloutDeps();
const notifier = wireNotifier(deps);

export const ecsEvents = async (event: unknown): Promise<Outcome> => {
  const outcome =
    (event as { 'detail-type'?: unknown } | null)?.['detail-type'] === 'ECS Task State Change'
      ? await followTaskEvent(event, deps)
      : await followServiceEvent(event, deps);
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(ecsEvents)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('ecs-events'));
