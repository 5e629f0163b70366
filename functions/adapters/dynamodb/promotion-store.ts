/**
 * Promotions in one partition (pk `promotions`, sk `<pipeline>#<digest>`): the timer lists the open ones with
 * one query each minute. Kept as long as the rollouts they explain.
 */
import { TransientError } from '#core/errors.ts';
import type { Promotion, PromotionStatus } from '#core/ports/records.ts';
import type { PromotionStore } from '#core/ports/stores.ts';
import { type Condition, valueList } from './expressions.ts';
import { recordRetentionDays } from './items.ts';
import type { LedgerTable } from './table.ts';

const promotionsPk = 'promotions';
const promotionKey = (pipeline: string, digest: string) => ({
  pk: promotionsPk,
  sk: `${pipeline}#${digest}`,
});

const open: PromotionStatus[] = ['waiting', 'awaiting-approval', 'approved'];
/** Each approval that loses to a concurrent one re-reads and tries again; this many losses is a storm. */
const approveAttempts = 10;

export const createPromotionStore = (table: LedgerTable): PromotionStore => {
  const get = (pipeline: string, digest: string) => table.get<Promotion>(promotionKey(pipeline, digest));

  return {
    get,

    async create(promotion) {
      const { written } = await table.put(
        {
          ...promotionKey(promotion.pipeline, promotion.digest),
          ...promotion,
          ttl: table.ttl(recordRetentionDays),
        },
        { expression: 'attribute_not_exists(pk)' },
      );
      return written;
    },

    async transition(pipeline, digest, from, patch) {
      if (from.length === 0) return false; // `IN ()` is no expression, and nothing could match
      // A patch with nothing defined writes nothing (UpdateItem without an UpdateExpression is not
      // portable): a read answers instead.
      if (!Object.values(patch).some((value) => value !== undefined)) {
        const current = await get(pipeline, digest);
        return current !== undefined && from.includes(current.status);
      }
      const statuses = valueList('from', from);
      return table.update(promotionKey(pipeline, digest), patch, {
        expression: `#status IN (${statuses.list})`,
        names: { '#status': 'status' },
        values: statuses.values,
      });
    },

    /**
     * `approvals` is a list of maps, which `contains` cannot search by approver: the approval is checked
     * against the list as read, and written only if the list is still that one (same length, same
     * `updatedAt`: approvals only grow while awaiting approval), else read again. Only `approvals` changes.
     */
    async approve(pipeline, digest, approval) {
      for (let attempt = 0; attempt < approveAttempts; attempt += 1) {
        const current = await get(pipeline, digest);
        if (
          current?.status !== 'awaiting-approval' ||
          current.approvals.some((existing) => existing.approver === approval.approver)
        )
          return { added: false, promotion: current };
        const approvals = [...current.approvals, approval];
        const unchanged: Condition = {
          expression: '#status = :awaiting AND size(#approvals) = :count AND #updatedAt = :updatedAt',
          names: { '#status': 'status', '#approvals': 'approvals', '#updatedAt': 'updatedAt' },
          values: {
            ':awaiting': 'awaiting-approval',
            ':count': current.approvals.length,
            ':updatedAt': current.updatedAt,
          },
        };
        if (await table.update(promotionKey(pipeline, digest), { approvals }, unchanged))
          return { added: true, promotion: { ...current, approvals } };
      }
      throw new TransientError(`approval of ${digest} to ${pipeline} lost ${approveAttempts} races`);
    },

    async open() {
      const promotions = await table.query<Promotion>(promotionsPk);
      return promotions.filter((promotion) => open.includes(promotion.status));
    },

    async list(pipeline) {
      const promotions = await table.query<Promotion>(promotionsPk, { beginsWith: `${pipeline}#` });
      return promotions
        .filter((promotion) => promotion.pipeline === pipeline)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
};
