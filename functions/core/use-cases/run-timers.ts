/**
 * The timers, run every minute (the `timers` function, `deckhand tick`): whatever is due.
 *
 * Primary course:
 *  1. Promotions waiting on their source: cancelled if a source rollout failed, rolled back or went
 *     unhealthy; due once every source target succeeded and stayed healthy for `after` (default: the
 *     source's bake). A due promotion asks for approval (posted with buttons), or deploys at once.
 *  2. Approval requests past their expiry are `expired`; approved promotions deploy.
 *  3. Deploys held by a freeze whose window ended: the newest held image per pipeline deploys, older ones
 *     are dropped.
 *  4. Pushes parked for a scan that has not come within the gate's `timeoutMinutes` are judged again, so the
 *     gate's `onTimeout` (block or deploy) applies without waiting for a redelivery.
 *  Every deploy goes through the same path as a push (guardrails, scan gate, one registration per family,
 *  the one roll operation, the ledger).
 *
 * Alternate courses: a promotion whose deploy is blocked by the guardrails is cancelled with the reason; a
 * transient failure leaves it as it was, for the next tick.
 */
import type { DeckhandConfig, PipelineConfig } from '../config.ts';
import { errorMessage, TransientError } from '../errors.ts';
import { freezeOf } from '../freeze/active.ts';
import type { DeployOutcome, PromotionAction, PromotionOutcome } from '../outcome.ts';
import type { HeldDeploy, Promotion } from '../ports/records.ts';
import type { EcsDeploymentsPort } from '../ports/ecs-deployments.ts';
import type { Ledger } from '../ports/stores.ts';
import { admissionSource, promotionAction } from '../promotions/actions.ts';
import { sourceHealth } from '../promotions/source-health.ts';
import { parseDuration } from '../rollouts/duration.ts';
import { parseTagPolicy } from '../tag-policy.ts';
import type { DeployDeps } from './deploy/context.ts';
import { deploy, handleImageAction } from './deploy-image.ts';
import { siteOfArn } from '../sites.ts';

export interface TimerDeps extends DeployDeps {
  ledger: DeployDeps['ledger'] & Pick<Ledger, 'promotions' | 'freezes'>;
  deployments: Pick<EcsDeploymentsPort, 'continueServiceDeployment'>;
}

/** A pause hook's approval: resume an approved deployment (if the decision could not), roll back an expired one. */
const answerPauseHook = async (
  promotion: Promotion,
  deps: TimerDeps,
  move: (status: 'expired', patch: Partial<Promotion>) => Promise<PromotionAction | undefined>,
): Promise<PromotionAction | undefined> => {
  const hook = promotion.pauseHook as NonNullable<Promotion['pauseHook']>;
  const stamp = deps.clock.now().toISOString();
  if (promotion.status === 'approved') {
    await deps.deployments.continueServiceDeployment(
      hook.serviceDeploymentArn,
      hook.hookId,
      'CONTINUE',
      siteOfArn(deps, hook.serviceDeploymentArn),
    );
    await deps.ledger.promotions.transition(promotion.pipeline, promotion.digest, ['approved'], {
      status: 'promoted',
      pauseHook: { ...hook, answered: 'CONTINUE' },
      updatedAt: stamp,
    });
    return promotionAction(promotion, deps.config, 'promoted', { reason: 'paused deployment resumed' });
  }
  if (promotion.status !== 'awaiting-approval' || !promotion.expiresAt || promotion.expiresAt > stamp)
    return undefined;
  await deps.deployments.continueServiceDeployment(
    hook.serviceDeploymentArn,
    hook.hookId,
    'ROLLBACK',
    siteOfArn(deps, hook.serviceDeploymentArn),
  );
  return move('expired', {
    reason: `no decision by ${promotion.expiresAt}: deployment rolled back`,
    pauseHook: { ...hook, answered: 'ROLLBACK' },
  });
};

const pipelineNamed = (config: DeckhandConfig, name: string) => config.pipelines.find((p) => p.name === name);

const deployTo = (
  pipeline: PipelineConfig,
  image: Pick<HeldDeploy, 'digest' | 'tag' | 'repository' | 'repositoryUri' | 'pushedAt'>,
  id: string,
  detailType: string,
  deps: TimerDeps,
): Promise<DeployOutcome> =>
  deploy(
    {
      id,
      detailType,
      pipelines: [{ pipeline, policy: parseTagPolicy(pipeline.tags) }],
      digest: image.digest,
      tag: image.tag,
      repository: image.repository,
      repositoryUri: image.repositoryUri,
      pushedAt: image.pushedAt,
    },
    deps,
  );

/** Deploys a due or approved promotion and records how it went. */
const promote = async (
  promotion: Promotion,
  pipeline: PipelineConfig,
  deps: TimerDeps,
): Promise<PromotionAction> => {
  const { promotions } = deps.ledger;
  const now = deps.clock.now().toISOString();
  const outcome = await deployTo(
    pipeline,
    promotion,
    `promotion:${promotion.pipeline}:${promotion.digest}`,
    'Deckhand Promotion',
    deps,
  );
  const from = [promotion.status];
  if (outcome.outcome === 'pending')
    return promotionAction(promotion, deps.config, 'approved', {
      reason: outcome.reason ?? 'waiting for the scan',
      deploy: outcome,
    });
  if (outcome.outcome === 'blocked' || outcome.outcome === 'failed') {
    const reason = `deploy ${outcome.outcome}: ${outcome.reason ?? ''}`;
    await promotions.transition(promotion.pipeline, promotion.digest, from, {
      status: 'cancelled',
      reason,
      updatedAt: now,
    });
    return promotionAction(promotion, deps.config, 'cancelled', { reason, deploy: outcome });
  }
  const frozen = outcome.outcome === 'frozen';
  const reason = frozen ? outcome.reason : undefined;
  await promotions.transition(promotion.pipeline, promotion.digest, from, {
    status: 'promoted',
    updatedAt: now,
    ...(reason ? { reason } : {}),
  });
  return promotionAction(promotion, deps.config, frozen ? 'frozen' : 'promoted', {
    ...(reason ? { reason } : {}),
    deploy: outcome,
  });
};

const advance = async (promotion: Promotion, deps: TimerDeps): Promise<PromotionAction | undefined> => {
  const { config, clock, ledger } = deps;
  const now = clock.now();
  const pipeline = pipelineNamed(config, promotion.pipeline);
  const source = pipelineNamed(config, promotion.source);
  const stamp = now.toISOString();
  const move = async (status: 'cancelled' | 'expired' | 'awaiting-approval', patch: Partial<Promotion>) =>
    (await ledger.promotions.transition(promotion.pipeline, promotion.digest, [promotion.status], {
      status,
      updatedAt: stamp,
      ...patch,
    }))
      ? promotionAction({ ...promotion, ...patch }, config, status)
      : undefined;
  if (promotion.pauseHook) return answerPauseHook(promotion, deps, move);
  // Asked by the lifecycle hook for a deployment already under way: the hook reads the decision itself.
  if (promotion.source === admissionSource)
    return promotion.status === 'awaiting-approval' && promotion.expiresAt && promotion.expiresAt <= stamp
      ? move('expired', { reason: `no decision by ${promotion.expiresAt}` })
      : undefined;
  if (!pipeline?.promote || !source)
    return move('cancelled', { reason: 'the pipeline is no longer configured' });
  const health = await sourceHealth(source, promotion.digest, ledger.rollouts, deps);
  if (health.state === 'unhealthy')
    return move('cancelled', { reason: `source ${source.name} failed: ${health.reason}` });
  if (promotion.status === 'approved') return promote(promotion, pipeline, deps);
  if (promotion.status === 'awaiting-approval')
    return promotion.expiresAt && promotion.expiresAt <= stamp
      ? move('expired', { reason: `no decision by ${promotion.expiresAt}` })
      : undefined;
  if (health.state !== 'healthy') return undefined;
  const after = parseDuration(pipeline.promote.after ?? source.bake) ?? 0;
  if (Date.parse(health.completedAt) + after > now.getTime()) return undefined;
  const { approval } = pipeline.promote;
  if (!approval) return promote(promotion, pipeline, deps);
  const expiresAt = new Date(now.getTime() + (parseDuration(approval.expires) ?? 0)).toISOString();
  return move('awaiting-approval', { completedAt: health.completedAt, expiresAt });
};

/** Held deploys whose freeze ended: the newest per pipeline deploys. */
const release = async (deps: TimerDeps): Promise<PromotionAction[]> => {
  const { config, ledger, clock } = deps;
  const adHoc = await ledger.freezes.list();
  const actions: PromotionAction[] = [];
  for (const [name, held] of Map.groupBy(await ledger.freezes.held(), (h) => h.pipeline)) {
    const pipeline = pipelineNamed(config, name);
    if (pipeline && freezeOf(config, pipeline, adHoc, clock.now())) continue;
    // Newest push first; pushes within the same second (ECR's precision) by when they were held.
    const [newest, ...older] = held.sort((a, b) =>
      `${b.pushedAt}|${b.heldAt}`.localeCompare(`${a.pushedAt}|${a.heldAt}`),
    );
    if (!newest) continue;
    let outcome: DeployOutcome | undefined;
    try {
      outcome = pipeline
        ? await deployTo(
            pipeline,
            newest,
            `release:${name}:${newest.digest}`,
            'Deckhand Freeze Release',
            deps,
          )
        : undefined;
    } catch (error) {
      // Held until the next tick: another tick may be releasing it right now.
      if (!(error instanceof TransientError)) throw error;
      deps.log.warn('held deploy not released', {
        pipeline: name,
        digest: newest.digest,
        error: errorMessage(error),
      });
      continue;
    }
    for (const item of [newest, ...older]) await ledger.freezes.release(name, item.digest);
    actions.push({
      pipeline: name,
      source: '(freeze)',
      digest: newest.digest,
      tag: newest.tag,
      image: `${newest.repositoryUri}@${newest.digest}`,
      status: 'released',
      reason: `freeze over; ${older.length > 0 ? `${older.length} older held image(s) dropped` : 'released'}`,
      ...(outcome ? { deploy: outcome } : {}),
    });
  }
  return actions;
};

/** Parked pushes past the shortest gate timeout, judged again; the deploy path applies each gate's own. */
const gateTimeouts = async (deps: TimerDeps): Promise<DeployOutcome[]> => {
  const { scans } = deps.ledger;
  const limits = deps.config.pipelines.flatMap((p) => (p.scanGate ? [p.scanGate.timeoutMinutes] : []));
  if (limits.length === 0) return [];
  const due = deps.clock.now().getTime() - Math.min(...limits) * 60_000;
  const resumed: DeployOutcome[] = [];
  for (const { digest, eventId } of await scans.waiting()) {
    const parked = (await scans.parked(digest)).find((p) => p.eventId === eventId);
    const pushedAt = Date.parse(String((parked?.event as { time?: unknown } | undefined)?.time));
    if (parked && !(pushedAt <= due)) continue;
    const outcome = parked ? await handleImageAction(parked.event, deps) : undefined;
    if (outcome?.outcome !== 'pending') await scans.unpark(digest, eventId);
    if (outcome) resumed.push(outcome);
  }
  return resumed;
};

export const runTimers = async (deps: TimerDeps, eventId = 'tick'): Promise<PromotionOutcome> => {
  const actions: PromotionAction[] = [];
  const failures: string[] = [];
  const open = (await deps.ledger.promotions.open()).sort((a, b) => a.pushedAt.localeCompare(b.pushedAt));
  for (const promotion of open) {
    try {
      const action = await advance(promotion, deps);
      if (action) actions.push(action);
    } catch (error) {
      // One promotion's trouble never stops the others; it is tried again on the next tick.
      if (!(error instanceof TransientError)) throw error;
      failures.push(`${promotion.pipeline} ${promotion.digest}: ${errorMessage(error)}`);
      deps.log.warn('promotion not advanced', {
        pipeline: promotion.pipeline,
        digest: promotion.digest,
        error: errorMessage(error),
      });
    }
  }
  actions.push(...(await release(deps)));
  const resumed = await gateTimeouts(deps);
  const changed = actions.map((a) => a.status);
  return {
    kind: 'promotion',
    eventId,
    detailType: 'Deckhand Timers',
    outcome: changed.includes('promoted')
      ? 'promoted'
      : changed.includes('released')
        ? 'released'
        : changed.includes('awaiting-approval')
          ? 'awaiting-approval'
          : actions.length > 0 || resumed.length > 0
            ? 'recorded'
            : 'ignored',
    actions,
    ...(resumed.length > 0 ? { resumed } : {}),
    ...(failures.length > 0 ? { reason: `retrying next tick: ${failures.join('; ')}` } : {}),
  };
};
