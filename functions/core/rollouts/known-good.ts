/**
 * The last known-good revision of a service: the newest rollout that ECS reported COMPLETED and that no
 * alarm or crash loop marked unhealthy. Not "revision − 1": a revision that never ran healthy is skipped.
 */
import type { RolloutRecord } from '../ports/records.ts';

export type KnownGood =
  | {
      found: true;
      taskDefinition: string;
      digest?: string;
      tag?: string;
      source: 'rollout' | 'before-deckhand';
    }
  | { found: false; reason: string };

export const lastKnownGood = (rollouts: readonly RolloutRecord[], current: RolloutRecord): KnownGood => {
  const earlier = rollouts
    .filter((r) => r.digest !== current.digest && r.createdAt <= current.createdAt && r.toTaskDefinition)
    .sort((a, b) => (a.completedAt ?? a.createdAt).localeCompare(b.completedAt ?? b.createdAt));
  const good = earlier
    .filter((r) => (r.status === 'succeeded' || r.status === 'superseded') && r.completedAt && !r.unhealthy)
    .at(-1);
  if (good?.toTaskDefinition)
    return {
      found: true,
      taskDefinition: good.toTaskDefinition,
      digest: good.digest,
      tag: good.tag,
      source: 'rollout',
    };
  const deployedBefore = earlier.some(
    (r) => r.status !== 'blocked' && r.status !== 'pending' && r.toTaskDefinition,
  );
  // Before Deckhand's first rollout of the service, what ran was steady: the only honest fallback.
  if (!deployedBefore && current.fromTaskDefinition)
    return { found: true, taskDefinition: current.fromTaskDefinition, source: 'before-deckhand' };
  return { found: false, reason: 'no earlier rollout of this service completed healthy' };
};

/** True when `at` falls inside the rollout's watch: still rolling, or completed less than `bakeMs` ago. */
export const inBakeWindow = (rollout: RolloutRecord, at: Date, bakeMs: number): boolean => {
  if (rollout.status === 'rolling') return true;
  if (rollout.status !== 'succeeded' || !rollout.completedAt) return false;
  return at.getTime() - Date.parse(rollout.completedAt) <= bakeMs;
};
