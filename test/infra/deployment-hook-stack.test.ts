/**
 * Admission for ECS: the deployment-hook function that ECS invokes directly as a deployment lifecycle hook,
 * the role ECS assumes to invoke it, and the stack outputs a service's own stack attaches them with. A sample
 * consumer (a blue/green Fargate service in a stack of its own) imports the exported ARNs and passes cfn-lint.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Peer, Port, SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import {
  AlternateTarget,
  Cluster,
  ContainerImage,
  DeploymentLifecycleLambdaTarget,
  DeploymentLifecycleStage,
  DeploymentStrategy,
  FargateService,
  FargateTaskDefinition,
  ListenerRuleConfiguration,
  type CfnService,
} from 'aws-cdk-lib/aws-ecs';
import {
  ApplicationListenerRule,
  ApplicationLoadBalancer,
  ApplicationTargetGroup,
  ListenerAction,
  ListenerCondition,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '#cli/config-yaml.ts';
import { routesFor } from '#core/events/routes.ts';
import { buildApp } from '../../infra/build-app.ts';
import { defaultConfigPath } from '../../infra/deckhand-config.ts';
import { projectRoot } from '../../scripts/lib/moto.ts';
import { routedBy } from '../helpers/event-routing.ts';
import {
  actionsOf,
  cfnLint,
  expectNagClean,
  functionId,
  functionProps,
  type Resource,
  resourcesOf,
  roleIdOf,
  statementsOf,
} from '../helpers/template.ts';

const hookDescription = 'admission for ECS deployments';

describe('the deployment hook in the Deckhand stack', () => {
  let template: Template;
  let hookId: string;
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'deckhand-hook-cdk-'));
    const { app, stack } = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    app.synth();
    template = Template.fromStack(stack);
    hookId = functionId(template, hookDescription);
  });

  it('runs deployment-hook with the house runtime, 30 s (ECS waits for it) and 512 MB', () => {
    expect(functionProps(template, hookId)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 30,
      MemorySize: 512,
      LoggingConfig: { LogFormat: 'JSON' },
      DeadLetterConfig: { TargetArn: expect.anything() },
      Environment: {
        Variables: expect.objectContaining({
          DECKHAND_CONFIG: 'deckhand.config.json',
          DECKHAND_TABLE: expect.anything(),
        }),
      },
    });
  });

  it('lets ECS, for this account only, assume the invoke role', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[
      (template.toJSON().Outputs.DeploymentHookRoleArn.Value as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0]
    ] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'ecs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets the invoke role invoke exactly the deployment-hook function, and nothing else', () => {
    const roleId = (
      template.toJSON().Outputs.DeploymentHookRoleArn.Value as { 'Fn::GetAtt': [string, string] }
    )['Fn::GetAtt'][0];
    expect(statementsOf(template, roleId)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [hookId, 'Arn'] } },
    ]);
    // ECS invokes with the role's credentials: no resource policy opens the function to anyone.
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(hookId),
    );
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('events.amazonaws.com');
    }
  });

  it('outputs and exports both ARNs', () => {
    const roleId = (
      template.toJSON().Outputs.DeploymentHookRoleArn.Value as { 'Fn::GetAtt': [string, string] }
    )['Fn::GetAtt'][0];
    template.hasOutput('DeploymentHookFunctionArn', {
      Value: { 'Fn::GetAtt': [hookId, 'Arn'] },
      Export: { Name: 'Deckhand-DeploymentHookFunctionArn' },
    });
    template.hasOutput('DeploymentHookRoleArn', {
      Value: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Export: { Name: 'Deckhand-DeploymentHookRoleArn' },
    });
    expect(resourcesOf(template, 'AWS::IAM::Role')[roleId]).toBeDefined();
  });

  it('never changes what a service runs: no UpdateService, RegisterTaskDefinition or PassRole', () => {
    const statements = statementsOf(template, roleIdOf(template, hookId));
    const actions = actionsOf(statements);
    for (const forbidden of [
      'ecs:UpdateService',
      'ecs:RegisterTaskDefinition',
      'ecs:DeregisterTaskDefinition',
      'ecs:CreateService',
      'ecs:TagResource',
      'iam:PassRole',
      'lambda:InvokeFunction',
      // It asks for approval; slack-actions and timers answer the pause hook.
      'ecs:ContinueServiceDeployment',
    ])
      expect(actions).not.toContain(forbidden);
    for (const needed of [
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'cloudwatch:DescribeAlarms',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ])
      expect(actions).toContain(needed);
    expect(actions.filter((a) => a.startsWith('ecs:'))).toEqual([
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
    ]);
  });

  it('scopes its grants: deployments, revisions and services of its account, alarms, * only to DescribeTaskDefinition', () => {
    const statements = statementsOf(template, roleIdOf(template, hookId));
    const resourcesFor = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r));
    expect(statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat())).toEqual([
      'ecs:DescribeTaskDefinition',
    ]);
    expect(resourcesFor('ecs:DescribeServiceRevisions').some((r) => r.includes(':service-revision/*'))).toBe(
      true,
    );
    expect(
      resourcesFor('ecs:DescribeServiceDeployments').some((r) => r.includes(':service-deployment/*')),
    ).toBe(true);
    const alarms = resourcesFor('cloudwatch:DescribeAlarms');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toContain(':cloudwatch:');
    expect(alarms[0]).toContain(':alarm:*');
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('*');
  });

  it('routes exactly its pause-hook routes to it, each target retrying into the dead-letter queue', async () => {
    const config = parseConfigText(
      readFileSync(join(projectRoot, defaultConfigPath), 'utf8'),
      defaultConfigPath,
    );
    const expected = routesFor(config).filter((route) => route.handler === 'deployment-hook');
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes(`"${hookId}"`),
    );
    expect(rules).toHaveLength(expected.length);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets as Record<string, unknown>[]) {
        expect(target).toMatchObject({
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: expect.anything(),
        });
      }
    }
    const awaiting = {
      source: 'aws.ecs',
      'detail-type': 'ECS Hook State Change',
      detail: {
        eventName: 'HOOK_AWAITING_ACTION',
        hookId: 'ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw',
        serviceDeploymentArn:
          'arn:aws:ecs:eu-west-1:111122223333:service-deployment/production/web/r9i43YFjvgF_xlg7m2eJ1r',
      },
    };
    if (
      rules.some((rule) => JSON.stringify(rule.Properties.EventPattern).includes('ECS Hook State Change'))
    ) {
      const patterns = rules.map((rule) => rule.Properties.EventPattern);
      const routed = await Promise.all(
        patterns.map((pattern) =>
          routedBy(pattern, [
            awaiting,
            { ...awaiting, detail: { ...awaiting.detail, eventName: 'HOOK_SUCCEEDED' } },
            { ...awaiting, 'detail-type': 'ECS Deployment State Change' },
          ]),
        ),
      );
      const any = (index: number) => routed.some((r) => r[index]);
      expect([any(0), any(1), any(2)]).toEqual([true, false, false]);
    }
  });

  it('alarms on its errors and throttles', () => {
    const mine = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties)
      .filter((a) => JSON.stringify(a.Dimensions).includes(`{"Ref":"${hookId}"}`));
    expect(mine.map((a) => a.MetricName).sort()).toEqual(['Errors', 'Throttles']);
  });

  it('is not one of the audit’s self roles: it never deploys', () => {
    const audit = functionProps(template, functionId(template, 'changed outside Deckhand'));
    const selfRoles = JSON.stringify(
      (audit.Environment as { Variables: Record<string, unknown> }).Variables.DECKHAND_SELF_ROLES,
    );
    expect(selfRoles).not.toContain(`"${roleIdOf(template, hookId)}"`);
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    expectNagClean(outdir);
  });

  it('passes cfn-lint with no errors', () => {
    const { status, output } = cfnLint(template.toJSON());
    expect(status & 3, output).toBe(0);
  });

  describe('a sample consumer: a blue/green Fargate service in its own stack, attached to the exports', () => {
    let consumer: Template;

    beforeAll(() => {
      const exportOf = (output: string): string =>
        (template.toJSON().Outputs[output] as { Export: { Name: string } }).Export.Name;
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'deckhand-hook-consumer-')) });
      const stack = new Stack(app, 'Web');
      const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
      const cluster = new Cluster(stack, 'Cluster', { vpc });
      const taskDefinition = new FargateTaskDefinition(stack, 'Task');
      taskDefinition.addContainer('web', {
        image: ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
        portMappings: [{ containerPort: 80 }],
      });
      const albSecurityGroup = new SecurityGroup(stack, 'AlbSecurityGroup', { vpc });
      albSecurityGroup.addIngressRule(Peer.ipv4('10.0.0.0/8'), Port.tcp(80));
      const alb = new ApplicationLoadBalancer(stack, 'Alb', { vpc, securityGroup: albSecurityGroup });
      const targetGroup = (id: string) =>
        new ApplicationTargetGroup(stack, id, { vpc, port: 80, targetType: TargetType.IP });
      const blue = targetGroup('Blue');
      const green = targetGroup('Green');
      const listener = alb.addListener('Http', {
        port: 80,
        open: false,
        defaultAction: ListenerAction.fixedResponse(404),
      });
      const production = new ApplicationListenerRule(stack, 'Production', {
        listener,
        priority: 1,
        conditions: [ListenerCondition.pathPatterns(['/*'])],
        action: ListenerAction.weightedForward([
          { targetGroup: blue, weight: 100 },
          { targetGroup: green, weight: 0 },
        ]),
      });
      const service = new FargateService(stack, 'Service', {
        cluster,
        taskDefinition,
        deploymentStrategy: DeploymentStrategy.BLUE_GREEN,
      });
      service
        .loadBalancerTarget({
          containerName: 'web',
          containerPort: 80,
          alternateTarget: new AlternateTarget('Green', {
            alternateTargetGroup: green,
            productionListener: ListenerRuleConfiguration.applicationListenerRule(production),
          }),
        })
        .attachToApplicationTargetGroup(blue);
      // Deckhand's exports: the hook function and the role ECS assumes to invoke it.
      const hook = LambdaFunction.fromFunctionArn(
        stack,
        'DeckhandHook',
        Fn.importValue(exportOf('DeploymentHookFunctionArn')),
      );
      const role = Role.fromRoleArn(
        stack,
        'DeckhandHookRole',
        Fn.importValue(exportOf('DeploymentHookRoleArn')),
        {
          mutable: false,
        },
      );
      service.addLifecycleHook(
        new DeploymentLifecycleLambdaTarget(hook, 'DeckhandAdmission', {
          role,
          lifecycleStages: [
            DeploymentLifecycleStage.RECONCILE_SERVICE,
            DeploymentLifecycleStage.PRE_SCALE_UP,
            DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT,
            // In ECS and CloudFormation, not yet in aws-cdk-lib's enum.
            'PRE_PRODUCTION_TRAFFIC_SHIFT' as DeploymentLifecycleStage,
            DeploymentLifecycleStage.POST_PRODUCTION_TRAFFIC_SHIFT,
          ],
        }),
      );
      // A pause hook (no L2 yet): ECS emits "ECS Hook State Change" HOOK_AWAITING_ACTION, Deckhand answers.
      (service.node.defaultChild as CfnService).addPropertyOverride(
        'DeploymentConfiguration.LifecycleHooks.1',
        {
          TargetType: 'PAUSE',
          LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          TimeoutConfiguration: { TimeoutInMinutes: 60, Action: 'ROLLBACK' },
        },
      );
      consumer = Template.fromStack(stack);
    });

    it('attaches Deckhand’s exported function and role as the service’s lifecycle hook', () => {
      const services = Object.values(resourcesOf(consumer, 'AWS::ECS::Service'));
      expect(services).toHaveLength(1);
      const configuration = (services[0] as Resource).Properties.DeploymentConfiguration as {
        Strategy: string;
        LifecycleHooks: Record<string, unknown>[];
      };
      expect(configuration.Strategy).toBe('BLUE_GREEN');
      expect(configuration.LifecycleHooks).toEqual([
        {
          HookTargetArn: { 'Fn::ImportValue': 'Deckhand-DeploymentHookFunctionArn' },
          RoleArn: { 'Fn::ImportValue': 'Deckhand-DeploymentHookRoleArn' },
          LifecycleStages: [
            'RECONCILE_SERVICE',
            'PRE_SCALE_UP',
            'POST_TEST_TRAFFIC_SHIFT',
            'PRE_PRODUCTION_TRAFFIC_SHIFT',
            'POST_PRODUCTION_TRAFFIC_SHIFT',
          ],
        },
        {
          TargetType: 'PAUSE',
          LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          TimeoutConfiguration: { TimeoutInMinutes: 60, Action: 'ROLLBACK' },
        },
      ]);
      // The imported role is used as is: the consumer grants nothing on Deckhand's function.
      const policies = JSON.stringify(resourcesOf(consumer, 'AWS::IAM::Policy'));
      expect(policies).not.toContain('lambda:InvokeFunction');
    });

    it('passes cfn-lint with no errors', () => {
      const { status, output } = cfnLint(consumer.toJSON());
      expect(status & 3, output).toBe(0);
    });
  });
});
