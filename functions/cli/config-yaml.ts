/**
 * The config as people write it, YAML or JSON (JSON is YAML), for the CLI and `cdk synth`. The Lambdas read
 * only the JSON copy the stack bundles (`#adapters/config-file.ts`), so `yaml` stays out of their bundles.
 */
import { parse } from 'yaml';
import { readConfigText, resolveConfigPath } from '#adapters/config-file.ts';
import { type DeckhandConfig, parseConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';

/** Validates config text in YAML or JSON; `source` names it in errors. */
export const parseConfigText = (text: string, source: string): DeckhandConfig => {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML or JSON: ${(error as Error).message}`], { cause: error });
  }
  return parseConfig(raw, source);
};

/** The CLI's loader: `--config`, `DECKHAND_CONFIG` or a default name in the working directory, YAML or JSON. */
export const loadConfigFileAnyFormat = (explicit?: string): DeckhandConfig => {
  const path = resolveConfigPath(explicit);
  return parseConfigText(readConfigText(path), path);
};
