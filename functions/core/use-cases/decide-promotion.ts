/**
 * A decision on a promotion waiting for approval, from a Slack button or `deckhand approve|decline`.
 *
 * Primary course:
 *  1. Find the promotion: by digest or tag, else the pipeline's newest one awaiting approval.
 *  2. Only a configured approver may decide; from the dashboard, whoever IAM lets invoke the dashboard
 *     function (CloudWatch passes no user identity to check against the list), recorded as `console:…`.
 *  3. Decline: the promotion is `declined` and will not deploy.
 *  4. Approve: the approval is counted once per approver; with `required` distinct approvers it is `approved`,
 *     and the next timer tick deploys it through the same path as a push. A pause hook's approval resumes
 *     its deployment at once (ContinueServiceDeployment CONTINUE); a decline rolls it back.
 *
 * Alternate courses: an unknown promotion, one already decided, expired or superseded is refused with the
 * reason and changes nothing; a second click by the same approver is a duplicate and changes nothing.
 */
import type { DeckhandConfig } from '../config.ts';
import type { PromotionOutcome } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { Promotion } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import type { EcsDeploymentsPort } from '../ports/ecs-deployments.ts';
import { approvalFor, promotionAction } from '../promotions/actions.ts';
import { type Home, siteOfArn } from '../sites.ts';

export interface DecisionRequest {
  pipeline: string;
  /** A digest (`sha256:…`) or a tag; absent: the pipeline's newest promotion awaiting approval. */
  ref?: string;
  approver: string;
  decision: 'approve' | 'decline';
  reason?: string;
  via: 'slack' | 'cli' | 'dashboard';
}

export type DecisionStatus =
  | 'approved'
  | 'recorded'
  | 'declined'
  | 'duplicate'
  | 'not-found'
  | 'not-approver'
  | 'expired'
  | 'superseded'
  | 'closed';

export interface DecisionResult {
  status: DecisionStatus;
  message: string;
  /** What changed, for the owning team (the approval message is updated in place). */
  outcome?: PromotionOutcome;
}

export interface DecideDeps {
  config: DeckhandConfig;
  home: Home;
  ledger: Pick<Ledger, 'promotions'>;
  /** Answers a paused ECS deployment at once (approved → CONTINUE, declined → ROLLBACK). */
  deployments?: Pick<EcsDeploymentsPort, 'continueServiceDeployment'>;
  clock: Clock;
  log: Log;
}

/** A pause hook's deployment goes on or rolls back as soon as it is decided; the timers retry if this fails. */
const answerPauseHook = async (promotion: Promotion, action: 'CONTINUE' | 'ROLLBACK', deps: DecideDeps) => {
  const hook = promotion.pauseHook;
  if (!hook || !deps.deployments) return;
  await deps.deployments.continueServiceDeployment(
    hook.serviceDeploymentArn,
    hook.hookId,
    action,
    siteOfArn(deps, hook.serviceDeploymentArn),
  );
  await deps.ledger.promotions.transition(
    promotion.pipeline,
    promotion.digest,
    [action === 'CONTINUE' ? 'approved' : 'declined'],
    {
      ...(action === 'CONTINUE' ? { status: 'promoted' as const } : {}),
      pauseHook: { ...hook, answered: action },
      updatedAt: deps.clock.now().toISOString(),
    },
  );
  deps.log.info('pause hook answered', { serviceDeploymentArn: hook.serviceDeploymentArn, action });
};

const find = async (request: DecisionRequest, deps: DecideDeps): Promise<Promotion | undefined> => {
  const all = await deps.ledger.promotions.list(request.pipeline);
  if (!request.ref) return all.filter((p) => p.status === 'awaiting-approval').at(-1);
  return all.filter((p) => p.digest === request.ref || p.tag === request.ref).at(-1);
};

const refused = (status: DecisionStatus, message: string): DecisionResult => ({ status, message });

export const decidePromotion = async (
  request: DecisionRequest,
  deps: DecideDeps,
): Promise<DecisionResult> => {
  const approval = approvalFor(deps.config, request.pipeline);
  if (!approval) return refused('not-found', `${request.pipeline} takes no approvals`);
  if (request.via !== 'dashboard' && !approval.approvers.includes(request.approver))
    return refused('not-approver', `${request.approver} may not approve ${request.pipeline}`);
  const promotion = await find(request, deps);
  if (!promotion)
    return refused('not-found', `no promotion of ${request.ref ?? 'anything'} to ${request.pipeline}`);
  const name = `${promotion.tag} (${promotion.digest}) to ${promotion.pipeline}`;
  const now = deps.clock.now().toISOString();
  if (promotion.status === 'superseded')
    return refused('superseded', `${name} was superseded by a newer one`);
  if (promotion.status === 'expired' || (promotion.expiresAt && promotion.expiresAt <= now))
    return refused('expired', `the request for ${name} expired at ${promotion.expiresAt}`);
  if (promotion.status !== 'awaiting-approval')
    return refused('closed', `${name} is already ${promotion.status}`);

  const { digest } = promotion;
  const tell = (
    status: 'approved' | 'declined' | 'awaiting-approval',
    after: Promotion,
  ): PromotionOutcome => ({
    kind: 'promotion',
    eventId: `decision:${request.pipeline}:${digest}:${request.approver}`,
    detailType: 'Deckhand Promotion Decision',
    outcome: status,
    actions: [promotionAction(after, deps.config, status)],
  });
  if (request.decision === 'decline') {
    const patch = {
      status: 'declined' as const,
      decidedBy: request.approver,
      updatedAt: now,
      reason: request.reason ?? 'declined',
    };
    if (!(await deps.ledger.promotions.transition(request.pipeline, digest, ['awaiting-approval'], patch)))
      return refused('closed', `${name} was decided meanwhile`);
    deps.log.info('promotion declined', { pipeline: request.pipeline, digest, approver: request.approver });
    await answerPauseHook({ ...promotion, ...patch }, 'ROLLBACK', deps);
    return {
      status: 'declined',
      message: `declined ${name}`,
      outcome: tell('declined', { ...promotion, ...patch }),
    };
  }
  const { added, promotion: counted } = await deps.ledger.promotions.approve(request.pipeline, digest, {
    approver: request.approver,
    at: now,
    via: request.via,
    ...(request.reason ? { reason: request.reason } : {}),
  });
  if (!added || !counted) return refused('duplicate', `${request.approver} already approved ${name}`);
  if (counted.approvals.length < approval.required) {
    const message = `approval ${counted.approvals.length} of ${approval.required} for ${name}`;
    return { status: 'recorded', message, outcome: tell('awaiting-approval', counted) };
  }
  const patch = {
    status: 'approved' as const,
    decidedBy: counted.approvals.map((a) => a.approver).join(', '),
    updatedAt: now,
  };
  if (!(await deps.ledger.promotions.transition(request.pipeline, digest, ['awaiting-approval'], patch)))
    return refused('closed', `${name} was decided meanwhile`);
  deps.log.info('promotion approved', { pipeline: request.pipeline, digest, approvers: patch.decidedBy });
  await answerPauseHook({ ...counted, ...patch }, 'CONTINUE', deps);
  return {
    status: 'approved',
    message: `approved ${name}; it deploys on the next tick`,
    outcome: tell('approved', { ...counted, ...patch }),
  };
};
