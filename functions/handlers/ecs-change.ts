/** Lambda: ECS "AWS API Call via CloudTrail" → judge the changed task definition or service. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireAuditDeps, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type AuditOutcome, auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';

const deps = wireAuditDeps();
const notifier = wireNotifier(deps);

export const ecsChange = async (event: unknown): Promise<AuditOutcome> => {
  const outcome = await auditEcsChange(event, deps);
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(ecsChange)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('ecs-change'));
