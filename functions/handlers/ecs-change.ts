/** Lambda: ECS "AWS API Call via CloudTrail" → judge the changed task definition or service. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { idempotentEventHandler } from '#adapters/idempotency.ts';
import { selfRoles, wireCore } from '#adapters/wiring.ts';
import { auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';

export const handler = idempotentEventHandler(
  'ecs-change',
  { ...wireCore(loadConfigFile()), selfRoles: selfRoles() },
  auditEcsChange,
);
