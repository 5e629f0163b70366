/**
 * The DORA report: deployment frequency, lead time for changes, change failure rate and time to restore per
 * pipeline, computed from the ledger, so history from before the metrics existed counts too.
 *
 * Primary course:
 *  1. For each configured pipeline (or the one asked for), list the rollouts of its targets' services.
 *  2. Keep the pipeline's own rollouts (a service may serve several pipelines).
 *  3. Compute the measures over the window `since` → now (see ../metrics/dora.ts for the definitions).
 *
 * Alternate course: a pipeline with no rollout in the window reports zero deployments and no medians.
 * Only the services the config lists now are read: a target removed from a pipeline drops out of its history.
 */
import type { DeckhandConfig } from '../config.ts';
import { type DoraMeasures, doraMeasures } from '../metrics/dora.ts';
import type { Clock } from '../ports/clock.ts';
import type { RolloutRecord } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import { type Home, serviceKeyOf, siteOfTarget } from '../sites.ts';

export interface ReportDeps {
  config: DeckhandConfig;
  home: Home;
  ledger: Pick<Ledger, 'rollouts'>;
  clock: Clock;
}

export interface DoraReport {
  since: string;
  until: string;
  pipelines: DoraMeasures[];
}

/** `until` defaults to now; a caller that derived `since` from its own reading of now passes that reading. */
export const reportDora = async (
  deps: ReportDeps,
  since: Date,
  pipeline?: string,
  until: Date = deps.clock.now(),
): Promise<DoraReport> => {
  const pipelines = deps.config.pipelines.filter((p) => !pipeline || p.name === pipeline);
  const keys = new Set(
    pipelines.flatMap((p) => p.targets.map((t) => serviceKeyOf(t.cluster, t.service, siteOfTarget(deps, t)))),
  );
  const rollouts: RolloutRecord[] = [];
  for (const key of keys) rollouts.push(...(await deps.ledger.rollouts.list(key)));
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    pipelines: doraMeasures(
      pipelines.map((p) => p.name),
      rollouts,
      { since, until },
    ),
  };
};
