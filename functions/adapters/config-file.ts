/**
 * Finds the config file (`--config`, `DECKHAND_CONFIG`, or a default name in the working directory) and, for
 * the Lambdas, reads it as JSON: the CDK validates the config at synth and ships it into each bundle as
 * `deckhand.config.json`, so a handler needs no YAML parser. The CLI reads YAML too: see
 * `functions/cli/config-yaml.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { parseBundledConfig } from '#core/bundled-config.ts';
import type { DeckhandConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';

export const defaultConfigNames = ['deckhand.config.yaml', 'deckhand.config.yml', 'deckhand.config.json'];

export const resolveConfigPath = (explicit?: string): string => {
  const named = explicit ?? process.env.DECKHAND_CONFIG;
  // In Lambda the config ships beside the bundle, in LAMBDA_TASK_ROOT.
  const base = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  if (named) return isAbsolute(named) ? named : resolve(base, named);
  const found = defaultConfigNames.map((name) => resolve(base, name)).find((path) => existsSync(path));
  if (!found) {
    throw new ConfigError('(none)', [
      `no config file: pass --config, set DECKHAND_CONFIG, or create ${defaultConfigNames[0]}`,
    ]);
  }
  return found;
};

/** The file's text, or a ConfigError naming the file. */
export const readConfigText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read: ${(error as Error).message}`], { cause: error });
  }
};

/** Validates JSON config text; YAML is not accepted here (the CLI reads it). */
const parseConfigJson = (text: string, source: string): DeckhandConfig => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const yaml = /^\.ya?ml$/i.test(extname(source));
    throw new ConfigError(
      source,
      [
        yaml
          ? `not JSON (${(error as Error).message}): the functions read only the JSON copy the stack ` +
            `bundles (deckhand.config.json); YAML is for the deckhand CLI and cdk synth`
          : `not valid JSON: ${(error as Error).message}`,
      ],
      { cause: error },
    );
  }
  return parseBundledConfig(raw, source);
};

/**
 * The Lambdas' loader: the JSON config beside the bundle (or the named file), checked against the schema;
 * `cdk synth` validated it in full (`parseBundledConfig` says what that leaves out).
 */
export const loadConfigFile = (explicit?: string): DeckhandConfig => {
  const path = resolveConfigPath(explicit);
  return parseConfigJson(readConfigText(path), path);
};
