/**
 * The Deckhand config at synth time: read from the `deckhand:config` context (a path), validated with the
 * same zod schema the functions use, so a bad config fails `cdk synth` instead of the first event.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Node } from 'constructs';
import { parseConfigText } from '#cli/config-yaml.ts';
import type { DeckhandConfig } from '#core/config.ts';
import { projectRoot } from './constructs/paths.ts';

export const defaultConfigPath = 'infra/deckhand.config.example.yaml';
/** The name the config has inside each bundle, beside index.mjs (LAMBDA_TASK_ROOT). */
export const bundledConfigName = 'deckhand.config.json';

export interface SynthConfig {
  config: DeckhandConfig;
  source: string;
  /** A JSON copy of the validated config, which bundling copies into each function. */
  jsonFile: string;
}

/** The validated config the `deckhand:config` context names, without the bundle's copy (the spoke stack's). */
export const readSynthConfig = (node: Node): Omit<SynthConfig, 'jsonFile'> => {
  const named: unknown = node.tryGetContext('deckhand:config');
  const path = typeof named === 'string' && named.length > 0 ? named : defaultConfigPath;
  const source = isAbsolute(path) ? path : resolve(projectRoot, path);
  return { config: parseConfigText(readFileSync(source, 'utf8'), source), source };
};

export const loadSynthConfig = (node: Node): SynthConfig => {
  const { config, source } = readSynthConfig(node);
  const jsonFile = join(mkdtempSync(join(tmpdir(), 'deckhand-config-')), bundledConfigName);
  writeFileSync(jsonFile, `${JSON.stringify(config, null, 2)}\n`);
  return { config, source, jsonFile };
};

/** Bundling hooks that copy the validated config beside the bundle, where functions read it (LAMBDA_TASK_ROOT). */
export const copyConfigInto = (jsonFile: string) => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_input: string, output: string) => [`cp "${jsonFile}" "${output}/${bundledConfigName}"`],
});
