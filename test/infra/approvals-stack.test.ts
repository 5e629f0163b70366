/**
 * The approvals and timers part of the stack: the slack-actions function behind a public Function URL (it
 * authenticates Slack's signature itself), and the timers function ticking every minute through EventBridge
 * Scheduler with image-push's deploy rights. cdk-nag and cfn-lint run on the full synth in stack.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildApp } from '../../infra/build-app.ts';
import { defaultConfigPath } from '../../infra/deckhand-config.ts';
import { projectRoot } from '../../scripts/lib/moto.ts';
import {
  actionsOf,
  functionId,
  functionProps,
  type Resource,
  resourcesOf,
  roleStatements,
  type Statement,
} from '../helpers/template.ts';

const signingSecret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:deckhand/slack/signing-AbCdEf';

/** Synthesizes the stack without bundling (templates only), from the example config or a variant of it. */
const synth = (edit?: (config: Record<string, unknown>) => void): Template => {
  const context: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [] };
  if (edit) {
    const config = parse(readFileSync(join(projectRoot, defaultConfigPath), 'utf8')) as Record<
      string,
      unknown
    >;
    edit(config);
    const file = join(mkdtempSync(join(tmpdir(), 'deckhand-approvals-')), 'deckhand.config.yaml');
    writeFileSync(file, stringify(config));
    context['deckhand:config'] = file;
  }
  const { app, stack } = buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'deckhand-approvals-cdk-')),
    context,
  });
  app.synth();
  return Template.fromStack(stack);
};

const slackActions = 'record approval decisions from Slack buttons';
const timers = 'run what is due each minute';
const imagePush = 'deploy a pushed ECR image';

describe('approvals and timers in the Deckhand stack', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  describe('slack-actions', () => {
    it('answers on a Function URL with AuthType NONE, buffered, without CORS, and outputs the URL', () => {
      const id = functionId(template, slackActions);
      const urls = Object.values(resourcesOf(template, 'AWS::Lambda::Url'));
      expect(urls).toHaveLength(1);
      const url = (urls[0] as Resource).Properties;
      expect(url).toMatchObject({
        AuthType: 'NONE',
        InvokeMode: 'BUFFERED',
        TargetFunctionArn: { 'Fn::GetAtt': [id, 'Arn'] },
      });
      expect(url.Cors).toBeUndefined();
      const [urlId] = Object.keys(resourcesOf(template, 'AWS::Lambda::Url'));
      template.hasOutput('SlackInteractivityUrl', {
        Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
        Description: Match.stringLikeRegexp('Interactivity'),
      });
    });

    it('lets anyone reach the function only through the URL', () => {
      const id = functionId(template, slackActions);
      const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission'))
        .map((p) => p.Properties)
        .filter((p) => JSON.stringify(p.FunctionName).includes(id));
      expect(permissions.length).toBeGreaterThan(0);
      for (const permission of permissions) {
        expect(permission.Principal).toBe('*');
        if (permission.Action === 'lambda:InvokeFunctionUrl') {
          expect(permission.FunctionUrlAuthType).toBe('NONE');
        } else {
          expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true });
        }
      }
    });

    it('has a short timeout for Slack’s 3-second answer, and no async retries', () => {
      const fn = functionProps(template, functionId(template, slackActions));
      expect(fn).toMatchObject({ Timeout: 10, MemorySize: 512 });
      expect(fn.DeadLetterConfig).toBeUndefined();
    });

    it('may only continue a paused deployment in ECS, no PassRole, reads exactly the signing secret, and queues notices', () => {
      const statements = roleStatements(template, functionId(template, slackActions));
      const actions = actionsOf(statements);
      expect(actions.filter((a) => a.startsWith('ecs:'))).toEqual(['ecs:ContinueServiceDeployment']);
      expect(actions.filter((a) => a.startsWith('iam:'))).toEqual([]);
      expect(actions).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'ecs:ContinueServiceDeployment',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ]);
      const continueOn = JSON.stringify(
        statements.find((s) => s.Action === 'ecs:ContinueServiceDeployment')?.Resource,
      );
      expect(continueOn).toMatch(/service-deployment\/\*/);
      const reads = statements.filter((s) => s.Action === 'secretsmanager:GetSecretValue');
      expect(reads).toHaveLength(1);
      // The teams' Slack secrets stay with the notifier: the approval message's update is a queued notice.
      expect(reads[0]?.Resource).toEqual(signingSecret);
      for (const statement of statements) expect(statement.Resource).not.toBe('*');
    });
  });

  describe('timers', () => {
    it('ticks every minute through EventBridge Scheduler, retrying into the dead-letter queue', () => {
      const id = functionId(template, timers);
      const schedules = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule'));
      expect(schedules).toHaveLength(1);
      const schedule = (schedules[0] as Resource).Properties;
      const [queueId] = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));
      expect(schedule).toMatchObject({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [id, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
        },
      });
      const input = JSON.parse(String((schedule.Target as { Input: string }).Input)) as Record<
        string,
        unknown
      >;
      expect(input).toEqual({
        id: '<aws.scheduler.execution-id>',
        time: '<aws.scheduler.scheduled-time>',
      });
    });

    it('lets the scheduler invoke only the timers function and write only to the dead-letter queue', () => {
      const id = functionId(template, timers);
      const schedule = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule'))[0] as Resource;
      const roleId = (schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn[
        'Fn::GetAtt'
      ][0];
      const role = resourcesOf(template, 'AWS::IAM::Role')[roleId] as Resource;
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
      const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`{"Ref":"${roleId}"}`))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      expect(actionsOf(statements)).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction');
      expect(JSON.stringify(invoke?.Resource)).toContain(id);
    });

    it('runs one tick at a time, never retries a tick, and dead-letters a failed one', () => {
      const id = functionId(template, timers);
      expect(functionProps(template, id)).toMatchObject({
        ReservedConcurrentExecutions: 1,
        Timeout: 120,
        DeadLetterConfig: { TargetArn: expect.anything() },
      });
      const invokeConfig = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).find((c) =>
        JSON.stringify(c.Properties.FunctionName).includes(id),
      );
      expect(invokeConfig?.Properties.MaximumRetryAttempts).toBe(0);
    });

    it('has exactly image-push’s rights, plus answering pause hooks: it deploys through the same path', () => {
      const normalise = (statements: Statement[]) =>
        statements
          .map((s) => JSON.stringify({ ...s, Action: [s.Action].flat().sort() }))
          // Each function writes only to its own log group.
          .filter((s) => !s.includes('logs:'))
          .sort();
      const own = normalise(roleStatements(template, functionId(template, timers))).filter(
        (s) => !s.includes('ecs:ContinueServiceDeployment'),
      );
      expect(own).toEqual(normalise(roleStatements(template, functionId(template, imagePush))));
      const actions = actionsOf(roleStatements(template, functionId(template, timers)));
      for (const action of [
        'ecs:DescribeServices',
        'ecs:UpdateService',
        'ecs:DescribeTaskDefinition',
        'ecs:RegisterTaskDefinition',
        'ecs:TagResource',
        'iam:PassRole',
        'dynamodb:Query',
        'sqs:SendMessage',
      ])
        expect(actions).toContain(action);
      expect(actions).not.toContain('secretsmanager:GetSecretValue');
    });

    it('is one of Deckhand’s own roles, so its deploys are not audited as out-of-band changes', () => {
      const audit = functionProps(template, functionId(template, 'changed outside Deckhand'));
      const selfRoles = JSON.stringify(
        (audit.Environment as { Variables: Record<string, unknown> }).Variables.DECKHAND_SELF_ROLES,
      );
      const timersRole = (
        functionProps(template, functionId(template, timers)).Role as {
          'Fn::GetAtt': [string, string];
        }
      )['Fn::GetAtt'][0];
      expect(selfRoles).toContain(`"${timersRole}"`);
    });
  });

  it('alarms on both functions’ errors and throttles', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    for (const id of [functionId(template, slackActions), functionId(template, timers)]) {
      const mine = alarms.filter((a) => JSON.stringify(a.Dimensions).includes(`{"Ref":"${id}"}`));
      expect(mine.map((a) => a.MetricName).sort()).toEqual(['Errors', 'Throttles']);
    }
  });
});

describe('without slack.signingSecret', () => {
  let template: Template;
  beforeAll(() => {
    template = synth((config) => {
      delete config.slack;
    });
  });

  it('still deploys the URL, and slack-actions reads no secret', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Url'))).toHaveLength(1);
    const reads = roleStatements(template, functionId(template, slackActions)).filter(
      (s) => s.Action === 'secretsmanager:GetSecretValue',
    );
    expect(reads).toEqual([]);
  });

  it('grants no secret at all when no team has Slack either', () => {
    const bare = synth((config) => {
      delete config.slack;
      config.teams = { payments: {}, search: {} };
      const pipelines = config.pipelines as Record<string, unknown>[];
      for (const pipeline of pipelines)
        delete (pipeline.promote as Record<string, unknown> | undefined)?.approval;
    });
    const actions = actionsOf(roleStatements(bare, functionId(bare, slackActions)));
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
  });
});
