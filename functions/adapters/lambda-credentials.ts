/**
 * What the Lambda bundles get for `@aws-sdk/credential-provider-node` (infra/bundling.ts aliases it here):
 * the environment only. In Lambda the runtime puts the function role's credentials in the environment, and
 * the SDK's default chain answers from there, first (Deckhand sets no AWS_PROFILE, which would skip it); the
 * chain's other links (SSO, login, ini files, process, web identity, container and instance metadata) never
 * run there, yet weigh ~90 KB in every bundle. The SDK memoizes what this returns, as it does the chain's.
 * Spokes are reached with `fromTemporaryCredentials` (site-clients.ts), whose STS client signs with these.
 * The CLI and the tests run unbundled and keep the whole chain.
 */
import { fromEnv } from '@aws-sdk/credential-providers';

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
