/** Heads (sk `head`) and the per-service lease (sk `lock`) on the ledger table. */
import type { ServiceHead } from '#core/ports/records.ts';
import type { HeadStore } from '#core/ports/stores.ts';
import { servicePk } from './items.ts';
import type { LedgerTable } from './table.ts';

export const createHeadStore = (table: LedgerTable): HeadStore => ({
  get: (serviceKey) => table.get<ServiceHead>({ pk: servicePk(serviceKey), sk: 'head' }),

  async put(head, expectedVersion) {
    const { written } = await table.put(
      { pk: servicePk(head.serviceKey), sk: 'head', ...head },
      expectedVersion === undefined
        ? { expression: 'attribute_not_exists(pk)' }
        : { expression: 'version = :expected', values: { ':expected': expectedVersion } },
    );
    return written;
  },

  async acquireLease(serviceKey, owner, leaseMs) {
    const now = table.clock.now();
    const { written } = await table.put(
      {
        pk: servicePk(serviceKey),
        sk: 'lock',
        owner,
        expiresAt: now.getTime() + leaseMs,
        // `expiresAt` decides the lease; `ttl` only sweeps the locks of owners that never released them.
        ttl: table.ttl(1, now) + Math.ceil(leaseMs / 1000),
      },
      {
        expression: 'attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner',
        names: { '#owner': 'owner' },
        values: { ':now': now.getTime(), ':owner': owner },
      },
    );
    return written;
  },

  async releaseLease(serviceKey, owner) {
    // A false result means someone took over the expired lease: it is theirs now, nothing to release.
    await table.delete(
      { pk: servicePk(serviceKey), sk: 'lock' },
      { expression: '#owner = :owner', names: { '#owner': 'owner' }, values: { ':owner': owner } },
    );
  },
});
