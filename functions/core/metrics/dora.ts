/**
 * The four DORA measures over the ledger's rollout records, the same definitions the emitted metrics use:
 *  - a deployment is a rollout that reached ECS (it has a `toTaskDefinition`), counted when it started
 *    (`createdAt`); a roll ECS refused never ran, so it is neither a deployment nor a failure;
 *  - lead time for changes is `pushedAt` → `completedAt` (ECS reported the deployment COMPLETED);
 *  - a change failure is a deployment that ended `failed` or `rolled-back` (by ECS or by Deckhand);
 *  - time to restore runs per (pipeline, service) from the first failure after a success (the failed
 *    record's `updatedAt`) to the next completed rollout.
 */
import type { RolloutRecord } from '../ports/records.ts';

export const reachedEcs = (r: RolloutRecord): boolean => r.toTaskDefinition !== undefined;

export const isChangeFailure = (r: RolloutRecord): boolean =>
  reachedEcs(r) && (r.status === 'failed' || r.status === 'rolled-back');

const ms = (iso: string): number => Date.parse(iso);

interface Moment {
  at: string;
  kind: 'success' | 'failure';
}

/** One service's successes and failures of one pipeline, in time order. */
const momentsOf = (history: readonly RolloutRecord[]): Moment[] =>
  history
    .flatMap((r): Moment[] => [
      ...(r.completedAt ? [{ at: r.completedAt, kind: 'success' as const }] : []),
      ...(isChangeFailure(r) ? [{ at: r.updatedAt, kind: 'failure' as const }] : []),
    ])
    .sort((a, b) => ms(a.at) - ms(b.at));

/**
 * When the service started failing, if it still is at `at`: the first failure since its last success.
 * A succeeding rollout's follow-through asks this (before recording its own completion) to measure the restore.
 */
export const failingSince = (
  history: readonly RolloutRecord[],
  pipeline: string,
  at: string,
): string | undefined => {
  let since: string | undefined;
  for (const moment of momentsOf(history.filter((r) => r.pipeline === pipeline))) {
    if (ms(moment.at) >= ms(at)) break;
    since = moment.kind === 'failure' ? (since ?? moment.at) : undefined;
  }
  return since;
};

/** Every (failure → restored) period of one service's history of one pipeline, in time order. */
export const restorePeriods = (history: readonly RolloutRecord[]): { from: string; to: string }[] => {
  const periods: { from: string; to: string }[] = [];
  let since: string | undefined;
  for (const moment of momentsOf(history)) {
    if (moment.kind === 'failure') since ??= moment.at;
    else if (since) {
      periods.push({ from: since, to: moment.at });
      since = undefined;
    }
  }
  return periods;
};

export const median = (values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (index: number): number => sorted[index] ?? 0;
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
};

export const secondsBetween = (from: string, to: string): number => (ms(to) - ms(from)) / 1000;

export interface DoraMeasures {
  pipeline: string;
  /** Deployments started in the window, and per day of the window. */
  deployments: number;
  deploymentsPerDay: number;
  /** Median push → completed, seconds, over rollouts completed in the window. */
  leadTimeSeconds?: number;
  leadTimes: number;
  /** Deployments of the window that failed or were rolled back, and their share of the window's deployments. */
  changeFailures: number;
  changeFailureRate?: number;
  /** Median failure → restored, seconds, over restores in the window. */
  timeToRestoreSeconds?: number;
  restores: number;
}

export interface ReportWindow {
  since: Date;
  until: Date;
}

const within = (iso: string | undefined, window: ReportWindow): boolean =>
  iso !== undefined && ms(iso) >= window.since.getTime() && ms(iso) <= window.until.getTime();

/** The measures of each named pipeline, over every rollout record of its services (any order). */
export const doraMeasures = (
  pipelines: readonly string[],
  rollouts: readonly RolloutRecord[],
  window: ReportWindow,
): DoraMeasures[] => {
  const days = (window.until.getTime() - window.since.getTime()) / 86_400_000;
  return pipelines.map((pipeline) => {
    const ours = rollouts.filter((r) => r.pipeline === pipeline);
    const deployed = ours.filter((r) => reachedEcs(r) && within(r.createdAt, window));
    const failures = deployed.filter(isChangeFailure).length;
    const leadTimes = ours
      .filter((r) => within(r.completedAt, window))
      .map((r) => secondsBetween(r.pushedAt, r.completedAt as string));
    const services = [...new Set(ours.map((r) => r.serviceKey))];
    const restores = services
      .flatMap((key) => restorePeriods(ours.filter((r) => r.serviceKey === key)))
      .filter((period) => within(period.to, window))
      .map((period) => secondsBetween(period.from, period.to));
    const leadTime = median(leadTimes);
    const restore = median(restores);
    return {
      pipeline,
      deployments: deployed.length,
      deploymentsPerDay: days > 0 ? deployed.length / days : 0,
      ...(leadTime !== undefined ? { leadTimeSeconds: leadTime } : {}),
      leadTimes: leadTimes.length,
      changeFailures: failures,
      ...(deployed.length > 0 ? { changeFailureRate: failures / deployed.length } : {}),
      ...(restore !== undefined ? { timeToRestoreSeconds: restore } : {}),
      restores: restores.length,
    };
  });
};
