/**
 * Scans (pk `scan#<digest>`, sk `scan`) and the pushes parked on them (sk `pending#<event id>`), with an index
 * of every parked push in one partition (pk `parked`, sk `<digest>#<event id>`) for the timers.
 */
import type { ParkedPush, ScanRecord } from '#core/ports/records.ts';
import type { ScanStore } from '#core/ports/stores.ts';
import { recordRetentionDays } from './items.ts';
import type { LedgerTable } from './table.ts';

/** A push waits for its scan minutes, not weeks; a month covers any outage of the scanner. */
const parkedDays = 30;

export const createScanStore = (table: LedgerTable): ScanStore => ({
  get: (digest) => table.get<ScanRecord>({ pk: `scan#${digest}`, sk: 'scan' }),

  async put(scan) {
    await table.put({ pk: `scan#${scan.digest}`, sk: 'scan', ...scan, ttl: table.ttl(recordRetentionDays) });
  },

  async park(digest, { eventId, event }) {
    // The event is stored as JSON text: it is replayed as it came, whatever attribute types it holds.
    await table.put({
      pk: `scan#${digest}`,
      sk: `pending#${eventId}`,
      eventId,
      event: JSON.stringify(event),
      ttl: table.ttl(parkedDays),
    });
    await table.put({
      pk: 'parked',
      sk: `${digest}#${eventId}`,
      digest,
      eventId,
      ttl: table.ttl(parkedDays),
    });
  },

  async parked(digest) {
    const items = await table.query<{ eventId: string; event: string }>(`scan#${digest}`, {
      beginsWith: 'pending#',
    });
    return items.map((item): ParkedPush => ({ eventId: item.eventId, event: JSON.parse(item.event) }));
  },

  async unpark(digest, eventId) {
    await table.delete({ pk: `scan#${digest}`, sk: `pending#${eventId}` });
    await table.delete({ pk: 'parked', sk: `${digest}#${eventId}` });
  },

  async waiting() {
    const items = await table.query<{ digest: string; eventId: string }>('parked');
    return items.map(({ digest, eventId }) => ({ digest, eventId }));
  },
});
