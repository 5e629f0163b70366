/**
 * Claim (step 5): record what the guardrails held back, park a pending push for its scan, and claim
 * (service, digest) for every planned target, so a duplicate delivery does nothing and a retry resumes.
 */
import { errorMessage, TransientError } from '../../errors.ts';
import type { DeployAction } from '../../outcome.ts';
import type { RolloutRecord, ServiceHead } from '../../ports/records.ts';
import { leaseMs } from '../../rollouts/roll-service.ts';
import {
  deployAction,
  type HeldTarget,
  type PlannedTarget,
  type Push,
  rollOwner,
  type Target,
} from './context.ts';
import type { Prefetched } from './prefetch.ts';
import { registrationGroups } from './register.ts';

/** Longer than the image-push Lambda's timeout, so a live delivery is never taken over. */
const claimLeaseMs = 6 * 60_000;

export interface Claims {
  claimed: PlannedTarget[];
  /** Claims that came with the service's lease, and the head it was taken at (the roll skips both). */
  leased: Map<string, ServiceHead | undefined>;
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

/**
 * With `lease`, each claim also takes the service's lease at the head planning read (one write for both), so
 * the in-process roll neither waits for it nor reads the head again. A claim whose revision is already
 * registered is recorded `registered` with it at once.
 */
export const claim = async (
  push: Push,
  planned: readonly PlannedTarget[],
  prefetched: Prefetched,
  options: { lease: boolean },
): Promise<Claims> => {
  const { clock, ledger } = push.deps;
  const claims: Claims = { claimed: [], leased: new Map(), actions: [] };
  const known = new Map(
    registrationGroups(planned, prefetched).flatMap(({ members, arn }) =>
      arn ? members.map((member) => [member.serviceKey, arn] as const) : [],
    ),
  );
  for (const target of planned) {
    const registered = known.get(target.serviceKey);
    const record = rolloutRecord(push, target, {
      status: registered ? 'registered' : 'claimed',
      ...(registered ? { toTaskDefinition: registered } : {}),
      fromTaskDefinition: target.snapshot.taskDefinition,
      desiredCount: target.snapshot.desiredCount,
      leaseUntil: new Date(clock.now().getTime() + claimLeaseMs).toISOString(),
    });
    const head = prefetched.ledger.heads.get(target.serviceKey);
    const result = options.lease
      ? await ledger.rollouts.claimLeased(record, {
          owner: rollOwner(push),
          leaseMs,
          headVersion: head?.version,
        })
      : await ledger.rollouts.claim(record);
    if (result.claimed) {
      claims.claimed.push(target);
      if (result.leased) claims.leased.set(target.serviceKey, head);
    } else if (result.busy) {
      await releaseClaims(push, claims);
      throw new TransientError(`${target.serviceKey}: event ${push.id} is being handled by another delivery`);
    } else if (result.existing.eventId === push.id && result.existing.toTaskDefinition) {
      // A retry of this event after a partial failure: the first attempt already did this service.
      const { fromTaskDefinition, toTaskDefinition, deploymentId } = result.existing;
      claims.actions.push(
        deployAction(push, target, 'deployed', {
          from: fromTaskDefinition,
          to: toTaskDefinition,
          ...(deploymentId ? { deploymentId } : {}),
          again: true,
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

/** Hands claims (and the leases taken with them) back, so a retry of this event resumes now. */
export const releaseClaims = async (
  push: Push,
  { claimed, leased }: Pick<Claims, 'claimed' | 'leased'>,
): Promise<void> => {
  const { clock, ledger, log } = push.deps;
  const now = clock.now().toISOString();
  for (const target of claimed) {
    try {
      if (leased.has(target.serviceKey)) await ledger.heads.releaseLease(target.serviceKey, rollOwner(push));
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
