import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { routedBy } from '../helpers/event-routing.ts';
import { loadEvent } from '../helpers/load-event.ts';
import {
  actionsOf,
  cfnLint,
  expectNagClean,
  functionId,
  functionProps,
  roleStatements,
} from '../helpers/template.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const resourcesOf = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

const onlyResource = (
  template: Template,
  type: string,
  match: (props: Record<string, unknown>) => boolean,
) => {
  const found = Object.values(resourcesOf(template, type)).filter((r) => match(r.Properties));
  expect(found).toHaveLength(1);
  return (found[0] as Resources[string]).Properties;
};

const imagePushFunction = (template: Template) =>
  onlyResource(template, 'AWS::Lambda::Function', (props) =>
    String(props.Description).includes('deploy a pushed ECR image'),
  );

describe('the cdk-nag check itself', () => {
  it('reports a known violation, so a clean report means something', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Queue(stack, 'PlainQueue', { encryption: QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks(stack).validateScope(stack).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS/)]));
  });
});

describe.each([false, true])('Deckhand stack (production: %s)', (production) => {
  let template: Template;
  let stack: ReturnType<typeof buildApp>['stack'];
  const outdir = mkdtempSync(join(tmpdir(), 'deckhand-cdk-'));

  beforeAll(() => {
    const built = buildApp({ production, outdir });
    stack = built.stack;
    built.app.synth();
    template = Template.fromStack(stack);
  });

  it('has the state table: on-demand, PITR, encrypted, TTL, deletion protection only in production', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: production,
        }),
      ],
    });
  });

  it('runs image-push on nodejs24.x arm64 with its config and table, retrying into the dead-letter queue', () => {
    const fn = imagePushFunction(template);
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON' },
      DeadLetterConfig: { TargetArn: expect.anything() },
      Environment: {
        Variables: expect.objectContaining({
          DECKHAND_CONFIG: 'deckhand.config.json',
          DECKHAND_TABLE: expect.anything(),
          POWERTOOLS_SERVICE_NAME: 'deckhand',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('ships the validated config inside the bundle', () => {
    const assets = JSON.parse(readFileSync(join(outdir, 'Deckhand.assets.json'), 'utf8'));
    const codeKey = JSON.stringify(imagePushFunction(template).Code);
    const asset = Object.entries(assets.files as Record<string, { source: { path: string } }>).find(
      ([hash]) => codeKey.includes(hash),
    );
    expect(asset).toBeDefined();
    const dir = join(outdir, (asset as [string, { source: { path: string } }])[1].source.path);
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    const shipped = JSON.parse(readFileSync(join(dir, 'deckhand.config.json'), 'utf8'));
    expect(shipped.pipelines.map((p: { name: string }) => p.name)).toEqual([
      'web-staging',
      'web-production',
      'web-production-eu',
    ]);
  });

  it('scopes ECS writes to the configured services, and PassRole to ecs-tasks', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    const update = statements.find((s) => JSON.stringify(s.Action).includes('ecs:UpdateService'));
    const resources = JSON.stringify(update?.Resource);
    for (const service of [
      'service/staging/web',
      'service/production/web',
      'service/production/web-worker',
    ]) {
      expect(resources).toContain(service);
    }
    expect(update?.Resource).not.toBe('*');
    const passRole = statements.find((s) => s.Action === 'iam:PassRole');
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
    const managed = Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap(
      (role) => (role.Properties.ManagedPolicyArns as unknown[] | undefined) ?? [],
    );
    expect(managed).toEqual([]);
  });

  it('routes a successful push of a configured repository, and nothing else, to image-push', async () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    const pattern = rules.find((r) =>
      JSON.stringify(r.Properties.EventPattern ?? {}).includes('ECR Image Action'),
    )?.Properties.EventPattern;
    expect(pattern).toBeDefined();
    const push = loadEvent<{ source: string; 'detail-type': string; detail: Record<string, unknown> }>(
      'aws.ecr/image-action-push-success',
    );
    const routed = await routedBy(pattern, [
      push,
      loadEvent('aws.ecr/image-action-push-failure'),
      { ...push, detail: { ...push.detail, 'repository-name': 'other' } },
      { ...push, detail: { ...push.detail, 'action-type': 'DELETE' } },
    ]);
    expect(routed).toEqual([true, false, false, false]);
  });

  it('routes scans and ECS CloudTrail calls to their functions, and tells the audit which roles are Deckhand', async () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).map(
      (r) => r.Properties.EventPattern ?? {},
    );
    const scanPatterns = rules.filter((p) => /Image Scan|Inspector2 Scan/.test(JSON.stringify(p)));
    const auditPattern = rules.find((p) => JSON.stringify(p).includes('AWS API Call via CloudTrail'));
    const scanEvents = [loadEvent('aws.ecr/image-scan-complete'), loadEvent('aws.inspector2/scan-complete')];
    const routedScans = await Promise.all(scanPatterns.map((p) => routedBy(p, scanEvents)));
    expect(routedScans.map((r) => r.some(Boolean))).toEqual([true, true]);
    expect(
      await routedBy(auditPattern, [
        loadEvent('aws.ecs/cloudtrail-register-task-definition'),
        loadEvent('aws.ecs/cloudtrail-update-service'),
        loadEvent('aws.ecr/image-action-push-success'),
      ]),
    ).toEqual([true, true, false]);
    const audit = onlyResource(template, 'AWS::Lambda::Function', (props) =>
      String(props.Description).includes('changed outside Deckhand'),
    );
    const selfRoles = (audit.Environment as { Variables: Record<string, unknown> }).Variables
      .DECKHAND_SELF_ROLES;
    // image-push, image-scan and timers: each deploys through the same path; the roll worker rolls for them.
    expect(selfRoles).toEqual({
      'Fn::Join': [',', [expect.anything(), expect.anything(), expect.anything(), expect.anything()]],
    });
  });

  it('routes ECS deployment, service and STOPPED task events, and the configured alarms', async () => {
    const patterns = Object.values(resourcesOf(template, 'AWS::Events::Rule')).map(
      (r) => r.Properties.EventPattern ?? {},
    );
    const find = (text: string) => patterns.filter((p) => JSON.stringify(p).includes(text));
    const [serviceEvents] = find('ECS Deployment State Change');
    const [taskEvents] = find('ECS Task State Change');
    const [alarms] = find('CloudWatch Alarm State Change');
    expect(
      await routedBy(serviceEvents, [
        loadEvent('aws.ecs/deployment-state-change-completed.awsdocs'),
        loadEvent('aws.ecs/service-action-task-start-impaired.awsdocs'),
      ]),
    ).toEqual([true, true]);
    expect(
      await routedBy(taskEvents, [
        loadEvent('aws.ecs/task-stopped-oom'),
        loadEvent('aws.ecs/task-state-change-running.awsdocs'),
      ]),
    ).toEqual([true, false]);
    const alarm = loadEvent<{ source: string; 'detail-type': string; detail: { alarmName: string } }>(
      'aws.cloudwatch/alarm-state-change-single-metric.awsdocs',
    );
    const named = { ...alarm, detail: { ...alarm.detail, alarmName: 'web-production-5xx' } };
    expect(await routedBy(alarms, [named, alarm])).toEqual([true, false]);
  });

  it('lets every function use Powertools Idempotency on the state table', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const fn of functions) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const attached = policies.filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(`{"Ref":"${roleId}"}`),
      );
      const actions = JSON.stringify(attached.map((p) => p.Properties.PolicyDocument));
      for (const action of [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ])
        expect(actions, String(fn.Properties.Description)).toContain(action);
    }
  });

  it('gives every function the house runtime and every rule target a retry policy and the DLQ', () => {
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
    const targets = Object.values(resourcesOf(template, 'AWS::Events::Rule')).flatMap(
      (rule) => rule.Properties.Targets as Record<string, unknown>[],
    );
    expect(targets.length).toBeGreaterThanOrEqual(8);
    for (const target of targets) {
      expect(target).toMatchObject({
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: expect.anything(),
      });
    }
  });

  it('alarms on the dead-letter queue and on every function’s errors and throttles, to an encrypted topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const functions = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).length;
    expect(alarms.filter((a) => a.Properties.MetricName === 'Errors')).toHaveLength(functions);
    expect(alarms.filter((a) => a.Properties.MetricName === 'Throttles')).toHaveLength(functions);
    // The dead-letter queue, and the notice queue's own (FIFO) one.
    expect(
      alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'),
    ).toHaveLength(2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it('allows Resource "*" only on actions without resource-level permissions, and PassRole only to configured roles', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy.Properties.PolicyDocument as {
            Statement: { Action: string | string[]; Resource: unknown }[];
          }
        ).Statement,
    );
    const starred = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect([...new Set(starred)].sort()).toEqual([
      'ecs:DescribeTaskDefinition',
      'ecs:RegisterTaskDefinition',
    ]);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('*');
    const passRole = statements.find((s) => s.Action === 'iam:PassRole');
    expect(JSON.stringify(passRole?.Resource)).toMatch(/role\/web-\*.*role\/ecsTaskExecutionRole/);
  });

  it('fans large deploys out to a roll worker on an encrypted queue, retrying items into the DLQ', () => {
    const worker = functionId(template, 'roll one service per queued work item');
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const [queueId, queue] =
      Object.entries(queues).find(([, q]) => q.Properties.RedrivePolicy && !q.Properties.FifoQueue) ?? [];
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 120,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: expect.anything() },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Each worker paces its ECS calls to its share: the budget over the workers that may run at once.
    expect(resourcesOf(template, 'AWS::Lambda::Function')[worker]?.Properties.Environment).toMatchObject({
      Variables: { DECKHAND_ROLL_CONCURRENCY: '2' },
    });
    // The worker rolls and tells: no registration, no PassRole, no listing, no queueing of rolls.
    const workerStatements = roleStatements(template, worker);
    const workerActions = actionsOf(workerStatements);
    expect(workerActions).toContain('ecs:UpdateService');
    for (const action of ['ecs:RegisterTaskDefinition', 'iam:PassRole', 'dynamodb:Query'])
      expect(workerActions).not.toContain(action);
    expect(
      JSON.stringify(workerStatements.filter((st) => [st.Action].flat().includes('sqs:SendMessage'))),
    ).not.toContain(`"${queueId}"`);
    // Every deploying function may queue rolls, and knows where.
    for (const text of [
      'deploy a pushed ECR image',
      'record image scan results',
      'run what is due each minute',
    ]) {
      const fn = functionId(template, text);
      expect(actionsOf(roleStatements(template, fn)), text).toEqual(
        expect.arrayContaining(['sqs:SendMessage', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem']),
      );
      expect(functionProps(template, fn).Environment, text).toMatchObject({
        Variables: { DECKHAND_ROLL_QUEUE_URL: { Ref: queueId }, DECKHAND_FANOUT_ABOVE: '10' },
      });
    }
  });

  it('runs the drift check every 15 minutes by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
  });

  it('reads the teams’ Slack secrets only in the notifier, and the signing secret only in slack-actions', () => {
    const teamSecrets = [
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:deckhand/slack/payments-AbCdEf',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:deckhand/slack/search',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:deckhand/slack/search-??????',
    ];
    const signing = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:deckhand/slack/signing-AbCdEf';
    const reads = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).flatMap((fn) =>
      roleStatements(template, fn)
        .filter((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))
        .map((st) => ({
          description: String(functionProps(template, fn).Description),
          resource: st.Resource,
        })),
    );
    expect(reads).toEqual(
      expect.arrayContaining([
        { description: expect.stringContaining('send queued notices'), resource: teamSecrets },
        { description: expect.stringContaining('approval decisions from Slack'), resource: signing },
      ]),
    );
    expect(reads).toHaveLength(2);
  });

  it('tells teams through one FIFO notice queue that only the notifier drains, dead-lettering what Slack never took', () => {
    const notifier = functionId(template, 'send queued notices');
    const queues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).filter(
      ([, q]) => q.Properties.FifoQueue,
    );
    const [queueId, queue] = queues.find(([, q]) => q.Properties.RedrivePolicy) ?? [];
    const [deadId] = queues.find(([, q]) => !q.Properties.RedrivePolicy) ?? [];
    expect(queues).toHaveLength(2);
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 60,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': [deadId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: notifier },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Every other function queues its notices there, and knows where; none but the notifier reads them.
    const others = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (id) => id !== notifier,
    );
    expect(others.length).toBeGreaterThanOrEqual(11);
    for (const fn of others) {
      const statements = roleStatements(template, fn);
      const sends = statements.filter((st) => [st.Action].flat().includes('sqs:SendMessage'));
      expect(JSON.stringify(sends), fn).toContain(`"${queueId}"`);
      expect(functionProps(template, fn).Environment, fn).toMatchObject({
        Variables: { DECKHAND_NOTICE_QUEUE_URL: { Ref: queueId } },
      });
      const receives = statements.filter((st) => [st.Action].flat().includes('sqs:ReceiveMessage'));
      expect(JSON.stringify(receives), fn).not.toContain(`"${queueId}"`);
    }
    // The notifier sends to Slack and keeps claims: no ECS, no queueing.
    const notifierActions = actionsOf(roleStatements(template, notifier));
    expect(notifierActions.filter((action) => action.startsWith('ecs:'))).toEqual([]);
    expect(notifierActions).not.toContain('sqs:SendMessage');
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    expectNagClean(outdir);
  });

  it('passes cfn-lint with no errors', () => {
    const { status, output } = cfnLint(template.toJSON());
    // cfn-lint's exit code is a bit mask: 1 fatal, 2 error, 4 warning, 8 informational.
    expect(status & 3, output).toBe(0);
  });
});

describe('synth-time config validation', () => {
  it('fails synth on an invalid config, naming the bad key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deckhand-bad-')), 'deckhand.config.yaml');
    writeFileSync(file, 'pipelines:\n  - name: web\n    repository: web\n    targets: [{ service: web }]\n');
    expect(() => buildApp({ context: { 'deckhand:config': file } })).toThrow(
      /pipelines\[0\]\.targets\[0\]\.cluster: required/,
    );
  });
});
