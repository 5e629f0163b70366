/**
 * Whether a pipeline is frozen now, from every source: the global windows, the windows of the guardrail
 * environments its targets deploy to, its own windows, and ad hoc freezes (`deckhand freeze`).
 */
import type { DeckhandConfig, PipelineConfig } from '../config.ts';
import { environmentOf } from '../guardrails/policy.ts';
import type { Freeze } from '../ports/records.ts';
import { activeFreeze } from './windows.ts';

export interface ActiveFreeze {
  reason: string;
  until: Date;
}

export const freezeOf = (
  config: DeckhandConfig,
  pipeline: PipelineConfig,
  adHoc: readonly Freeze[],
  now: Date,
): ActiveFreeze | undefined => {
  const environments = pipeline.targets.flatMap((target) => {
    const env = environmentOf(config.guardrails, target.cluster);
    return env ? [env] : [];
  });
  const windows = [...config.freeze, ...pipeline.freeze, ...environments.flatMap((env) => env.freeze)];
  const candidates = [
    activeFreeze(windows, now),
    ...adHoc
      .filter(
        (f) => (f.pipeline === pipeline.name || f.pipeline === '*') && Date.parse(f.until) > now.getTime(),
      )
      .map((f) => ({ reason: `${f.reason} (by ${f.by})`, until: new Date(f.until) })),
  ].filter((f): f is ActiveFreeze => f !== undefined);
  return candidates.sort((a, b) => b.until.getTime() - a.until.getTime())[0];
};
