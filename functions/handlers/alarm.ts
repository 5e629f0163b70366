/** Lambda: "CloudWatch Alarm State Change" → roll back a rollout still in its bake window, and pause. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { idempotentEventHandler } from '#adapters/idempotency.ts';
import { wireAlarms, wireCore } from '#adapters/wiring.ts';
import { handleAlarm } from '#core/use-cases/alarm-rollback.ts';

export const handler = idempotentEventHandler(
  'alarm',
  { ...wireCore(loadConfigFile()), alarms: wireAlarms() },
  handleAlarm,
);
