/** Reads the config file (YAML or JSON) named by `--config`, `DECKHAND_CONFIG`, or found in the working directory. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { type DeckhandConfig, parseConfig } from '#core/config.ts';
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

export const parseConfigText = (text: string, source: string): DeckhandConfig => {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML or JSON: ${(error as Error).message}`], { cause: error });
  }
  return parseConfig(raw, source);
};

export const loadConfigFile = (explicit?: string): DeckhandConfig => {
  const path = resolveConfigPath(explicit);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read: ${(error as Error).message}`], { cause: error });
  }
  return parseConfigText(text, path);
};
