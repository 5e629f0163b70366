/**
 * Hub and spoke at synth time: the accounts and Regions Deckhand acts in, as IAM names them. The hub's own
 * place is the stack's (tokens: the hub stack is environment-agnostic); a configured account's is literal.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { DeckhandConfig, PipelineConfig } from '#core/config.ts';

export interface Place {
  account: string;
  region: string;
}

/**
 * The IAM path of every Deckhand function role: a spoke's deploy role trusts only roles on it in the hub's
 * account (the names CloudFormation generates are not predictable; the path is).
 */
export const functionRolePath = '/deckhand/';

export const homeOf = (scope: IConstruct): Place => {
  const stack = Stack.of(scope);
  return { account: stack.account, region: stack.region };
};

/** Where an `accounts` key is; the hub's own place for none. */
export const placeOf = (scope: IConstruct, config: DeckhandConfig, key: string | undefined): Place => {
  const entry = key === undefined ? undefined : config.accounts[key];
  return entry ? { account: entry.id, region: entry.region } : homeOf(scope);
};

const distinct = (places: Place[]): Place[] => {
  const seen = new Map<string, Place>();
  for (const place of places) seen.set(`${place.account}/${place.region}`, place);
  return [...seen.values()];
};

/** Where these pipelines' targets are. */
export const targetPlaces = (
  scope: IConstruct,
  config: DeckhandConfig,
  pipelines: readonly PipelineConfig[] = config.pipelines,
): Place[] =>
  distinct(pipelines.flatMap((p) => p.targets.map((target) => placeOf(scope, config, target.account))));

/** The hub's place and every configured account's: for rights on "any service" of where Deckhand acts. */
export const allPlaces = (scope: IConstruct, config: DeckhandConfig): Place[] =>
  distinct([homeOf(scope), ...Object.keys(config.accounts).map((key) => placeOf(scope, config, key))]);

/** The distinct accounts of these places (IAM roles are global, so PassRole is per account). */
export const accountsOf = (places: readonly Place[]): string[] => [...new Set(places.map((p) => p.account))];

export const arnAt = (
  scope: IConstruct,
  place: Place,
  service: string,
  resource: string,
  resourceName: string,
  arnFormat: ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
): string =>
  Stack.of(scope).formatArn({
    service,
    resource,
    resourceName,
    arnFormat,
    account: place.account,
    region: place.region,
  });

export const iamRoleArn = (scope: IConstruct, account: string, name: string): string =>
  Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    account,
    resource: 'role',
    resourceName: name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });

/** The accounts keys of these pipelines' targets. */
export const targetAccountKeys = (pipelines: readonly PipelineConfig[]): string[] =>
  pipelines.flatMap((p) => p.targets.flatMap((t) => (t.account ? [t.account] : [])));

/** The accounts keys of these pipelines' registries. */
export const registryAccountKeys = (pipelines: readonly PipelineConfig[]): string[] =>
  pipelines.flatMap((p) => (p.registry ? [p.registry] : []));

const assumeStatements = new WeakMap<IFunction, { statement: PolicyStatement; arns: Set<string> }>();

/**
 * `sts:AssumeRole` on the deploy roles of these configured accounts, in one statement per function however
 * many concerns ask for it. Nothing when there are none: a single-account config assumes nothing.
 */
export const grantAssumeSpokeRoles = (
  fn: IFunction,
  config: DeckhandConfig,
  keys: Iterable<string | undefined>,
): void => {
  const arns = [...new Set(keys)]
    .flatMap((key) => (key === undefined ? [] : [config.accounts[key]]))
    .flatMap((entry) => (entry ? [iamRoleArn(fn, entry.id, entry.roleName)] : []));
  if (arns.length === 0) return;
  let held = assumeStatements.get(fn);
  if (!held) {
    held = { statement: new PolicyStatement({ actions: ['sts:AssumeRole'] }), arns: new Set() };
    assumeStatements.set(fn, held);
    fn.addToRolePolicy(held.statement);
  }
  for (const arn of arns) {
    if (held.arns.has(arn)) continue;
    held.arns.add(arn);
    held.statement.addResources(arn);
  }
};

/** How cdk-nag prints a resource: pseudo parameters as `<AWS::Region>`. */
const nagResource = (scope: IConstruct, arn: string): string => {
  const resolved: unknown = Stack.of(scope).resolve(arn);
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return JSON.stringify(resolved);
  return join[1]
    .map((part) =>
      typeof part === 'string' ? part : `<${(part as { Ref?: string }).Ref ?? JSON.stringify(part)}>`,
    )
    .join(join[0]);
};

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard resources on this role, with the reason. */
export const acknowledgeWildcards = (
  role: IRole | undefined,
  arns: readonly string[],
  reason: string,
): void => {
  if (!role) return;
  const ids = [...new Set(arns.filter((arn) => nagResource(role, arn).includes('*')))].map((arn) => ({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResource(role, arn)}]`,
    reason,
  }));
  if (ids.length > 0) Validations.of(role).acknowledge(...ids);
};
