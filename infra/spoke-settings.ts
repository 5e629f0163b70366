/**
 * Which spoke a `DeckhandSpoke` synth is for, from the CDK context (no credentials, no look-ups):
 *
 * - `deckhand:hub-account`, `deckhand:hub-region`: where the hub stack (and its `deckhand` bus) is. Required.
 * - `deckhand:spoke-account`: the `accounts` key of this spoke. Without it, the entry whose id and Region are
 *   the CLI's own (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION, known when deploying with credentials).
 * - `deckhand:spoke-role=false`: no deploy role, for an account's second Region (IAM roles are global).
 *   The hub's own account never gets one: there the functions act with their own role.
 */
import type { Node } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';

export const spokeContext = {
  hubAccount: 'deckhand:hub-account',
  hubRegion: 'deckhand:hub-region',
  spokeAccount: 'deckhand:spoke-account',
  spokeRole: 'deckhand:spoke-role',
} as const;

export interface SpokeSettings {
  /** The `accounts` key this spoke is. */
  key: string;
  account: string;
  region: string;
  roleName: string;
  hub: { account: string; region: string };
  /** Whether this stack creates the deploy role the hub's functions assume. */
  createRole: boolean;
}

/** A spoke stack is synthesized only when asked for, so `cdk synth` of the hub alone needs no spoke context. */
export const spokeRequested = (node: Node): boolean =>
  [spokeContext.hubAccount, spokeContext.hubRegion, spokeContext.spokeAccount].some(
    (key) => node.tryGetContext(key) !== undefined,
  );

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined;

export const spokeSettings = (
  node: Node,
  config: DeckhandConfig,
  env: NodeJS.ProcessEnv = process.env,
): SpokeSettings => {
  const issues: string[] = [];
  const hubAccount = textOf(node.tryGetContext(spokeContext.hubAccount));
  const hubRegion = textOf(node.tryGetContext(spokeContext.hubRegion));
  if (!hubAccount || !/^\d{12}$/.test(hubAccount))
    issues.push(
      `${spokeContext.hubAccount}: the hub's 12-digit AWS account ID (-c ${spokeContext.hubAccount}=…)`,
    );
  if (!hubRegion || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(hubRegion))
    issues.push(
      `${spokeContext.hubRegion}: the hub's AWS Region, e.g. eu-west-1 (-c ${spokeContext.hubRegion}=…)`,
    );

  const keys = Object.keys(config.accounts);
  const named = textOf(node.tryGetContext(spokeContext.spokeAccount));
  let key: string | undefined;
  if (named !== undefined) {
    if (named in config.accounts) key = named;
    else
      issues.push(
        `${spokeContext.spokeAccount}: "${named}" is not a key of accounts (${keys.join(', ') || 'none configured'})`,
      );
  } else {
    const matches = Object.entries(config.accounts).filter(
      ([, entry]) => entry.id === env.CDK_DEFAULT_ACCOUNT && entry.region === env.CDK_DEFAULT_REGION,
    );
    if (matches.length === 1) key = matches[0]?.[0];
    else
      issues.push(
        `${spokeContext.spokeAccount}: which accounts entry this spoke is (${keys.join(', ') || 'none configured'}); ` +
          'without it, the one whose id and Region are the credentials’ (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION)',
      );
  }
  const entry: DeckhandConfig['accounts'][string] | undefined =
    key === undefined ? undefined : config.accounts[key];
  if (entry && entry.id === hubAccount && entry.region === hubRegion)
    issues.push(
      `${spokeContext.spokeAccount}: "${key}" is the hub's own account and Region, which needs no spoke stack`,
    );
  if (issues.length > 0 || !entry || key === undefined || !hubAccount || !hubRegion)
    throw new ConfigError('DeckhandSpoke context', issues);

  const roleFlag: unknown = node.tryGetContext(spokeContext.spokeRole);
  const roleWanted = !(roleFlag === false || roleFlag === 'false');
  return {
    key,
    account: entry.id,
    region: entry.region,
    roleName: entry.roleName,
    hub: { account: hubAccount, region: hubRegion },
    createRole: roleWanted && entry.id !== hubAccount,
  };
};
