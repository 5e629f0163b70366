/** Registered revisions (pk `reg#<family:rev>#<digest>#<containers>`, sk `reg`). */
import type { RegistrationStore } from '#core/ports/stores.ts';
import { recordRetentionDays } from './items.ts';
import type { LedgerTable } from './table.ts';

export const createRegistrationStore = (table: LedgerTable): RegistrationStore => ({
  async get(key) {
    const item = await table.get<{ taskDefinitionArn: string }>({ pk: `reg#${key}`, sk: 'reg' });
    return item?.taskDefinitionArn;
  },

  async put(key, taskDefinitionArn) {
    await table.put({ pk: `reg#${key}`, sk: 'reg', taskDefinitionArn, ttl: table.ttl(recordRetentionDays) });
  },
});
