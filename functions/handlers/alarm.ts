/** Lambda: "CloudWatch Alarm State Change" → roll back a rollout still in its bake window, and pause. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireRolloutDeps, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type AlarmOutcome, handleAlarm } from '#core/use-cases/alarm-rollback.ts';

const deps = wireRolloutDeps();
const notifier = wireNotifier(deps);

export const alarm = async (event: unknown): Promise<AlarmOutcome> => {
  const outcome = await handleAlarm(event, deps);
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(alarm)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('alarm'));
