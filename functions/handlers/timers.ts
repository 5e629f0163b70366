/** Lambda: every minute, whatever is due — promotions, approval expiries, freeze releases. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { eventHandler } from '#adapters/event-handler.ts';
import { wireDeploys } from '#adapters/deploy-wiring.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';

// No idempotency record: a tick acts on the ledger's state, not on the event, and a duplicate finds nothing
// new to do.
export const handler = eventHandler('timers', wireDeploys(loadConfigFile()), (event, deps) =>
  runTimers(deps, eventIdOf(event)),
);
