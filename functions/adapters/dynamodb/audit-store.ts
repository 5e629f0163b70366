/** Audits (pk `audit#<resource>`, sk `<time>#<event id>`): the sort key orders them by time. */
import type { AuditRecord } from '#core/ports/records.ts';
import type { AuditStore } from '#core/ports/stores.ts';
import { recordRetentionDays } from './items.ts';
import type { LedgerTable } from './table.ts';

export const createAuditStore = (table: LedgerTable): AuditStore => ({
  async record(audit) {
    await table.put({
      pk: `audit#${audit.resource}`,
      sk: `${audit.at}#${audit.eventId}`,
      ...audit,
      ttl: table.ttl(recordRetentionDays),
    });
  },

  async last(resource) {
    const [newest] = await table.query<AuditRecord>(`audit#${resource}`, undefined, {
      descending: true,
      limit: 1,
    });
    return newest;
  },
});
