/** Pauses per service (sk `pause`); held until someone resumes, so no `ttl`. */
import type { Pause } from '#core/ports/records.ts';
import type { PauseStore } from '#core/ports/stores.ts';
import { servicePk } from './items.ts';
import type { LedgerTable } from './table.ts';

export const pauseKey = (serviceKey: string) => ({ pk: servicePk(serviceKey), sk: 'pause' });

export const createPauseStore = (table: LedgerTable): PauseStore => ({
  get: (serviceKey) => table.get<Pause>(pauseKey(serviceKey)),

  async put(pause) {
    await table.put({ ...pauseKey(pause.serviceKey), ...pause });
  },

  async delete(serviceKey) {
    await table.delete(pauseKey(serviceKey));
  },
});
