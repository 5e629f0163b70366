/** The environment a pipeline deploys to, for the `[Environment]` metrics: a bounded config key. */
import type { DeckhandConfig } from '../config.ts';
import { environmentOf } from '../guardrails/policy.ts';

/** The `guardrails.environments` key matching the pipeline's first target's cluster; undefined when none does. */
export const pipelineEnvironment = (
  config: Pick<DeckhandConfig, 'pipelines' | 'guardrails'>,
  pipeline: string,
): string | undefined => {
  const cluster = config.pipelines.find((p) => p.name === pipeline)?.targets[0]?.cluster;
  const environment = environmentOf(config.guardrails, cluster);
  return Object.entries(config.guardrails.environments).find(([, value]) => value === environment)?.[0];
};
