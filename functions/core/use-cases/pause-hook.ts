/**
 * A pause hook is waiting ("ECS Hook State Change", HOOK_AWAITING_ACTION): ask for approval with the same
 * machinery as a promotion (Slack buttons, `deckhand approve|decline`). Approved → ContinueServiceDeployment
 * CONTINUE; declined or expired → ROLLBACK (see decide-promotion.ts and run-timers.ts).
 *
 * Primary course:
 *  1. Parse the event; only HOOK_AWAITING_ACTION of a service some pipeline (or `admission.approval`) has
 *     approvers for is acted on.
 *  2. Read the deployment's target revision to learn the digest being approved.
 *  3. Create the approval request (a promotion awaiting approval that carries the pause hook), expiring at
 *     the hook's own expiry or the approval's, whichever comes first.
 *
 * Alternate courses: other hook events and services without approvers are `ignored`; a malformed event is
 * `rejected`; a request already made for this deployment is not made twice.
 */
import { pipelinesForService } from '../config.ts';
import { acceptEvent } from '../events/parse-event.ts';
import { hookStateChangeSchema } from '../events/lifecycle-hook.ts';
import { digestOf, pinnedImage } from '../image-ref.ts';
import type { PromotionOutcome } from '../outcome.ts';
import type { Promotion } from '../ports/records.ts';
import { promotionAction } from '../promotions/actions.ts';
import { parseDuration } from '../rollouts/duration.ts';
import { trustService } from '../sites.ts';
import type { AdmissionDeps } from './admit-deployment.ts';

export const handleHookStateChange = async (
  input: unknown,
  deps: AdmissionDeps,
): Promise<PromotionOutcome> => {
  const accepted = acceptEvent('promotion', hookStateChangeSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const { detail } = event;
  const ignore = (reason: string): PromotionOutcome => ({ ...base, outcome: 'ignored', actions: [], reason });
  if (detail.eventName !== 'HOOK_AWAITING_ACTION') return ignore(`${detail.eventName} needs no decision`);
  const trust = trustService(deps, event, detail.serviceArn);
  if (!trust.trusted) return ignore(trust.reason);
  const { cluster, service, site } = trust.service;
  const pipeline = pipelinesForService(deps, site, cluster, service).find((p) => p.promote?.approval);
  const approval = pipeline?.promote?.approval ?? deps.config.admission.approval;
  if (!approval)
    return ignore(`${cluster}/${service} has no approvers: the pause hook waits for someone else`);
  const pipelineName = pipeline?.name ?? `admission:${cluster}/${service}`;

  const deployment = await deps.deployments.describeServiceDeployment(detail.serviceDeploymentArn, site);
  const revision = deployment?.targetServiceRevisionArn
    ? await deps.deployments.describeServiceRevision(deployment.targetServiceRevisionArn, site)
    : undefined;
  const images = revision
    ? ((await deps.ecs.describeTaskDefinition(revision.taskDefinition, site)).taskDefinition
        .containerDefinitions ?? [])
    : [];
  const pinned = images.map((c) => c.image ?? '').find((image) => digestOf(image));
  const digest =
    revision?.containerImages.find((c) => c.imageDigest)?.imageDigest ?? (pinned && digestOf(pinned));
  if (!digest) return ignore(`the paused deployment's revision pins no digest to approve`);

  const now = deps.clock.now();
  const ours = new Date(now.getTime() + (parseDuration(approval.expires) ?? 0)).toISOString();
  const theirs = detail.expiresAt ? new Date(detail.expiresAt).toISOString() : ours;
  const image = pinned ?? '';
  const promotion: Promotion = {
    pipeline: pipelineName,
    source: '(pause hook)',
    digest,
    tag: image.slice(image.lastIndexOf('/') + 1, image.indexOf('@')) || digest.slice(7, 19),
    repository: '',
    repositoryUri: image.slice(0, image.lastIndexOf('@')),
    pushedAt: now.toISOString(),
    status: 'awaiting-approval',
    approvals: [],
    expiresAt: theirs < ours ? theirs : ours,
    pauseHook: { serviceDeploymentArn: detail.serviceDeploymentArn, hookId: detail.hookId },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await deps.ledger.promotions.create(promotion))) {
    // One request per (pipeline, digest): a new deployment of a digest decided before asks again.
    const existing = await deps.ledger.promotions.get(pipelineName, digest);
    if (!existing || existing.pauseHook?.serviceDeploymentArn === detail.serviceDeploymentArn)
      return ignore('approval already requested for this deployment');
    const { pipeline: _p, digest: _d, createdAt: _c, ...fresh } = promotion;
    const reasked = await deps.ledger.promotions.transition(pipelineName, digest, [existing.status], {
      ...fresh,
      decidedBy: '',
      reason: `asked again for ${detail.serviceDeploymentArn}`,
    });
    if (!reasked) return ignore('approval already requested for this deployment');
  }
  deps.log.info('pause hook awaits approval', {
    serviceDeploymentArn: detail.serviceDeploymentArn,
    digest,
    pipeline: pipelineName,
  });
  return {
    ...base,
    outcome: 'awaiting-approval',
    actions: [
      promotionAction(promotion, deps.config, 'awaiting-approval', {
        image: pinnedImage(promotion.repositoryUri, digest),
      }),
    ],
  };
};
