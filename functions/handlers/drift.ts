/** Lambda: on a schedule, compare what runs with what Deckhand deployed, and tell the teams what changed. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { eventHandler } from '#adapters/event-handler.ts';
import { wireCore } from '#adapters/wiring.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import { detectDrift } from '#core/use-cases/detect-drift.ts';

// No idempotency record: a scheduled event carries nothing to act on beyond its id, and a duplicate run
// only re-reads and finds no news.
export const handler = eventHandler('drift', wireCore(loadConfigFile()), (event, deps) =>
  detectDrift(deps, eventIdOf(event)),
);
