/**
 * Task-event dedupe (pk `task#<task ARN>`, sk `v<version>`), failing stops (sk `stop#<time>#<task>`) and the
 * crash-loop alert (sk `crashloop`) under the service's pk.
 */
import type { FailingStop } from '#core/ports/records.ts';
import type { CrashLoopStore } from '#core/ports/stores.ts';
import { servicePk } from './items.ts';
import type { LedgerTable } from './table.ts';

/** EventBridge redelivers within hours, and a crash-loop window is minutes: short retention suffices. */
const taskEventDays = 2;
const stopDays = 1;

export const createCrashLoopStore = (table: LedgerTable): CrashLoopStore => ({
  async markTaskEvent(taskArn, version) {
    const { written } = await table.put(
      { pk: `task#${taskArn}`, sk: `v${version}`, ttl: table.ttl(taskEventDays) },
      { expression: 'attribute_not_exists(pk)' },
    );
    return written;
  },

  async recordFailingStop(serviceKey, stop, since) {
    await table.put({
      pk: servicePk(serviceKey),
      sk: `stop#${stop.at}#${stop.taskArn}`,
      ...stop,
      ttl: table.ttl(stopDays),
    });
    // `~` sorts after every ISO time, so the range is every stop from `since` on.
    return table.query<FailingStop>(servicePk(serviceKey), { between: [`stop#${since}`, 'stop#~'] });
  },

  async claimAlert(serviceKey, now, until) {
    const { written } = await table.put(
      { pk: servicePk(serviceKey), sk: 'crashloop', until, ttl: table.ttl(1, new Date(until)) },
      {
        expression: 'attribute_not_exists(pk) OR #until < :now',
        names: { '#until': 'until' },
        values: { ':now': now },
      },
    );
    return written;
  },
});
