/** Lambda: ECS deployment, service-action and task events → follow Deckhand's rollouts, catch crash loops. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { idempotentEventHandler } from '#adapters/idempotency.ts';
import { wireCore } from '#adapters/wiring.ts';
import type { Outcome } from '#core/outcome.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';

const isTaskEvent = (event: unknown) =>
  (event as { 'detail-type'?: unknown } | null)?.['detail-type'] === 'ECS Task State Change';

export const handler = idempotentEventHandler(
  'ecs-events',
  wireCore(loadConfigFile()),
  (event, deps): Promise<Outcome> =>
    isTaskEvent(event) ? followTaskEvent(event, deps) : followServiceEvent(event, deps),
);
