/**
 * Resuming a pipeline that an alarm rollback (or `deckhand rollback`) paused, from `deckhand resume` or the
 * dashboard's Resume button.
 *
 * Primary course:
 *  1. For each target of the pipeline, read the service's pause; a pause of this pipeline is deleted, so
 *     pushes and promotions deploy again.
 *  2. Log who resumed what (the pause's reason and age go with it), and answer every service resumed.
 *
 * Alternate courses: an unknown pipeline is a ConfigError; a pipeline paused nowhere (or already resumed by
 * a concurrent click) resumes nothing and says so.
 */
import type { DeckhandConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Log } from '../ports/log.ts';
import type { Pause } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import { type Home, serviceKeyOf, siteOfTarget } from '../sites.ts';

export interface ResumeDeps {
  config: DeckhandConfig;
  home: Home;
  ledger: Pick<Ledger, 'pauses'>;
  log: Log;
}

export interface ResumeResult {
  pipeline: string;
  resumed: Pause[];
}

export const resumePipeline = async (
  request: { pipeline: string; by: string },
  deps: ResumeDeps,
): Promise<ResumeResult> => {
  const pipeline = deps.config.pipelines.find((p) => p.name === request.pipeline);
  if (!pipeline) throw new ConfigError('(config)', [`no pipeline named ${request.pipeline}`]);
  const resumed: Pause[] = [];
  for (const target of pipeline.targets) {
    const serviceKey = serviceKeyOf(target.cluster, target.service, siteOfTarget(deps, target));
    const pause = await deps.ledger.pauses.get(serviceKey);
    if (pause?.pipeline !== request.pipeline) continue;
    await deps.ledger.pauses.delete(serviceKey);
    deps.log.info('pipeline resumed', {
      pipeline: request.pipeline,
      serviceKey,
      by: request.by,
      pausedAt: pause.pausedAt,
      pauseReason: pause.reason,
    });
    resumed.push(pause);
  }
  return { pipeline: request.pipeline, resumed };
};
