/** The last drift report per service (sk `drift`); kept until the drift resolves, so no `ttl`. */
import type { DriftState } from '#core/ports/records.ts';
import type { DriftStore } from '#core/ports/stores.ts';
import { servicePk } from './items.ts';
import type { LedgerTable } from './table.ts';

export const driftKey = (serviceKey: string) => ({ pk: servicePk(serviceKey), sk: 'drift' });

export const createDriftStore = (table: LedgerTable): DriftStore => ({
  get: (serviceKey) => table.get<DriftState>(driftKey(serviceKey)),

  async put(serviceKey, state) {
    await table.put({ ...driftKey(serviceKey), ...state });
  },

  async delete(serviceKey) {
    await table.delete(driftKey(serviceKey));
  },
});
