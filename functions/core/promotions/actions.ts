/** A promotion as an outcome's action: what the notifier, the CLI and status show. */
import type { DeckhandConfig } from '../config.ts';
import { pinnedImage } from '../image-ref.ts';
import type { PromotionAction } from '../outcome.ts';
import type { Promotion } from '../ports/records.ts';

export const promotionAction = (
  promotion: Promotion,
  config: DeckhandConfig,
  status: PromotionAction['status'],
  extra: Partial<PromotionAction> = {},
): PromotionAction => {
  const approval = config.pipelines.find((p) => p.name === promotion.pipeline)?.promote?.approval;
  return {
    pipeline: promotion.pipeline,
    source: promotion.source,
    digest: promotion.digest,
    tag: promotion.tag,
    image: pinnedImage(promotion.repositoryUri, promotion.digest),
    status,
    ...(promotion.reason ? { reason: promotion.reason } : {}),
    ...(approval
      ? {
          approvers: approval.approvers,
          required: approval.required,
          approvals: promotion.approvals.map((a) => a.approver),
        }
      : {}),
    ...(promotion.expiresAt ? { expiresAt: promotion.expiresAt } : {}),
    ...(promotion.decidedBy ? { decidedBy: promotion.decidedBy } : {}),
    ...extra,
  };
};
