/**
 * Claim (step 5): record what the guardrails held back, park a pending push for its scan, and claim
 * (service, digest) for every planned target, so a duplicate delivery does nothing and a retry resumes.
 */
import { errorMessage, TransientError } from '../../errors.ts';
import type { DeployAction } from '../../outcome.ts';
import type { RolloutRecord } from '../../ports/records.ts';
import { deployAction, type HeldTarget, type PlannedTarget, type Push, type Target } from './context.ts';

/** Longer than the image-push Lambda's timeout, so a live delivery is never taken over. */
const claimLeaseMs = 6 * 60_000;

export interface Claims {
  claimed: PlannedTarget[];
  /** Targets another delivery already deployed (or this event's earlier attempt did). */
  actions: DeployAction[];
}

const rolloutRecord = (
  push: Push,
  target: Target,
  extra: Pick<RolloutRecord, 'status' | 'fromTaskDefinition'> & Partial<RolloutRecord>,
): RolloutRecord => {
  const now = push.deps.clock.now().toISOString();
  return {
    serviceKey: target.serviceKey,
    cluster: target.cluster,
    service: target.service,
    digest: push.digest,
    tag: push.tag,
    pipeline: target.pipeline.pipeline.name,
    eventId: push.id,
    pushedAt: push.pushedAt,
    image: push.image,
    ...(push.breakGlass ? { reason: `break-glass by ${push.breakGlass.by}: ${push.breakGlass.reason}` } : {}),
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
};

export const recordHeld = async (push: Push, held: readonly HeldTarget[]): Promise<void> => {
  const { rollouts, scans } = push.deps.ledger;
  for (const { target, status, findings, from } of held)
    await rollouts.claim(rolloutRecord(push, target, { status, fromTaskDefinition: from, findings }));
  // Only a push is parked for its scan; a promotion or release is simply asked again on the next tick.
  if (push.event && held.some((h) => h.status === 'pending'))
    await scans.park(push.digest, { eventId: push.id, event: push.event });
};

export const claim = async (push: Push, planned: readonly PlannedTarget[]): Promise<Claims> => {
  const { clock, ledger } = push.deps;
  const claims: Claims = { claimed: [], actions: [] };
  for (const target of planned) {
    const result = await ledger.rollouts.claim(
      rolloutRecord(push, target, {
        status: 'claimed',
        fromTaskDefinition: target.snapshot.taskDefinition,
        desiredCount: target.snapshot.desiredCount,
        leaseUntil: new Date(clock.now().getTime() + claimLeaseMs).toISOString(),
      }),
    );
    if (result.claimed) {
      claims.claimed.push(target);
    } else if (result.busy) {
      await releaseClaims(push, claims.claimed);
      throw new TransientError(`${target.serviceKey}: event ${push.id} is being handled by another delivery`);
    } else if (result.existing.eventId === push.id && result.existing.toTaskDefinition) {
      // A retry of this event after a partial failure: the first attempt already did this service.
      const { fromTaskDefinition, toTaskDefinition, deploymentId } = result.existing;
      claims.actions.push(
        deployAction(push, target, 'deployed', {
          from: fromTaskDefinition,
          to: toTaskDefinition,
          ...(deploymentId ? { deploymentId } : {}),
        }),
      );
    } else {
      claims.actions.push(
        deployAction(push, target, 'unchanged', {
          from: target.snapshot.taskDefinition,
          to: result.existing.toTaskDefinition,
          reason: `already deployed by event ${result.existing.eventId}`,
        }),
      );
    }
  }
  return claims;
};

/** Hands claims back, so EventBridge's retry of this event resumes now rather than after the lease. */
export const releaseClaims = async (push: Push, claimed: readonly Target[]): Promise<void> => {
  const { clock, ledger, log } = push.deps;
  const now = clock.now().toISOString();
  for (const target of claimed) {
    try {
      const moved = await ledger.rollouts.transition(
        target.serviceKey,
        push.digest,
        ['claimed', 'registered'],
        { leaseUntil: now, updatedAt: now },
      );
      if (!moved) log.debug('claim already moved on', { serviceKey: target.serviceKey });
    } catch (error) {
      // Best effort: the lease still runs out on its own.
      log.warn('claim not released', { serviceKey: target.serviceKey, error: errorMessage(error) });
    }
  }
};
