/**
 * The demo scenario: a realistic account on the local emulator, and Deckhand's whole job run through the
 * real handlers, bundled as they ship, fed the events AWS would send. Used by `npm run demo` and by the
 * integration suite, so the README's first command stays true.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { siteClientConfig } from '#adapters/site-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { wireCli } from '#cli/session.ts';
import { renderStatusPage } from '#core/status/html-page.ts';
import { loadStatusView } from '#core/status/load.ts';
import { READ_ONLY_FIELDS } from '#core/task-definition.ts';
import { buildHandler } from '../build.ts';
import { demoApprover, demoSigningSecret, runBrakes } from './demo-brakes.ts';
import { lambdaContext } from './lambda-context.ts';
import { projectRoot } from './moto.ts';
import { NoticeQueue } from './notice-queue.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from './seed.ts';
import type { ReceivedMessage, SlackReceiver } from './slack-receiver.ts';
import type { SqsWorker } from './sqs-event-source.ts';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ outcome: string; reason?: string; actions: unknown[] }>;
type Json = Record<string, unknown>;

export interface DemoReporter {
  step(title: string): void;
  invoked(handler: string, what: string, outcome: { outcome: string; reason?: string }): void;
  slack(messages: ReceivedMessage[]): void;
  check(ok: boolean, expectation: string): void;
  wait<T>(label: string, work: Promise<T>): Promise<T>;
}

export interface DemoResult {
  ok: boolean;
  failedStep?: string;
  failures: string[];
  outputDir: string;
}

const handlerNames = [
  'image-push',
  'image-scan',
  'ecs-events',
  'alarm',
  'ecs-change',
  'drift',
  'timers',
  'slack-actions',
] as const;
type HandlerName = (typeof handlerNames)[number];
const region = 'eu-west-1';
let sequence = 0;
const eventId = (label: string) => `demo-${label}-${(sequence += 1).toString().padStart(3, '0')}`;
const timestamp = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface DemoOptions {
  /** Deliver every event this many times at once, as EventBridge may (the chaos suite uses 3). */
  copies?: number;
}

export const runDemo = async (
  receiver: SlackReceiver,
  report: DemoReporter,
  outputDir = join(projectRoot, 'demo-output'),
  options: DemoOptions = {},
): Promise<DemoResult> => {
  const copies = options.copies ?? 1;
  const failures: string[] = [];
  let failedStep: string | undefined;
  let current = '';
  const expect = (ok: boolean, expectation: string) => {
    report.check(ok, expectation);
    if (!ok) {
      failures.push(`${current}: ${expectation}`);
      failedStep ??= current;
    }
  };
  const step = (title: string) => {
    current = title;
    report.step(title);
  };

  // The account: whatever the SDK environment points at (moto), named by STS.
  const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account ?? '123456789012';
  const workDir = join(projectRoot, '.local', `demo-${account}`);
  mkdirSync(workDir, { recursive: true });
  const ecs = new ECSClient({});
  const seed = new Seeder();
  const uri = ecrUri(account, region, 'web');
  // prod-eu runs in a second account and Region (a spoke), reached through the role Deckhand assumes there.
  const home = { account, region };
  const eu = {
    account: account === '210987654321' ? '210987654322' : '210987654321',
    region: 'eu-central-1',
  };
  const euSite = { ...eu, roleName: 'deckhand-deploy' };
  const euSeed = new Seeder(siteClientConfig(euSite, home));
  const euEcs = new ECSClient(siteClientConfig(euSite, home));

  step('Seed two accounts');
  const digests: Record<string, string> = {};
  await report.wait(
    'seeding ECR, ECS, CloudWatch, Secrets Manager',
    (async () => {
      await createStateTable(createDynamoDbClient(), stateTableName());
      await seed.repository('web');
      for (const tag of ['1.4.0', '1.5.0', '1.5.1', '1.5.2']) digests[tag] = await seed.pushImage('web', tag);
      const network = await seed.vpc();
      const td = await seed.taskDefinition(webTaskDefinition('web', `${uri}:1.3.0`, account));
      for (const cluster of ['staging', 'prod']) await seed.cluster(cluster);
      await seed.service(fargateService('staging', 'web', td, network));
      const euTd = await euSeed.taskDefinition(webTaskDefinition('web', `${uri}:1.3.0`, eu.account));
      await euSeed.cluster('prod-eu');
      await euSeed.service(fargateService('prod-eu', 'web', euTd, await euSeed.vpc()));
      // The hub's registry lets the eu account pull, as a cross-account deploy needs.
      await seed.allowPull('web', [eu.account]);
      await seed.service(fargateService('prod', 'web', td, network));
      await seed.service(fargateService('prod', 'worker', td, network));
      await seed.alarm('web-5xx');
      const secrets = new SecretsManagerClient({});
      const token = await secrets.send(
        new CreateSecretCommand({
          Name: `deckhand/slack/payments-${account}`,
          SecretString: 'xoxb-demo-payments-token',
        }),
      );
      const hook = await secrets.send(
        new CreateSecretCommand({
          Name: `deckhand/slack/platform-${account}`,
          SecretString: receiver.webhookUrl('platform'),
        }),
      );
      const gate = { block: { CRITICAL: 1 }, warn: { HIGH: 1 } };
      writeFileSync(
        join(workDir, 'deckhand.config.json'),
        JSON.stringify(
          {
            accounts: { eu: { id: eu.account, region: eu.region } },
            teams: {
              payments: { slack: { channel: 'C0PAYMENTS', botToken: token.ARN } },
              platform: { slack: { webhook: hook.ARN } },
            },
            notifications: { defaultTeam: 'platform' },
            pipelines: [
              {
                name: 'web-staging',
                repository: 'web',
                tags: 'semver:>=1.0.0',
                team: 'platform',
                targets: [{ cluster: 'staging', service: 'web' }],
                scanGate: gate,
              },
              {
                name: 'web-prod',
                repository: 'web',
                tags: 'semver:>=1.0.0',
                team: 'payments',
                targets: [
                  { cluster: 'prod', service: 'web' },
                  { cluster: 'prod', service: 'worker' },
                ],
                scanGate: gate,
                bake: '10m',
                alarms: ['web-5xx'],
              },
              {
                name: 'web-eu',
                promote: {
                  from: 'web-staging',
                  after: '1s',
                  approval: { approvers: [demoApprover], expires: '1h' },
                },
                team: 'payments',
                targets: [{ account: 'eu', cluster: 'prod-eu', service: 'web' }],
              },
            ],
          },
          null,
          2,
        ),
      );
    })(),
  );
  expect(
    true,
    `hub account ${account} (${region}): repository web (1.4.0 … 1.5.2), clusters staging and prod, services web and worker, alarm web-5xx; spoke account ${eu.account} (${eu.region}): cluster prod-eu, service web`,
  );

  // The handlers as they ship: esbuild bundles, wired at import from the environment.
  process.env.DECKHAND_CONFIG = join(workDir, 'deckhand.config.json');
  process.env.DECKHAND_HOME_ACCOUNT = account;
  process.env.DECKHAND_SLACK_API_URL = receiver.apiUrl;
  process.env.DECKHAND_SLACK_SIGNING_SECRET = demoSigningSecret;
  // Every function hands its notices to the FIFO notice queue; the notifier function drains it to Slack.
  const notices = (await NoticeQueue.create({ account, region })).useForHandlers();
  const handlers = {} as Record<HandlerName, Handler>;
  await report.wait(
    'bundling the handlers with esbuild',
    (async () => {
      const load = async (name: string) =>
        (await import(pathToFileURL(await buildHandler(name, join(workDir, 'dist', name))).href)) as {
          handler: unknown;
        };
      const notifierHandler = (await load('notifier')).handler as (
        event: unknown,
        context: unknown,
      ) => ReturnType<SqsWorker>;
      const notifier: SqsWorker = (event) => notifierHandler(event, lambdaContext('notifier'));
      for (const name of handlerNames) {
        const handler = (await load(name)).handler as Handler;
        // As the event source mapping would, the notifier takes the notices as soon as they are queued.
        handlers[name] = async (event, context) => {
          const answer = await handler(event, context);
          await notices.drain(notifier);
          return answer;
        };
      }
    })(),
  );

  const outcomes: Json[] = [];
  /**
   * One delivery, or `copies` concurrent ones; a copy refused because another is in progress is delivered
   * again afterwards, as Lambda's retry would. The first completed outcome is the step's.
   */
  const deliver = async (name: HandlerName, event: Json) => {
    // The scheduler runs one tick at a time (reserved concurrency 1): repeats come one after another.
    if (name === 'timers') {
      const first = await handlers[name](structuredClone(event), lambdaContext(name));
      for (let n = 1; n < copies; n += 1) await handlers[name](structuredClone(event), lambdaContext(name));
      return first;
    }
    const settled = await Promise.allSettled(
      Array.from({ length: copies }, () => handlers[name](structuredClone(event), lambdaContext(name))),
    );
    for (const result of settled) {
      if (
        result.status === 'rejected' &&
        // Refused while another copy is in progress: by Powertools Idempotency, or by the ledger's claim.
        !/IdempotencyAlreadyInProgress|being handled by another delivery/.test(
          `${(result.reason as Error).name}: ${(result.reason as Error).message}`,
        )
      ) {
        throw result.reason;
      }
    }
    const retried = settled
      .filter((r) => r.status === 'rejected')
      .map(() => handlers[name](structuredClone(event), lambdaContext(name)));
    await Promise.all(retried);
    const first = settled.find((r) => r.status === 'fulfilled');
    return first ? first.value : await handlers[name](event, lambdaContext(name));
  };
  const invoke = async (name: HandlerName, event: Json, what: string) => {
    const seen = receiver.messages.length;
    const outcome = await report.wait(`${name}: ${what}`, deliver(name, event));
    outcomes.push({ handler: name, event: event.id, ...outcome });
    report.invoked(name, what, outcome);
    report.slack(receiver.messages.slice(seen));
    return outcome;
  };
  const envelope = (source: string, detailType: string, detail: Json, resources: string[] = []): Json => ({
    version: '0',
    id: eventId(detailType.toLowerCase().replace(/[^a-z0-9]+/g, '-')),
    'detail-type': detailType,
    source,
    account,
    time: timestamp(),
    region,
    resources,
    detail,
  });
  const push = (tag: string) =>
    envelope('aws.ecr', 'ECR Image Action', {
      result: 'SUCCESS',
      'repository-name': 'web',
      'image-digest': digests[tag],
      'action-type': 'PUSH',
      'image-tag': tag,
    });
  const scan = (tag: string, counts: Json) =>
    envelope(
      'aws.ecr',
      'ECR Image Scan',
      {
        'scan-status': 'COMPLETE',
        'repository-name': 'web',
        'finding-severity-counts': counts,
        'image-digest': digests[tag],
        'image-tags': [tag],
      },
      [`arn:aws:ecr:${region}:${account}:repository/web`],
    );
  const serviceArn = (cluster: string, service: string) =>
    `arn:aws:ecs:${region}:${account}:service/${cluster}/${service}`;
  const ecsOf = (cluster: string) => (cluster === 'prod-eu' ? euEcs : ecs);
  const running = async (cluster: string, service: string) =>
    (await ecsOf(cluster).send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]
      ?.taskDefinition ?? '';
  const revisions = async () =>
    ((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))).taskDefinitionArns ?? [])
      .length;
  const deploymentsCompleted = async (label: string) => {
    const ledger = await readLedger();
    for (const [cluster, service] of [
      ['staging', 'web'],
      ['prod', 'web'],
      ['prod', 'worker'],
    ] as const) {
      const rollout = ledger.find(
        (item) => item.pk === `svc#${cluster}/${service}` && item.status === 'rolling',
      );
      if (!rollout) continue;
      await invoke(
        'ecs-events',
        envelope(
          'aws.ecs',
          'ECS Deployment State Change',
          {
            eventType: 'INFO',
            eventName: 'SERVICE_DEPLOYMENT_COMPLETED',
            deploymentId: rollout.deploymentId,
            updatedAt: timestamp(),
            reason: `ECS deployment ${String(rollout.deploymentId)} completed.`,
          },
          [serviceArn(cluster, service)],
        ),
        `deployment of ${label} on ${cluster}/${service} COMPLETED`,
      );
    }
  };
  const readLedger = async () =>
    ((await new DynamoDBClient({}).send(new ScanCommand({ TableName: stateTableName() }))).Items ?? []).map(
      (item) => unmarshall(item),
    );

  step('1. Push 1.4.0: pinned revision, both services rolled with one registration, deployments complete');
  const before = await revisions();
  await invoke('image-scan', scan('1.4.0', { MEDIUM: 2, LOW: 5 }), 'ECR scan of 1.4.0: 2 MEDIUM, 5 LOW');
  const first = await invoke('image-push', push('1.4.0'), 'ECR push web:1.4.0');
  expect(
    first.outcome === 'deployed' && first.actions.length === 3,
    'deployed to staging/web, prod/web and prod/worker',
  );
  expect((await revisions()) === before + 1, 'one new revision registered for the shared family');
  const v140 = await running('prod', 'web');
  expect(
    v140.includes('@') === false &&
      (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: v140 }))).taskDefinition
        ?.containerDefinitions?.[0]?.image === `${uri}@${digests['1.4.0']}`,
    'the app container runs web@sha256:…, pinned by digest',
  );
  await deploymentsCompleted('1.4.0');
  expect(
    (await readLedger()).filter((item) => item.status === 'succeeded').length === 3,
    'the ledger says succeeded for all three',
  );

  step('2. Push 1.5.0, whose scan reports a CRITICAL: blocked with the findings');
  await invoke(
    'image-scan',
    scan('1.5.0', { CRITICAL: 1, HIGH: 4 }),
    'ECR scan of 1.5.0: 1 CRITICAL, 4 HIGH',
  );
  const blocked = await invoke('image-push', push('1.5.0'), 'ECR push web:1.5.0');
  expect(
    blocked.outcome === 'blocked' && /IMG-003/.test(blocked.reason ?? ''),
    'blocked by the scan gate (IMG-003), nothing registered',
  );
  expect((await running('prod', 'web')) === v140, 'prod/web still runs 1.4.0');

  step('3. Push 1.5.1, deployed; web-5xx fires within the bake: rolled back to 1.4.0, pipeline paused');
  await invoke('image-scan', scan('1.5.1', { LOW: 1 }), 'ECR scan of 1.5.1: 1 LOW');
  const third = await invoke('image-push', push('1.5.1'), 'ECR push web:1.5.1');
  expect(third.outcome === 'deployed', '1.5.1 deployed');
  await deploymentsCompleted('1.5.1');
  const alarm = await invoke(
    'alarm',
    envelope(
      'aws.cloudwatch',
      'CloudWatch Alarm State Change',
      {
        alarmName: 'web-5xx',
        state: {
          value: 'ALARM',
          reason: 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).',
          timestamp: timestamp(60_000).replace('Z', '.000+0000'),
        },
        previousState: {
          value: 'OK',
          reason: 'Threshold Crossed',
          timestamp: timestamp(-600_000).replace('Z', '.000+0000'),
        },
        configuration: {
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: {
                  namespace: 'AWS/ApplicationELB',
                  name: 'HTTPCode_Target_5XX_Count',
                  dimensions: {},
                },
                period: 60,
                stat: 'Sum',
              },
              returnData: true,
            },
          ],
        },
      },
      [`arn:aws:cloudwatch:${region}:${account}:alarm:web-5xx`],
    ),
    'CloudWatch alarm web-5xx → ALARM',
  );
  expect(alarm.outcome === 'rolled-back', 'rolled back by Deckhand');
  expect(
    (await running('prod', 'web')) === v140 && (await running('prod', 'worker')) === v140,
    'prod/web and prod/worker run 1.4.0’s revision again',
  );
  expect(
    (await readLedger()).some((item) => item.sk === 'pause' && item.pk === 'svc#prod/web'),
    'web-prod is paused on prod/web until `deckhand resume web-prod`',
  );

  step('4. Three task stops with exit 137: one crash-loop alert (OOM)');
  const crashOutcomes: string[] = [];
  for (const n of [1, 2, 3]) {
    const taskArn = `arn:aws:ecs:${region}:${account}:task/prod/0c0ffee${n}00000000000000000000000`;
    const outcome = await invoke(
      'ecs-events',
      envelope(
        'aws.ecs',
        'ECS Task State Change',
        {
          clusterArn: `arn:aws:ecs:${region}:${account}:cluster/prod`,
          taskArn,
          taskDefinitionArn: v140,
          group: 'service:web',
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          stoppedAt: timestamp(n * 30_000),
          version: 5,
          containers: [
            {
              name: 'app',
              image: `${uri}@${digests['1.4.0']}`,
              imageDigest: digests['1.4.0'],
              exitCode: 137,
              reason: 'OutOfMemoryError: Container killed due to memory usage',
              lastStatus: 'STOPPED',
            },
          ],
        },
        [taskArn],
      ),
      `task ${n} of prod/web STOPPED, exit 137`,
    );
    crashOutcomes.push(outcome.outcome);
  }
  expect(
    crashOutcomes.join(',') === 'recorded,recorded,alerted',
    'the third stop raises the one crash-loop alert',
  );

  step('5. Somebody registers a privileged revision by hand and updates the service');
  const { taskDefinition: currentTd } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: v140, include: ['TAGS'] }),
  );
  const input: Json = { ...currentTd };
  for (const field of READ_ONLY_FIELDS) delete input[field];
  const containers = (input.containerDefinitions as Json[]).map((c) =>
    c.name === 'app' ? { ...c, privileged: true } : c,
  );
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(input as unknown as RegisterTaskDefinitionCommandInput),
      containerDefinitions: containers,
    }),
  );
  const byHand = registered.taskDefinition?.taskDefinitionArn ?? '';
  await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: byHand }));
  const who = {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/Admin/mary`,
    accountId: account,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::${account}:role/Admin`,
        accountId: account,
        userName: 'Admin',
      },
    },
  };
  const trail = (eventName: string, requestParameters: Json, responseElements: Json) =>
    envelope('aws.ecs', 'AWS API Call via CloudTrail', {
      eventVersion: '1.09',
      userIdentity: who,
      eventTime: timestamp(),
      eventSource: 'ecs.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.12',
      userAgent: 'console.amazonaws.com',
      requestParameters,
      responseElements,
      eventID: eventId('trail'),
      eventType: 'AwsApiCall',
      recipientAccountId: account,
    });
  const audit = await invoke(
    'ecs-change',
    trail('RegisterTaskDefinition', { family: 'web' }, { taskDefinition: { taskDefinitionArn: byHand } }),
    'CloudTrail: RegisterTaskDefinition by role/Admin',
  );
  expect(
    audit.outcome === 'alerted' && JSON.stringify(audit.actions).includes('TD-001'),
    'guardrail alert: TD-001 privileged container',
  );
  await invoke(
    'ecs-change',
    trail(
      'UpdateService',
      { cluster: 'prod', service: 'web', taskDefinition: byHand },
      {
        service: {
          serviceArn: serviceArn('prod', 'web'),
          serviceName: 'web',
          clusterArn: `arn:aws:ecs:${region}:${account}:cluster/prod`,
        },
      },
    ),
    'CloudTrail: UpdateService by role/Admin',
  );
  const drift = await invoke(
    'drift',
    envelope('aws.events', 'Scheduled Event', {}, [
      `arn:aws:events:${region}:${account}:rule/deckhand-drift`,
    ]),
    'scheduled drift check',
  );
  const driftText = JSON.stringify(drift.actions);
  expect(
    drift.outcome === 'alerted' &&
      driftText.includes('containerDefinitions.app.privileged') &&
      driftText.includes('role/Admin'),
    'drift report: prod/web revision and config drift (app.privileged), changed by role/Admin',
  );

  await runBrakes({
    step,
    expect,
    invoke,
    handler: (name) => handlers[name],
    report,
    envelope,
    push,
    scan,
    running,
    image: async (taskDefinition, cluster = 'staging') =>
      (
        await ecsOf(cluster).send(new DescribeTaskDefinitionCommand({ taskDefinition }))
      ).taskDefinition?.containerDefinitions?.find((c) => c.name === 'app')?.image ?? '',
    receiver,
    pinned: (tag) => `${uri}@${digests[tag]}`,
    config: join(workDir, 'deckhand.config.json'),
    copies,
  });

  mkdirSync(outputDir, { recursive: true });
  writeFileSync(
    join(outputDir, 'slack-messages.json'),
    `${JSON.stringify(
      receiver.messages.map(({ kind, destination, ts, text, blocks }) => ({
        kind,
        destination,
        ts,
        text,
        blocks,
      })),
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(outputDir, 'ledger.json'), `${JSON.stringify(await readLedger(), null, 2)}\n`);
  writeFileSync(join(outputDir, 'outcomes.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
  // The same page `deckhand status --html` writes, from the demo's ledger and moto's ECS.
  const status = await loadStatusView(await wireCli(join(workDir, 'deckhand.config.json')));
  writeFileSync(join(outputDir, 'status.html'), renderStatusPage(status));
  expect(
    status.pipelines.map((p) => p.name).join(',') === 'web-staging,web-prod,web-eu',
    'status.html shows every pipeline (`deckhand status --html`)',
  );
  return { ok: failures.length === 0, ...(failedStep ? { failedStep } : {}), failures, outputDir };
};
