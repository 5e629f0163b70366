/**
 * The hub side of hub and spoke: the `deckhand` bus the spokes forward to (admitting only the configured
 * accounts, or the organization, and only the sources Deckhand routes), every rule again on it, the hub's
 * account in every function's env, and `sts:AssumeRole` only on the configured spokes' roles, only for the
 * functions that act there. A config without accounts gets none of it.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  cfnLint,
  expectNagClean,
  functionId,
  type Resource,
  resourcesOf,
  roleStatements,
  type Statement,
} from '../helpers/template.ts';
import { arnsOf, hubAccount, hubSpokeConfig, synth } from './hub-spoke-fixture.ts';

const assumed = (template: Template, description: string): string[] =>
  roleStatements(template, functionId(template, description))
    .filter((s: Statement) => s.Action === 'sts:AssumeRole')
    .flatMap((s) => arnsOf(s.Resource))
    .sort();

const roles = {
  shared: 'arn:aws:iam::111111111111:role/deckhand-deploy',
  staging: 'arn:aws:iam::222222222222:role/deckhand-deploy',
  prod: 'arn:aws:iam::333333333333:role/deckhand-prod',
  hubUs: `arn:aws:iam::${hubAccount}:role/deckhand-deploy`,
};

describe('the hub stack with spokes', () => {
  let template: Template;
  let outdir: string;

  beforeAll(() => {
    ({ hub: template, outdir } = synth());
  });

  it('has the bus `deckhand`, admitting the configured accounts and only the sources Deckhand routes', () => {
    const buses = Object.entries(resourcesOf(template, 'AWS::Events::EventBus'));
    expect(buses.map(([, bus]) => bus.Properties.Name)).toEqual(['deckhand']);
    const policies = Object.values(resourcesOf(template, 'AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    const policy = (policies[0] as Resource).Properties;
    expect(policy.EventBusName).toEqual({ Ref: buses[0]?.[0] });
    const statement = policy.Statement as Record<string, unknown>;
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [buses[0]?.[0], 'Arn'] },
      Condition: {
        'ForAllValues:StringEquals': {
          'events:source': ['aws.cloudwatch', 'aws.ecr', 'aws.ecs', 'aws.inspector2'],
        },
      },
    });
    expect(arnsOf((statement.Principal as { AWS: unknown }).AWS)).toEqual([
      'arn:aws:iam::111111111111:root',
      'arn:aws:iam::222222222222:root',
      'arn:aws:iam::333333333333:root',
      `arn:aws:iam::${hubAccount}:root`,
    ]);
    template.hasOutput('HubBusArn', { Value: { 'Fn::GetAtt': [buses[0]?.[0], 'Arn'] } });
  });

  it('puts every rule on the hub bus too, with the same pattern and the same function', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern,
    );
    const [busId] = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'));
    const key = (rule: Resource) =>
      JSON.stringify([rule.Properties.EventPattern, (rule.Properties.Targets as { Arn: unknown }[])[0]?.Arn]);
    const onDefault = rules
      .filter((r) => r.Properties.EventBusName === undefined)
      .map(key)
      .sort();
    const onHub = rules.filter(
      (r) => JSON.stringify(r.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
    );
    expect(onDefault.length).toBe(8);
    expect(onHub.map(key).sort()).toEqual(onDefault);
    expect(onDefault.length + onHub.length).toBe(rules.length);
    for (const rule of onHub)
      expect((rule.Properties.Targets as Record<string, unknown>[])[0]).toMatchObject({
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      });
  });

  it('tells every function the hub’s account', () => {
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions)
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.DECKHAND_HOME_ACCOUNT,
      ).toEqual({
        Ref: 'AWS::AccountId',
      });
  });

  it('lets each function assume only the spoke roles of the accounts it acts in', () => {
    // Deploying: the targets' accounts and the registry's.
    for (const fn of [
      'deploy a pushed ECR image',
      'record image scan results',
      'run what is due each minute',
    ])
      expect(assumed(template, fn), fn).toEqual(
        [roles.shared, roles.staging, roles.prod, roles.hubUs].sort(),
      );
    // Following rollouts, drift, and rolling a fanned-out deploy's work items: the targets' accounts only.
    for (const fn of [
      'follow rollouts',
      'roll back a rollout',
      'compare what runs',
      'roll one service per queued work item',
    ])
      expect(assumed(template, fn), fn).toEqual([roles.staging, roles.prod, roles.hubUs].sort());
    // Any service of any configured account may change out of band, attach the hook, or wait on a pause hook.
    for (const fn of [
      'changed outside Deckhand',
      'admission for ECS deployments',
      'approval decisions from Slack',
    ])
      expect(assumed(template, fn), fn).toEqual(Object.values(roles).sort());
  });

  it('scopes deploys to the configured services in their own accounts and Regions, and reads the registry’s policy', () => {
    const statements = roleStatements(template, functionId(template, 'deploy a pushed ECR image'));
    const update = statements.find((s) => [s.Action].flat().includes('ecs:UpdateService'));
    expect(arnsOf(update?.Resource)).toEqual([
      'arn:aws:ecs:<AWS::Region>:<AWS::AccountId>:service/home/api',
      'arn:aws:ecs:eu-central-1:333333333333:service/prod/web',
      'arn:aws:ecs:eu-west-1:222222222222:service/staging/web',
      'arn:aws:ecs:us-east-1:333333333333:service/prod/web',
      `arn:aws:ecs:us-east-1:${hubAccount}:service/home/api`,
    ]);
    const reads = statements.find((s) => s.Action === 'ecr:GetRepositoryPolicy');
    expect(arnsOf(reads?.Resource)).toEqual([
      'arn:aws:ecr:<AWS::Region>:<AWS::AccountId>:repository/api',
      'arn:aws:ecr:eu-west-1:111111111111:repository/web',
    ]);
    expect(actionsOf(statements)).toContain('sts:AssumeRole');
    // The roll worker updates the same services, each in its own account and Region, and nothing more.
    const worker = roleStatements(template, functionId(template, 'roll one service per queued work item'));
    const rolls = worker.find((s) => [s.Action].flat().includes('ecs:UpdateService'));
    expect(rolls?.Action).toBe('ecs:UpdateService');
    expect(arnsOf(rolls?.Resource)).toEqual(arnsOf(update?.Resource));
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    expectNagClean(outdir);
  });

  it('passes cfn-lint with no errors', () => {
    const { status, output } = cfnLint(template.toJSON());
    expect(status & 3, output).toBe(0);
  });
});

describe('the hub bus for an organization', () => {
  it('admits any account of the organization, and only with the routed sources', () => {
    const { hub } = synth({ ...hubSpokeConfig(), organizationId: 'o-a1b2c3d4e5' });
    const [policy] = Object.values(resourcesOf(hub, 'AWS::Events::EventBusPolicy'));
    expect(policy?.Properties.Statement).toMatchObject({
      Principal: { AWS: '*' },
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        'ForAllValues:StringEquals': { 'events:source': expect.arrayContaining(['aws.ecs']) },
      },
    });
  });
});

describe('the hub stack without spokes', () => {
  it('has no hub bus, no twin rules and assumes no role', () => {
    const raw = hubSpokeConfig();
    const single = {
      ...raw,
      accounts: {},
      pipelines: [
        { name: 'api', repository: 'api', tags: 'main-*', targets: [{ cluster: 'home', service: 'api' }] },
      ],
    };
    const { hub } = synth(single);
    expect(Object.keys(resourcesOf(hub, 'AWS::Events::EventBus'))).toEqual([]);
    expect(Object.values(resourcesOf(hub, 'AWS::Events::Rule')).some((r) => r.Properties.EventBusName)).toBe(
      false,
    );
    const actions = Object.values(resourcesOf(hub, 'AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((s) => [s.Action].flat()),
    );
    expect(actions).not.toContain('sts:AssumeRole');
    expect(actions).not.toContain('ecr:GetRepositoryPolicy');
  });
});
