/** Registered revisions (pk `reg#<registration key>`, sk `reg`; the key is deploy/prefetch.ts's). */
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
    const keys = typeof key === 'string' ? [key] : key;
    const item = (each: string) => ({
      ...registrationKey(each),
      taskDefinitionArn,
      ttl: table.ttl(recordRetentionDays),
    });
    const rollouts = registered?.rollouts ?? [];
    if (keys.length === 1 && rollouts.length === 0) {
      await table.put(item(keys[0] as string));
      return;
    }
    const marks: Write[] = rollouts.map(({ serviceKey, digest }) => ({
      update: rolloutKey(serviceKey, digest),
      fields: { status: 'registered', toTaskDefinition: taskDefinitionArn, updatedAt: registered?.updatedAt },
      condition: { expression: 'attribute_exists(pk)' },
    }));
    // The registration rides with the first rollouts; a larger group takes one more write per hundred.
    const writes: Write[] = [...keys.map((each) => ({ put: item(each) })), ...marks];
    for (let start = 0; start < writes.length; start += transactionLimit) {
      const result = await table.transact(writes.slice(start, start + transactionLimit));
      if (!result.written)
        throw new RecordNotFoundError(`a rollout registered as ${taskDefinitionArn} is missing`);
    }
  },
});
