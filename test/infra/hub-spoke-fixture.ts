/**
 * The hub-and-spoke config the infra tests synthesize: a shared registry account, a staging account, a
 * production account in two Regions (one role), the hub's own account in a second Region, and a pipeline in
 * the hub itself. Synth helpers return the templates and the cdk-nag report's directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { stringify } from 'yaml';
import { parseConfig, type DeckhandConfig } from '#core/config.ts';
import { buildApp } from '../../infra/build-app.ts';

export const hubAccount = '999999999999';
export const hubRegion = 'eu-west-1';

export const hubSpokeConfig = (): Record<string, unknown> => ({
  accounts: {
    shared: { id: '111111111111', region: 'eu-west-1' },
    staging: { id: '222222222222', region: 'eu-west-1' },
    prod: { id: '333333333333', region: 'eu-central-1', roleName: 'deckhand-prod' },
    'prod-us': { id: '333333333333', region: 'us-east-1', roleName: 'deckhand-prod' },
    'hub-us': { id: hubAccount, region: 'us-east-1' },
  },
  iam: { passRoles: ['web-*', 'ecsTaskExecutionRole'] },
  pipelines: [
    {
      name: 'web-staging',
      repository: { account: 'shared', name: 'web' },
      tags: 'semver:>=1.0.0',
      targets: [{ account: 'staging', cluster: 'staging', service: 'web' }],
      alarms: ['web-staging-5xx'],
    },
    {
      name: 'web-prod',
      promote: { from: 'web-staging' },
      targets: [
        { account: 'prod', cluster: 'prod', service: 'web' },
        { account: 'prod-us', cluster: 'prod', service: 'web' },
      ],
      alarms: ['web-prod-5xx'],
      reconcile: true,
    },
    {
      name: 'api',
      repository: 'api',
      tags: 'main-*',
      targets: [
        { cluster: 'home', service: 'api' },
        { account: 'hub-us', cluster: 'home', service: 'api' },
      ],
    },
  ],
});

export const configFile = (raw: Record<string, unknown> = hubSpokeConfig()): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'deckhand-hubspoke-')), 'deckhand.config.yaml');
  writeFileSync(file, stringify(raw));
  return file;
};

export const parsed = (raw: Record<string, unknown> = hubSpokeConfig()): DeckhandConfig =>
  parseConfig(raw, 'test');

export interface Synth {
  hub: Template;
  spoke: Template | undefined;
  outdir: string;
}

/** Synthesizes the app without bundling; `context` adds to the config file's. */
export const synth = (
  raw: Record<string, unknown> = hubSpokeConfig(),
  context: Record<string, unknown> = {},
): Synth => {
  const outdir = mkdtempSync(join(tmpdir(), 'deckhand-hubspoke-cdk-'));
  const { app, stack, spoke } = buildApp({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], 'deckhand:config': configFile(raw), ...context },
  });
  app.synth();
  return { hub: Template.fromStack(stack), spoke: spoke ? Template.fromStack(spoke) : undefined, outdir };
};

export const spokeContext = (spokeAccount: string, extra: Record<string, unknown> = {}) => ({
  'deckhand:hub-account': hubAccount,
  'deckhand:hub-region': hubRegion,
  'deckhand:spoke-account': spokeAccount,
  ...extra,
});

/** A resolved ARN as text: `{ Ref: AWS::Partition }` as `aws`, other pseudo parameters as `<AWS::…>`. */
export const arnText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return JSON.stringify(value);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      return ref === 'AWS::Partition' ? 'aws' : `<${ref ?? JSON.stringify(part)}>`;
    })
    .join(join[0]);
};

export const arnsOf = (resource: unknown): string[] => [resource].flat().map(arnText).sort();
