/** Lambda: "CloudWatch Alarm State Change" → roll back a rollout still in its bake window, and pause. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireRolloutDeps } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type AlarmOutcome, handleAlarm } from '#core/use-cases/alarm-rollback.ts';

const deps = wireRolloutDeps();

export const alarm = (event: unknown): Promise<AlarmOutcome> => handleAlarm(event, deps);

export const handler = middy(alarm)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('alarm'));
