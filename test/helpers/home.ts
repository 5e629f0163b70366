/** The hub's account and Region for unit tests whose events are AWS's samples (account 123456789012). */
import type { RegistryPort } from '#core/ports/registry.ts';
import type { Home } from '#core/sites.ts';

export const sampleHome: Home = { account: '123456789012', region: 'eu-west-1' };

/** For single-account tests: a deploy never reads a repository policy when the target is the registry's account. */
export const noRegistry: RegistryPort = {
  repositoryPolicy: () => Promise.reject(new Error('no repository policy read expected in one account')),
};
