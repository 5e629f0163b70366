/** How the source pipeline's rollouts of a digest are doing: every target must have succeeded and stayed healthy. */
import type { PipelineConfig } from '../config.ts';
import type { RolloutRecord } from '../ports/records.ts';
import type { RolloutStore } from '../ports/stores.ts';
import { serviceKeyOf, type SiteDeps, siteOfTarget } from '../sites.ts';

export type SourceHealth =
  | { state: 'healthy'; completedAt: string }
  | { state: 'unhealthy'; reason: string }
  | { state: 'in-progress' };

const bad: readonly RolloutRecord['status'][] = ['failed', 'rolled-back', 'blocked'];

export const sourceHealth = async (
  source: PipelineConfig,
  digest: string,
  rollouts: Pick<RolloutStore, 'get'>,
  sites: SiteDeps,
): Promise<SourceHealth> => {
  let completedAt = '';
  let waiting = false;
  for (const target of source.targets) {
    const serviceKey = serviceKeyOf(target.cluster, target.service, siteOfTarget(sites, target));
    const rollout = await rollouts.get(serviceKey, digest);
    if (rollout && (bad.includes(rollout.status) || rollout.unhealthy))
      return { state: 'unhealthy', reason: `${serviceKey}: ${rollout.reason ?? rollout.status}` };
    if (rollout?.status !== 'succeeded' || !rollout.completedAt) waiting = true;
    else if (rollout.completedAt > completedAt) completedAt = rollout.completedAt;
  }
  return waiting ? { state: 'in-progress' } : { state: 'healthy', completedAt };
};
