/**
 * A source rollout succeeded: every pipeline that promotes from it gets a `waiting` promotion of that digest,
 * and older unfinished promotions to the same pipeline are superseded (newest wins).
 */
import type { DeckhandConfig, PipelineConfig } from '../config.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { RolloutRecord } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';

export interface StartDeps {
  config: DeckhandConfig;
  ledger: Pick<Ledger, 'promotions'>;
  clock: Clock;
  log: Log;
}

const unfinished = ['waiting', 'awaiting-approval', 'approved'] as const;

/** The pipeline a pipeline's images come from: itself, or its promotion chain's root. */
export const rootOf = (config: DeckhandConfig, pipeline: string): PipelineConfig | undefined => {
  const seen = new Set<string>();
  for (let p = config.pipelines.find((c) => c.name === pipeline); p && !seen.has(p.name);) {
    seen.add(p.name);
    if (p.repository) return p;
    const from = p.promote?.from;
    p = config.pipelines.find((c) => c.name === from);
  }
  return undefined;
};

/** The repository a pipeline's images come from: its own, or its promotion chain's root's. */
export const repositoryOf = (config: DeckhandConfig, pipeline: string): string | undefined =>
  rootOf(config, pipeline)?.repository;

export const startPromotions = async (
  succeeded: RolloutRecord,
  repositoryUri: string,
  deps: StartDeps,
): Promise<string[]> => {
  const now = deps.clock.now().toISOString();
  const started: string[] = [];
  for (const pipeline of deps.config.pipelines.filter((p) => p.promote?.from === succeeded.pipeline)) {
    const created = await deps.ledger.promotions.create({
      pipeline: pipeline.name,
      source: succeeded.pipeline,
      digest: succeeded.digest,
      tag: succeeded.tag,
      repository: repositoryOf(deps.config, pipeline.name) ?? '',
      repositoryUri,
      pushedAt: succeeded.pushedAt,
      status: 'waiting',
      approvals: [],
      createdAt: now,
      updatedAt: now,
    });
    if (!created) continue;
    started.push(pipeline.name);
    for (const older of await deps.ledger.promotions.list(pipeline.name)) {
      if (older.digest === succeeded.digest || older.pushedAt > succeeded.pushedAt) continue;
      await deps.ledger.promotions.transition(pipeline.name, older.digest, unfinished, {
        status: 'superseded',
        reason: `superseded by ${succeeded.tag} (${succeeded.digest})`,
        updatedAt: now,
      });
    }
    deps.log.info('promotion started', { pipeline: pipeline.name, digest: succeeded.digest });
  }
  return started;
};
