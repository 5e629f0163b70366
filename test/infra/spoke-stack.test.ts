/**
 * DeckhandSpoke: the stack each spoke account and Region deploys. It forwards the events Deckhand routes to
 * the hub bus (with a role that may put events there and nowhere else), and holds the role the hub's
 * function roles, and only they, assume to act in the account, with no right the hub's functions don't use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { routesFor } from '#core/events/routes.ts';
import { buildApp } from '../../infra/build-app.ts';
import { spokeSettings } from '../../infra/spoke-settings.ts';
import {
  actionsOf,
  cfnLint,
  expectNagClean,
  type Resource,
  resourcesOf,
  type Statement,
  statementsOf,
} from '../helpers/template.ts';
import {
  arnsOf,
  arnText,
  configFile,
  hubAccount,
  hubRegion,
  hubSpokeConfig,
  parsed,
  spokeContext,
  synth,
} from './hub-spoke-fixture.ts';

const hubBusArn = `arn:aws:events:${hubRegion}:${hubAccount}:event-bus/deckhand`;

const onlyRole = (
  template: Template,
  match: (props: Record<string, unknown>) => boolean,
): [string, Resource] => {
  const found = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).filter(([, role]) =>
    match(role.Properties),
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

const deployRoleOf = (template: Template) => onlyRole(template, (props) => props.RoleName !== undefined);

const statementFor = (statements: Statement[], action: string): Statement | undefined =>
  statements.find((s) => [s.Action].flat().includes(action));

describe('DeckhandSpoke in a production account with two Regions', () => {
  let hub: Template;
  let spoke: Template;
  let outdir: string;

  beforeAll(() => {
    const built = synth(hubSpokeConfig(), spokeContext('prod'));
    hub = built.hub;
    spoke = built.spoke as Template;
    outdir = built.outdir;
  });

  it('is deployed to the account and Region of its accounts entry', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { environment?: string }>;
    };
    expect(manifest.artifacts.DeckhandSpoke?.environment).toBe('aws://333333333333/eu-central-1');
    // The hub stays environment-agnostic.
    expect(manifest.artifacts.Deckhand?.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('forwards exactly what the hub routes, with the hub’s own patterns, to the hub bus', () => {
    const rules = Object.values(resourcesOf(spoke, 'AWS::Events::Rule'));
    const patterns = rules.map((rule) => JSON.stringify(rule.Properties.EventPattern)).sort();
    const hubDefaultBus = Object.values(resourcesOf(hub, 'AWS::Events::Rule'))
      .filter((rule) => rule.Properties.EventPattern && !rule.Properties.EventBusName)
      .map((rule) => JSON.stringify(rule.Properties.EventPattern))
      .sort();
    expect(patterns).toEqual(hubDefaultBus);
    expect(rules).toHaveLength(routesFor(parsed()).length);
    const sources = new Set(
      rules.flatMap((rule) => (rule.Properties.EventPattern as { source: string[] }).source),
    );
    expect([...sources].sort()).toEqual(['aws.cloudwatch', 'aws.ecr', 'aws.ecs', 'aws.inspector2']);
    const [roleId] = onlyRole(spoke, (props) =>
      JSON.stringify(props.AssumeRolePolicyDocument).includes('events.amazonaws.com'),
    );
    const [queueId] = Object.keys(resourcesOf(spoke, 'AWS::SQS::Queue'));
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      const targets = rule.Properties.Targets as Record<string, unknown>[];
      expect(targets).toHaveLength(1);
      expect(arnText(targets[0]?.Arn)).toBe(hubBusArn);
      expect(targets[0]).toMatchObject({
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      });
    }
  });

  it('lets EventBridge, for this account only, put events on the hub bus and nothing else', () => {
    const [roleId, role] = onlyRole(spoke, (props) =>
      JSON.stringify(props.AssumeRolePolicyDocument).includes('events.amazonaws.com'),
    );
    expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '333333333333' } },
        },
      ],
    });
    const statements = statementsOf(spoke, roleId);
    expect(statements.map((s) => [s.Action, arnsOf(s.Resource)])).toEqual([
      ['events:PutEvents', [hubBusArn]],
    ]);
  });

  it('creates the deploy role under the configured name, trusting only the hub’s Deckhand function roles', () => {
    const [, role] = deployRoleOf(spoke);
    expect(role.Properties.RoleName).toBe('deckhand-prod');
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(trust).toHaveLength(1);
    expect(arnText((trust[0]?.Principal as { AWS: unknown }).AWS)).toBe(`arn:aws:iam::${hubAccount}:root`);
    const condition = trust[0]?.Condition as { ArnLike: Record<string, unknown> };
    const pattern = arnText(condition.ArnLike['aws:PrincipalArn']);
    expect(pattern).toBe(`arn:aws:iam::${hubAccount}:role/deckhand/*`);
    // Every function role of the hub is on that path, and no other role of the hub is.
    const hubRoles = Object.values(resourcesOf(hub, 'AWS::IAM::Role'));
    const functionRoles = Object.values(resourcesOf(hub, 'AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
    );
    for (const [id, hubRole] of Object.entries(resourcesOf(hub, 'AWS::IAM::Role')))
      expect(hubRole.Properties.Path, id).toBe(functionRoles.includes(id) ? '/deckhand/' : undefined);
    expect(hubRoles.length).toBeGreaterThan(functionRoles.length);
  });

  it('may update only the configured services, in both of the account’s Regions', () => {
    const [roleId] = deployRoleOf(spoke);
    const statements = statementsOf(spoke, roleId);
    expect(arnsOf(statementFor(statements, 'ecs:UpdateService')?.Resource)).toEqual([
      'arn:aws:ecs:eu-central-1:333333333333:service/prod/web',
      'arn:aws:ecs:us-east-1:333333333333:service/prod/web',
    ]);
    expect(statementFor(statements, 'ecs:UpdateService')?.Action).toBe('ecs:UpdateService');
  });

  it('has exactly the rights the hub’s functions use there, and Resource "*" only where IAM has no resource', () => {
    const [roleId] = deployRoleOf(spoke);
    const statements = statementsOf(spoke, roleId);
    expect(actionsOf(statements)).toEqual([
      'cloudwatch:DescribeAlarms',
      'cloudwatch:ListTagsForResource',
      'ecs:ContinueServiceDeployment',
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:RegisterTaskDefinition',
      'ecs:TagResource',
      'ecs:UpdateService',
      'iam:PassRole',
    ]);
    const starred = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(starred.sort()).toEqual(['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition']);
    const passRole = statementFor(statements, 'iam:PassRole');
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
    expect(arnsOf(passRole?.Resource)).toEqual([
      'arn:aws:iam::333333333333:role/ecsTaskExecutionRole',
      'arn:aws:iam::333333333333:role/web-*',
    ]);
    const tag = statementFor(statements, 'ecs:TagResource');
    expect(tag?.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } });
    // Every ARN is in this account, in one of its configured Regions.
    for (const statement of statements.filter((s) => s.Resource !== '*'))
      for (const arn of arnsOf(statement.Resource))
        expect(arn).toMatch(
          /^arn:aws:(ecs|cloudwatch):(eu-central-1|us-east-1):333333333333:|^arn:aws:iam::333333333333:/,
        );
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    expectNagClean(outdir);
  });

  it('passes cfn-lint with no errors', () => {
    const { status, output } = cfnLint(spoke.toJSON());
    expect(status & 3, output).toBe(0);
  });
});

describe('DeckhandSpoke variants', () => {
  it('reads repository policies only in the registry’s account, on exactly its repositories', () => {
    const { spoke: shared } = synth(hubSpokeConfig(), spokeContext('shared'));
    const { spoke: prod } = synth(hubSpokeConfig(), spokeContext('prod'));
    const readsOf = (template: Template | undefined) =>
      statementFor(
        statementsOf(template as Template, deployRoleOf(template as Template)[0]),
        'ecr:GetRepositoryPolicy',
      );
    expect(arnsOf(readsOf(shared)?.Resource)).toEqual(['arn:aws:ecr:eu-west-1:111111111111:repository/web']);
    expect(readsOf(prod)).toBeUndefined();
    // The registry account has no targets: it may update no service at all.
    expect(
      statementFor(
        statementsOf(shared as Template, deployRoleOf(shared as Template)[0]),
        'ecs:UpdateService',
      ),
    ).toBeUndefined();
  });

  it('grants the guardrail remediations the config asks for, and only then', () => {
    const raw = {
      ...hubSpokeConfig(),
      guardrails: { rules: { 'TD-024': { mode: 'block', remediate: 'rollback' } } },
    };
    const rollback = synth(raw, spokeContext('staging')).spoke as Template;
    const statements = statementsOf(rollback, deployRoleOf(rollback)[0]);
    expect(arnsOf(statementFor(statements, 'ecs:UpdateService')?.Resource)).toEqual([
      'arn:aws:ecs:eu-west-1:222222222222:service/*/*',
    ]);
    expect(actionsOf(statements)).not.toContain('ecs:DeregisterTaskDefinition');
    const deregister = synth(
      {
        ...hubSpokeConfig(),
        guardrails: { rules: { 'TD-024': { mode: 'block', remediate: 'deregister' } } },
      },
      spokeContext('staging'),
    ).spoke as Template;
    const deregisters = statementsOf(deregister, deployRoleOf(deregister)[0]);
    expect(statementFor(deregisters, 'ecs:DeregisterTaskDefinition')?.Resource).toBe('*');
    expect(arnsOf(statementFor(deregisters, 'ecs:UpdateService')?.Resource)).toEqual([
      'arn:aws:ecs:eu-west-1:222222222222:service/staging/web',
    ]);
  });

  it('skips the deploy role for an account’s second Region, and in the hub’s own account', () => {
    for (const [key, extra] of [
      ['prod-us', { 'deckhand:spoke-role': 'false' }],
      ['hub-us', {}],
    ] as const) {
      const { spoke } = synth(hubSpokeConfig(), spokeContext(key, extra));
      const roles = Object.values(resourcesOf(spoke as Template, 'AWS::IAM::Role'));
      expect(roles.map((role) => role.Properties.RoleName)).toEqual([undefined]);
      expect(Object.keys(resourcesOf(spoke as Template, 'AWS::Events::Rule'))).toHaveLength(
        routesFor(parsed()).length,
      );
    }
  });

  it('is not in the app without its context, so the hub alone synthesizes as before', () => {
    const { spoke } = buildApp({
      context: { 'aws:cdk:bundling-stacks': [], 'deckhand:config': configFile() },
    });
    expect(spoke).toBeUndefined();
  });

  it('refuses a context that does not name a hub and a configured spoke, saying which key is wrong', () => {
    const build = (context: Record<string, unknown>) => () =>
      buildApp({ context: { 'aws:cdk:bundling-stacks': [], 'deckhand:config': configFile(), ...context } });
    expect(build({ 'deckhand:spoke-account': 'prod' })).toThrow(
      /deckhand:hub-account.*\n.*deckhand:hub-region/,
    );
    expect(build(spokeContext('nope'))).toThrow(
      /deckhand:spoke-account: "nope" is not a key of accounts \(shared, staging, prod, prod-us, hub-us\)/,
    );
    expect(build({ ...spokeContext('prod'), 'deckhand:hub-account': '12345' })).toThrow(
      /deckhand:hub-account/,
    );
    const atHub = { ...hubSpokeConfig(), accounts: { home: { id: hubAccount, region: hubRegion } } };
    expect(() =>
      buildApp({
        context: {
          'aws:cdk:bundling-stacks': [],
          'deckhand:config': configFile({ ...atHub, pipelines: [] }),
          ...spokeContext('home'),
        },
      }),
    ).toThrow(/"home" is the hub's own account and Region/);
  });

  it('finds its accounts entry from the CLI’s account and Region when not named', () => {
    const app = new App({
      context: { 'deckhand:hub-account': hubAccount, 'deckhand:hub-region': hubRegion },
    });
    const settings = spokeSettings(app.node, parsed(), {
      CDK_DEFAULT_ACCOUNT: '333333333333',
      CDK_DEFAULT_REGION: 'us-east-1',
    });
    expect(settings).toMatchObject({
      key: 'prod-us',
      account: '333333333333',
      region: 'us-east-1',
      roleName: 'deckhand-prod',
    });
    expect(() =>
      spokeSettings(app.node, parsed(), {
        CDK_DEFAULT_ACCOUNT: '444444444444',
        CDK_DEFAULT_REGION: 'us-east-1',
      }),
    ).toThrow(/deckhand:spoke-account: which accounts entry/);
  });
});
