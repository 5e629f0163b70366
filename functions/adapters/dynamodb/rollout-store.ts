/** Rollouts (sk `rollout#<digest>`) and foreign deployments (sk `foreign#<id>`) under the service's pk. */
import { TransientError } from '#core/errors.ts';
import type { ClaimResult, RolloutRecord, RolloutStatus } from '#core/ports/records.ts';
import type { RolloutStore } from '#core/ports/stores.ts';
import { type Condition, valueList } from './expressions.ts';
import { headAt, headKey, leaseWrite } from './head-store.ts';
import { type Item, recordRetentionDays, RecordNotFoundError, servicePk, strip } from './items.ts';
import type { LedgerTable, Write } from './table.ts';

export const rolloutKey = (serviceKey: string, digest: string) => ({
  pk: servicePk(serviceKey),
  sk: `rollout#${digest}`,
});

/** An earlier attempt that ended in one of these never deployed the digest: a new event may claim it. */
const reclaimable: RolloutStatus[] = ['superseded', 'failed', 'blocked', 'pending'];
/** The statuses under which the claiming delivery holds a lease (`leaseUntil`). */
const leased: RolloutStatus[] = ['claimed', 'registered'];

export const createRolloutStore = (table: LedgerTable): RolloutStore => {
  const get = (serviceKey: string, digest: string) =>
    table.get<RolloutRecord>(rolloutKey(serviceKey, digest));

  /** The claim's write: no record yet, an earlier attempt that never deployed, or this event's lapsed claim. */
  const claimWrite = (record: RolloutRecord) => {
    const over = valueList('over', reclaimable);
    const live = valueList('live', leased);
    return {
      put: {
        ...rolloutKey(record.serviceKey, record.digest),
        ...record,
        ttl: table.ttl(recordRetentionDays),
      },
      condition: {
        expression:
          `attribute_not_exists(pk) OR #status IN (${over.list}) OR ` +
          `(eventId = :eventId AND #status IN (${live.list}) AND leaseUntil < :now)`,
        names: { '#status': 'status' },
        values: {
          ...over.values,
          ...live.values,
          ':eventId': record.eventId,
          ':now': table.clock.now().toISOString(),
        },
      },
    };
  };

  /** A claim the condition refused, with the record that refused it. */
  const refused = async (record: RolloutRecord, held: Item | undefined): Promise<ClaimResult> => {
    const existing = held ? strip<RolloutRecord>(held) : await get(record.serviceKey, record.digest);
    if (!existing) throw new TransientError(`claim on ${record.serviceKey} lost to a record that vanished`);
    const busy = existing.eventId === record.eventId && leased.includes(existing.status);
    return { claimed: false, busy, existing };
  };

  const claim = async (record: RolloutRecord): Promise<ClaimResult> => {
    const claiming = claimWrite(record);
    const { written, held } = await table.put(claiming.put, claiming.condition);
    return written ? { claimed: true } : refused(record, held);
  };

  /**
   * Applies the patch if `condition` holds. A patch with nothing defined writes nothing, so a read answers
   * instead, with `holds` as the condition (UpdateItem without an UpdateExpression is not portable).
   */
  const patchIf = async (
    serviceKey: string,
    digest: string,
    patch: Partial<RolloutRecord>,
    condition: Condition,
    holds: (current: RolloutRecord) => boolean,
  ) => {
    if (Object.values(patch).some((value) => value !== undefined))
      return table.update(rolloutKey(serviceKey, digest), patch, condition);
    const current = await get(serviceKey, digest);
    return current !== undefined && holds(current);
  };

  return {
    get,

    claim,

    async claimLeased(record, lease) {
      const writes: Write[] = [
        claimWrite(record),
        leaseWrite(table, record.serviceKey, lease.owner, lease.leaseMs),
        { check: headKey(record.serviceKey), condition: headAt(lease.headVersion) },
      ];
      const result = await table.transact(writes);
      if (result.written) return { claimed: true, leased: true };
      if (result.failed[0]) return refused(record, result.held[0]);
      // Only the lease or the head stood in the way: claim alone; the roll takes the lease itself.
      const alone = await claim(record);
      return alone.claimed ? { claimed: true, leased: false } : alone;
    },

    async update(serviceKey, digest, patch) {
      const exists = { expression: 'attribute_exists(pk)' };
      if (!(await patchIf(serviceKey, digest, patch, exists, () => true)))
        throw new RecordNotFoundError(`no rollout of ${digest} on ${serviceKey}`);
    },

    async transition(serviceKey, digest, from, patch) {
      if (from.length === 0) return false; // `IN ()` is no expression, and nothing could match
      const statuses = valueList('from', from);
      const condition = {
        expression: `#status IN (${statuses.list})`,
        names: { '#status': 'status' },
        values: statuses.values,
      };
      return patchIf(serviceKey, digest, patch, condition, (current) => from.includes(current.status));
    },

    async list(serviceKey) {
      const rollouts = await table.query<RolloutRecord>(servicePk(serviceKey), { beginsWith: 'rollout#' });
      return rollouts.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async recordForeign(serviceKey, deployment) {
      await table.put({
        pk: servicePk(serviceKey),
        sk: `foreign#${deployment.deploymentId}`,
        ...deployment,
        ttl: table.ttl(recordRetentionDays),
      });
    },
  };
};
