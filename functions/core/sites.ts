/**
 * Hub and spoke: where a service or a registry lives, and which events may speak for it. A site is a
 * configured account and Region other than the hub's own; `undefined` means the hub's own account and Region,
 * so single-account configs, their service keys and their ledger items stay exactly as they were.
 */
import { resourceName } from './arn.ts';
import type { DeckhandConfig, PipelineConfig, TargetConfig } from './config.ts';

/** The account and Region the functions run in. */
export interface Home {
  account: string;
  region: string;
}

/** A spoke: the functions act there through `roleName`. */
export interface Site {
  account: string;
  region: string;
  roleName: string;
}

export interface SiteDeps {
  config: Pick<DeckhandConfig, 'accounts'>;
  home: Home;
}

const isHome = (home: Home, account: string, region: string) =>
  account === home.account && region === home.region;

/** The site an `accounts` key names; undefined for no key, or for an entry that is the hub itself. */
export const siteOfAccount = (deps: SiteDeps, name: string | undefined): Site | undefined => {
  const entry = name === undefined ? undefined : deps.config.accounts[name];
  if (!entry || isHome(deps.home, entry.id, entry.region)) return undefined;
  return { account: entry.id, region: entry.region, roleName: entry.roleName };
};

export const siteOfTarget = (deps: SiteDeps, target: Pick<TargetConfig, 'account'>): Site | undefined =>
  siteOfAccount(deps, target.account);

export const registryOf = (deps: SiteDeps, pipeline: Pick<PipelineConfig, 'registry'>): Site | undefined =>
  siteOfAccount(deps, pipeline.registry);

/** Where a configured account and Region is: `home`, a site, or `unknown` (never configured). */
export type Whereabouts = { known: true; site: Site | undefined } | { known: false };

export const siteAt = (deps: SiteDeps, account: string, region: string): Whereabouts => {
  if (isHome(deps.home, account, region)) return { known: true, site: undefined };
  const entry = Object.values(deps.config.accounts).find((a) => a.id === account && a.region === region);
  return entry
    ? { known: true, site: { account: entry.id, region: entry.region, roleName: entry.roleName } }
    : { known: false };
};

/** The account and Region of a site, the hub's for `undefined`. */
export const placeOf = (deps: SiteDeps, site: Site | undefined): Home =>
  site ? { account: site.account, region: site.region } : deps.home;

export const sameSite = (a: Site | undefined, b: Site | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.account === b.account && a.region === b.region);

/** The ledger's key for a service: `<cluster>/<service>` at home, `<account>/<region>/<cluster>/<service>` on a spoke. */
export const serviceKeyOf = (
  cluster: string,
  service: string,
  site: Pick<Site, 'account' | 'region'> | undefined,
): string =>
  `${site ? `${site.account}/${site.region}/` : ''}${resourceName(cluster)}/${resourceName(service)}`;

export interface ServiceKeyParts {
  cluster: string;
  service: string;
  /** Absent at home. */
  place?: { account: string; region: string };
}

export const splitServiceKey = (serviceKey: string): ServiceKeyParts => {
  const parts = serviceKey.split('/');
  if (parts.length >= 4) {
    const [account = '', region = '', cluster = '', ...service] = parts;
    return { cluster, service: service.join('/'), place: { account, region } };
  }
  const slash = serviceKey.indexOf('/');
  return { cluster: serviceKey.slice(0, slash), service: serviceKey.slice(slash + 1) };
};

/** An ECS service named by its ARN, placed: where it is, and its key; `unknown` when the account isn't configured. */
export interface KnownService {
  known: true;
  site: Site | undefined;
  cluster: string;
  service: string;
  serviceKey: string;
}
export type LocatedService = KnownService | { known: false; account: string; region: string };

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`; the old format without a cluster means `default`. */
export const parseServiceArn = (serviceArn: string) => {
  const [, , , region = '', account = ''] = serviceArn.split(':');
  const resource = serviceArn.slice(serviceArn.indexOf(':service/') + ':service/'.length);
  const slash = resource.indexOf('/');
  return slash >= 0
    ? { account, region, cluster: resource.slice(0, slash), service: resource.slice(slash + 1) }
    : { account, region, cluster: 'default', service: resource };
};

export const locateService = (deps: SiteDeps, serviceArn: string): LocatedService => {
  const { account, region, cluster, service } = parseServiceArn(serviceArn);
  const where = siteAt(deps, account, region);
  if (!where.known) return { known: false, account, region };
  return {
    known: true,
    site: where.site,
    cluster,
    service,
    serviceKey: serviceKeyOf(cluster, service, where.site),
  };
};

/** True when an event from `account` may speak for something at `site`: only its own account may. */
export const speaksFor = (deps: SiteDeps, account: string, site: Site | undefined): boolean =>
  placeOf(deps, site).account === account;

/** The reason an event from an account Deckhand doesn't know is ignored. */
export const unknownAccountReason = (account: string, region: string): string =>
  `account ${account} in ${region} is not configured under accounts`;

/** The service an event names, if the event is believed; otherwise why not. */
export type Trusted = { trusted: true; service: KnownService } | { trusted: false; reason: string };

/**
 * Believes an event about the service `serviceArn` names only when that service's account and Region are
 * configured and the event comes from that same account: a spoke can't speak for another's services.
 */
export const trustService = (deps: SiteDeps, event: { account: string }, serviceArn: string): Trusted => {
  const located = locateService(deps, serviceArn);
  if (!located.known)
    return { trusted: false, reason: unknownAccountReason(located.account, located.region) };
  if (!speaksFor(deps, event.account, located.site))
    return {
      trusted: false,
      reason: `an event from account ${event.account} may not speak for ${located.serviceKey} (account ${placeOf(deps, located.site).account})`,
    };
  return { trusted: true, service: located };
};

export const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/** The role Deckhand assumes on a spoke: its calls there are Deckhand's own. */
export const roleArnOf = (site: Site): string =>
  `arn:${partitionOf(site.region)}:iam::${site.account}:role/${site.roleName}`;

/** The site of a resource Deckhand recorded after trusting it (e.g. a paused deployment's ARN). */
export const siteOfArn = (deps: SiteDeps, arn: string): Site | undefined => {
  const [, , , region = '', account = ''] = arn.split(':');
  const where = siteAt(deps, account, region);
  return where.known ? where.site : undefined;
};
