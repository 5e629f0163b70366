/** Lambda: ECS "AWS API Call via CloudTrail" → judge the changed task definition or service. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireAuditDeps } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type AuditOutcome, auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';

const deps = wireAuditDeps();

export const ecsChange = (event: unknown): Promise<AuditOutcome> => auditEcsChange(event, deps);

export const handler = middy(ecsChange)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('ecs-change'));
