/** The CLI's wiring: the config as people write it (YAML or JSON), then the same adapters as the Lambdas. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { homeFromEnv } from '#adapters/site-clients.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import type { Home } from '#core/sites.ts';
import { loadConfigFileAnyFormat } from './config-yaml.ts';

/** The hub is the account and Region the CLI's credentials are in, unless DECKHAND_HOME_ACCOUNT says. */
export const resolveHome = async (): Promise<Home> => {
  if (process.env.DECKHAND_HOME_ACCOUNT) return homeFromEnv();
  const sts = new STSClient({});
  const [{ Account: account }, region] = await Promise.all([
    sts.send(new GetCallerIdentityCommand({})),
    sts.config.region(),
  ]);
  if (!account) throw new Error('STS GetCallerIdentity returned no account');
  return { account, region };
};

/** The config is read first, so a bad one exits before any AWS call. */
export const wireCli = async (configPath?: string): Promise<DeployWired> => {
  const config = loadConfigFileAnyFormat(configPath);
  return wireDeploys(config, await resolveHome());
};
