/** Registered revisions (pk `reg#<family:rev>#<digest>#<containers>`, sk `reg`). */
import type { RegistrationStore } from '#core/ports/stores.ts';
import { recordRetentionDays, RecordNotFoundError } from './items.ts';
import { rolloutKey } from './rollout-store.ts';
import { type LedgerTable, transactionLimit, type Write } from './table.ts';

export const registrationKey = (key: string) => ({ pk: `reg#${key}`, sk: 'reg' });

export const createRegistrationStore = (table: LedgerTable): RegistrationStore => ({
  async get(key) {
    const item = await table.get<{ taskDefinitionArn: string }>(registrationKey(key));
    return item?.taskDefinitionArn;
  },

  async put(key, taskDefinitionArn, registered) {
    const registration = { ...registrationKey(key), taskDefinitionArn, ttl: table.ttl(recordRetentionDays) };
    if (!registered || registered.rollouts.length === 0) {
      await table.put(registration);
      return;
    }
    const marks: Write[] = registered.rollouts.map(({ serviceKey, digest }) => ({
      update: rolloutKey(serviceKey, digest),
      fields: { status: 'registered', toTaskDefinition: taskDefinitionArn, updatedAt: registered.updatedAt },
      condition: { expression: 'attribute_exists(pk)' },
    }));
    // The registration rides with the first rollouts; a larger group takes one more write per hundred.
    const writes: Write[] = [{ put: registration }, ...marks];
    for (let start = 0; start < writes.length; start += transactionLimit) {
      const result = await table.transact(writes.slice(start, start + transactionLimit));
      if (!result.written)
        throw new RecordNotFoundError(`a rollout registered as ${taskDefinitionArn} is missing`);
    }
  },
});
