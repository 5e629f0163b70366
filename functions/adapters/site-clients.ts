/**
 * Hub and spoke: the client settings for a site. At home (and in the hub's own account in another Region) the
 * functions use their own role; on a spoke they assume `arn:<partition>:iam::<account>:role/<roleName>`. One
 * port per site is made on first use and kept, so its client caches the assumed credentials and refreshes
 * them shortly before they expire (the SDK's identity cache); the session name names the function and the
 * event that first needed them, so the spoke's CloudTrail says who acted and why.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ConfigError } from '#core/errors.ts';
import { type Home, roleArnOf, type Site } from '#core/sites.ts';

export interface SiteClientConfig {
  region: string;
  credentials?: ReturnType<typeof fromTemporaryCredentials>;
}

const session = new AsyncLocalStorage<string>();

/** Runs `work` with `name` as the role session name of any spoke credentials it is the first to need. */
export const withRoleSession = <T>(name: string, work: () => T): T => session.run(name, work);

/** `<function>-<event id>`, e.g. `image-push-6a7e8feb-…`. */
export const roleSessionFor = (functionName: string, event: unknown): string => {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? `${functionName}-${id}` : functionName;
};

/** STS allows `[\w+=,.@-]`, 2 to 64 characters. */
export const roleSessionName = (): string =>
  (session.getStore() ?? `deckhand-${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'cli'}`)
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64)
    .padEnd(2, '-');

export const siteClientConfig = (site: Site, home: Home): SiteClientConfig =>
  site.account === home.account
    ? { region: site.region }
    : {
        region: site.region,
        credentials: fromTemporaryCredentials({
          params: { RoleArn: roleArnOf(site), RoleSessionName: roleSessionName(), DurationSeconds: 3600 },
          clientConfig: { region: home.region },
        }),
      };

/** One port per site, made on first use: `make(undefined)` is the hub's own. */
export const perSite = <P>(home: Home, make: (config: SiteClientConfig | undefined) => P) => {
  let own: P | undefined;
  const spokes = new Map<string, P>();
  return (site: Site | undefined): P => {
    if (!site) return (own ??= make(undefined));
    const key = `${site.account}/${site.region}/${site.roleName}`;
    let port = spokes.get(key);
    if (!port) {
      port = make(siteClientConfig(site, home));
      spokes.set(key, port);
    }
    return port;
  };
};

/**
 * The hub's account and Region. The stack sets `DECKHAND_HOME_ACCOUNT`; the Lambda runtime sets `AWS_REGION`.
 * The CLI asks STS when the variable is unset (`resolveHome` in cli/session.ts).
 */
export const homeFromEnv = (): Home => {
  const account = process.env.DECKHAND_HOME_ACCOUNT;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!account || !region)
    throw new ConfigError('(environment)', [
      'DECKHAND_HOME_ACCOUNT and AWS_REGION must name the hub’s account and Region',
    ]);
  return { account, region };
};
