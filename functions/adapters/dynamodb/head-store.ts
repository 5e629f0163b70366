/** Heads (sk `head`) and the per-service lease (sk `lock`) on the ledger table. */
import type { ServiceHead } from '#core/ports/records.ts';
import type { HeadStore } from '#core/ports/stores.ts';
import type { Condition } from './expressions.ts';
import { RecordNotFoundError, servicePk } from './items.ts';
import type { LedgerTable, Write } from './table.ts';

export const headKey = (serviceKey: string) => ({ pk: servicePk(serviceKey), sk: 'head' });
const lockKey = (serviceKey: string) => ({ pk: servicePk(serviceKey), sk: 'lock' });

/** The head is still at `expectedVersion` (undefined: there is none). */
export const headAt = (expectedVersion: number | undefined): Condition =>
  expectedVersion === undefined
    ? { expression: 'attribute_not_exists(pk)' }
    : { expression: 'version = :expected', values: { ':expected': expectedVersion } };

/** The lease item and its condition: free, expired, or already `owner`'s. */
export const leaseWrite = (table: LedgerTable, serviceKey: string, owner: string, leaseMs: number): Write => {
  const now = table.clock.now();
  return {
    put: {
      ...lockKey(serviceKey),
      owner,
      expiresAt: now.getTime() + leaseMs,
      // `expiresAt` decides the lease; `ttl` only sweeps the locks of owners that never released them.
      ttl: table.ttl(1, now) + Math.ceil(leaseMs / 1000),
    },
    condition: {
      expression: 'attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner',
      names: { '#owner': 'owner' },
      values: { ':now': now.getTime(), ':owner': owner },
    },
  };
};

const heldBy = (owner: string): Condition => ({
  expression: '#owner = :owner',
  names: { '#owner': 'owner' },
  values: { ':owner': owner },
});

export const createHeadStore = (table: LedgerTable): HeadStore => ({
  get: (serviceKey) => table.get<ServiceHead>(headKey(serviceKey)),

  async put(head, expectedVersion) {
    const { written } = await table.put({ ...headKey(head.serviceKey), ...head }, headAt(expectedVersion));
    return written;
  },

  async acquireLease(serviceKey, owner, leaseMs) {
    const lease = leaseWrite(table, serviceKey, owner, leaseMs) as Extract<Write, { put: unknown }>;
    const { written } = await table.put(lease.put, lease.condition);
    return written;
  },

  async releaseLease(serviceKey, owner) {
    // A false result means someone took over the expired lease: it is theirs now, nothing to release.
    await table.delete(lockKey(serviceKey), heldBy(owner));
  },

  async advance(head, expectedVersion, { owner, rollout }) {
    const writes: Write[] = [
      { put: { ...headKey(head.serviceKey), ...head }, condition: headAt(expectedVersion) },
    ];
    const rolloutKey = rollout && { pk: servicePk(head.serviceKey), sk: `rollout#${rollout.digest}` };
    const exists = { expression: 'attribute_exists(pk)' };
    if (rollout && rolloutKey)
      writes.push(
        Object.values(rollout.patch).some((value) => value !== undefined)
          ? { update: rolloutKey, fields: rollout.patch, condition: exists }
          : { check: rolloutKey, condition: exists },
      );
    let result = await table.transact([
      ...writes,
      { delete: lockKey(head.serviceKey), condition: heldBy(owner) },
    ]);
    const rolloutMissing = (failed: boolean[]) => rollout !== undefined && failed[1] === true;
    // The lease ran out and someone took it over: theirs now, so commit without releasing it.
    if (!result.written && !result.failed[0] && !rolloutMissing(result.failed))
      result = await table.transact(writes);
    if (result.written) return true;
    if (result.failed[0]) return false;
    throw new RecordNotFoundError(`no rollout of ${rollout?.digest ?? '?'} on ${head.serviceKey}`);
  },
});
