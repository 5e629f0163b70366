/** Hook decisions per service (pk `svc#<service>`, sk `admission#<execution>#<stage>`), kept 400 days. */
import type { AdmissionRecord } from '#core/ports/records.ts';
import type { AdmissionStore } from '#core/ports/stores.ts';
import { recordRetentionDays, servicePk } from './items.ts';
import type { LedgerTable } from './table.ts';

const key = (serviceKey: string, executionId: string, stage: string) => ({
  pk: servicePk(serviceKey),
  sk: `admission#${executionId}#${stage}`,
});

export const createAdmissionStore = (table: LedgerTable): AdmissionStore => ({
  get: (serviceKey, executionId, stage) => table.get<AdmissionRecord>(key(serviceKey, executionId, stage)),

  async put(record) {
    await table.put({
      ...key(record.serviceKey, record.executionId, record.stage),
      ...record,
      ttl: table.ttl(recordRetentionDays),
    });
  },

  async list(serviceKey) {
    const items = await table.query<AdmissionRecord>(servicePk(serviceKey), { beginsWith: 'admission#' });
    return items.sort((a, b) => b.at.localeCompare(a.at));
  },
});
