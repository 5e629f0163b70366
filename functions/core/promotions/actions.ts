/** A promotion as an outcome's action: what the notifier, the CLI and status show. */
import type { DeckhandConfig } from '../config.ts';
import { pinnedImage } from '../image-ref.ts';
import type { PromotionAction } from '../outcome.ts';
import type { Promotion } from '../ports/records.ts';

/** The source of an approval the lifecycle hook asked for (the deployment is someone else's, under way). */
export const admissionSource = '(admission)';

/** Who approves a promotion: its pipeline's approvers, or `admission.approval` for a service in no pipeline. */
export const approvalFor = (config: DeckhandConfig, pipeline: string) =>
  config.pipelines.find((p) => p.name === pipeline)?.promote?.approval ??
  (pipeline.startsWith('admission:') ? config.admission.approval : undefined);

export const promotionAction = (
  promotion: Promotion,
  config: DeckhandConfig,
  status: PromotionAction['status'],
  extra: Partial<PromotionAction> = {},
): PromotionAction => {
  const approval = approvalFor(config, promotion.pipeline);
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
