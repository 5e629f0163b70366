/**
 * The config as the functions read it: the JSON copy that `cdk synth` validated with `parseConfig` and bundled
 * beside each function (infra/deckhand-config.ts). It is parseConfig's output, which is not quite what people
 * write, so it is read back as written, then checked against the schema alone.
 */
import { type DeckhandConfig, parseConfigShape } from './config.ts';

/** A pipeline as `parseConfig` returned it, as written: `registry` back into `repository`, no default tags. */
const pipelineAsWritten = (pipeline: unknown): unknown => {
  if (!pipeline || typeof pipeline !== 'object') return pipeline;
  const { registry, ...written } = pipeline as Record<string, unknown>;
  if (written.promote && written.tags === '*') delete written.tags;
  if (typeof registry === 'string' && typeof written.repository === 'string')
    return { ...written, repository: { account: registry, name: written.repository } };
  return registry === undefined ? written : pipeline;
};

/**
 * The functions' parse of their bundled config: the schema, with its defaults, without the tag-policy, cron
 * and rule parsers, which synth ran and which a function carries only where it uses them. Config as written
 * (the demo's, the tests') reads the same.
 */
export const parseBundledConfig = (raw: unknown, source: string): DeckhandConfig => {
  const pipelines = (raw as { pipelines?: unknown } | null)?.pipelines;
  const written = Array.isArray(pipelines)
    ? { ...(raw as object), pipelines: pipelines.map(pipelineAsWritten) }
    : raw;
  return parseConfigShape(written, source);
};
