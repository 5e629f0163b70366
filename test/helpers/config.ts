/** The issues a config is refused with, one line each as `deckhand` prints them (fails if it is accepted). */
import { parseConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';

export const issuesOf = (raw: unknown): string[] => {
  try {
    parseConfig(raw, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('config was accepted');
};
