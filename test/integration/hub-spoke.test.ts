/**
 * One Deckhand for many accounts and Regions, against moto (which honours the account of assumed-role
 * credentials): the hub is this file's account; a shared registry, a staging spoke (same Region) and a prod
 * spoke (another Region) are three more. Pushes from the shared registry deploy into the right accounts, a
 * forged or unconfigured event does nothing, a missing pull permission blocks, a staging digest is promoted
 * into prod unchanged, and drift and status name account and Region.
 */
import { randomInt } from 'node:crypto';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, createEcsClient, stateTableName } from '#adapters/aws-clients.ts';
import { rollWorkerHandler } from '#adapters/roll-worker.ts';
import { siteClientConfig, withRoleSession } from '#adapters/site-clients.ts';
import { createSqsRollQueue } from '#adapters/sqs-roll-queue.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import { wireAlarms, wireNotifier } from '#adapters/wiring.ts';
import { parseConfig } from '#core/config.ts';
import type { EcsPort } from '#core/ports/ecs.ts';
import type { Clock } from '#core/ports/clock.ts';
import { silentLog } from '#core/ports/log.ts';
import type { Site } from '#core/sites.ts';
import { admitDeployment } from '#core/use-cases/admit-deployment.ts';
import { handleAlarm } from '#core/use-cases/alarm-rollback.ts';
import { auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { detectDrift } from '#core/use-cases/detect-drift.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { deploymentEvent, pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { loadEvent, loadHookPayload } from '../helpers/load-event.ts';

const account = () => String(randomInt(100_000_000_000, 999_999_999_999));
const hub = { account: testAccount(), region: testRegion() };
const shared: Site = { account: account(), region: 'eu-west-1', roleName: 'deckhand-deploy' };
const staging: Site = { account: account(), region: 'eu-west-1', roleName: 'deckhand-deploy' };
const prod: Site = { account: account(), region: 'eu-central-1', roleName: 'deckhand-deploy' };
const stranger = account();

const rawConfig = {
  accounts: {
    shared: { id: shared.account, region: shared.region },
    staging: { id: staging.account, region: staging.region },
    prod: { id: prod.account, region: prod.region },
  },
  pipelines: [
    {
      name: 'web-staging',
      repository: { account: 'shared', name: 'web' },
      tags: 'semver:>=1.0.0',
      // The same cluster and service names in the hub and in the staging spoke: keys keep them apart.
      targets: [
        { account: 'staging', cluster: 'staging', service: 'web' },
        { cluster: 'staging', service: 'web' },
      ],
    },
    {
      name: 'web-prod',
      promote: { from: 'web-staging', after: '30m' },
      targets: [{ account: 'prod', cluster: 'prod', service: 'web' }],
    },
    {
      name: 'api',
      repository: { account: 'shared', name: 'api' },
      targets: [{ account: 'prod', cluster: 'prod', service: 'api' }],
    },
  ],
};
const config = parseConfig(rawConfig, 'hub-spoke');

let now = Date.parse('2026-12-01T09:00:00Z');
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };
const stamp = () => new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every ECS call the use cases make, by site, so a test can say "no call was made". */
const ecsCalls: string[] = [];
const counted = (ecs: EcsPort): EcsPort => {
  const count =
    <A extends unknown[], R>(name: string, call: (...args: A) => R) =>
    (...args: A): R => {
      ecsCalls.push(name);
      return call(...args);
    };
  return {
    describeServices: count('describeServices', (...a: Parameters<EcsPort['describeServices']>) =>
      ecs.describeServices(...a),
    ),
    describeTaskDefinition: count(
      'describeTaskDefinition',
      (...a: Parameters<EcsPort['describeTaskDefinition']>) => ecs.describeTaskDefinition(...a),
    ),
    registerTaskDefinition: count(
      'registerTaskDefinition',
      (...a: Parameters<EcsPort['registerTaskDefinition']>) => ecs.registerTaskDefinition(...a),
    ),
    updateService: count('updateService', (...a: Parameters<EcsPort['updateService']>) =>
      ecs.updateService(...a),
    ),
    deregisterTaskDefinition: count(
      'deregisterTaskDefinition',
      (...a: Parameters<EcsPort['deregisterTaskDefinition']>) => ecs.deregisterTaskDefinition(...a),
    ),
  };
};
const wired = wireDeploys(config, hub);
const deps = (): DeployWired => ({ ...wired, ecs: counted(wired.ecs), clock, log: silentLog });

const at = (site: Site | undefined) => (site ? siteClientConfig(site, hub) : {});
const clientAt = (site: Site | undefined) => new ECSClient(at(site));
const seeders = {
  shared: new Seeder(at(shared)),
  staging: new Seeder(at(staging)),
  prod: new Seeder(at(prod)),
};
const hubSeeder = new Seeder();
const digests: Record<string, string> = {};

const running = async (site: Site | undefined, cluster: string, service: string) => {
  const client = clientAt(site);
  const { services = [] } = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const { taskDefinition } = await client.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: services[0]?.taskDefinition ?? '' }),
  );
  return taskDefinition?.containerDefinitions?.[0]?.image ?? '';
};

const pushFromShared = (repository: string, tag: string) =>
  handleImageAction(
    pushEvent({
      account: shared.account,
      region: shared.region,
      repository,
      tag,
      digest: digests[`${repository}:${tag}`] ?? '',
      time: stamp(),
    }),
    deps(),
  );

const seedService = async (seeder: Seeder, site: Site | undefined, cluster: string, service: string) => {
  const owner = site?.account ?? hub.account;
  const image = `${ecrUri(shared.account, shared.region, service)}:0.9.0`;
  const td = await seeder.taskDefinition(webTaskDefinition(service, image, owner));
  await seeder.cluster(cluster);
  await seeder.service(fargateService(cluster, service, td, await seeder.vpc()));
};

describe('hub and spoke against moto', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    for (const repository of ['web', 'api']) await seeders.shared.repository(repository);
    for (const tag of ['1.0.0', '1.1.0']) digests[`web:${tag}`] = await seeders.shared.pushImage('web', tag);
    digests['api:1.0.0'] = await seeders.shared.pushImage('api', '1.0.0');
    // web may be pulled by the hub and both spokes; api only by staging.
    await seeders.shared.allowPull('web', [hub.account, staging.account, prod.account]);
    await seeders.shared.allowPull('api', [staging.account]);
    await seedService(seeders.staging, staging, 'staging', 'web');
    await seedService(hubSeeder, undefined, 'staging', 'web');
    await seedService(seeders.prod, prod, 'prod', 'web');
    await seedService(seeders.prod, prod, 'prod', 'api');
  });

  it('deploys a push from the shared registry into the staging spoke and the hub, pinned to that registry', async () => {
    const outcome = await pushFromShared('web', '1.0.0');
    expect(outcome.outcome).toBe('deployed');
    expect(outcome.actions.map((a) => [a.site?.account ?? 'hub', a.status])).toEqual([
      [staging.account, 'deployed'],
      ['hub', 'deployed'],
    ]);
    const pinned = `${ecrUri(shared.account, shared.region, 'web')}@${digests['web:1.0.0']}`;
    expect(await running(staging, 'staging', 'web')).toBe(pinned);
    expect(await running(undefined, 'staging', 'web')).toBe(pinned);
    // prod is not a target of web-staging: untouched.
    expect(await running(prod, 'prod', 'web')).toMatch(/:0\.9\.0$/);
    const ledger = deps().ledger;
    expect(await ledger.heads.get(`${staging.account}/eu-west-1/staging/web`)).toMatchObject({
      tag: '1.0.0',
    });
    expect(await ledger.heads.get('staging/web')).toMatchObject({ tag: '1.0.0' });
  });

  it('believes an event only for what its own account may speak for, and makes no call otherwise', async () => {
    ecsCalls.length = 0;
    const fromStaging = await handleImageAction(
      pushEvent({
        account: staging.account,
        region: staging.region,
        repository: 'web',
        tag: '1.1.0',
        digest: digests['web:1.1.0'] ?? '',
      }),
      deps(),
    );
    expect(fromStaging).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/no pipeline tracks web:1\.1\.0 in account/),
    });
    const fromStranger = await handleImageAction(
      pushEvent({
        account: stranger,
        region: 'eu-west-1',
        repository: 'web',
        tag: '1.1.0',
        digest: digests['web:1.1.0'] ?? '',
      }),
      deps(),
    );
    expect(fromStranger).toMatchObject({
      outcome: 'ignored',
      reason: `account ${stranger} in eu-west-1 is not configured under accounts`,
    });
    // A staging event naming prod's service: a forgery, whatever it says.
    const forged = await followServiceEvent(
      deploymentEvent({
        cluster: 'prod',
        service: 'web',
        account: staging.account,
        region: staging.region,
        serviceAccount: prod.account,
        serviceRegion: prod.region,
        eventName: 'SERVICE_DEPLOYMENT_FAILED',
        deploymentId: 'ecs-svc/1',
      }),
      deps(),
    );
    expect(forged).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/may not speak for/) });
    const alarm = loadEvent<Record<string, unknown>>(
      'aws.cloudwatch/alarm-state-change-single-metric.awsdocs',
    );
    const strangerAlarm = await handleAlarm(
      { ...alarm, account: stranger, region: 'eu-west-1' },
      {
        ...deps(),
        alarms: wireAlarms(hub),
      },
    );
    expect(strangerAlarm.outcome).toBe('ignored');
    expect(ecsCalls).toEqual([]);
    expect(await running(staging, 'staging', 'web')).toContain(digests['web:1.0.0']);
  });

  it('blocks a target whose account may not pull from the registry, with the reason', async () => {
    const outcome = await pushFromShared('api', '1.0.0');
    expect(outcome.actions).toEqual([
      expect.objectContaining({
        status: 'blocked',
        site: prod,
        reason: expect.stringMatching(
          new RegExp(
            `account ${prod.account} may not pull api from account ${shared.account}.*does not allow ecr:BatchGetImage`,
          ),
        ),
      }),
    ]);
    expect(await running(prod, 'prod', 'api')).toMatch(/:0\.9\.0$/);
  });

  it('promotes the digest staging proved into the prod account and Region, identical', async () => {
    const record = await deps().ledger.rollouts.get(
      `${staging.account}/eu-west-1/staging/web`,
      digests['web:1.0.0'] ?? '',
    );
    now += 60_000;
    const completed = await followServiceEvent(
      deploymentEvent({
        cluster: 'staging',
        service: 'web',
        account: staging.account,
        region: staging.region,
        deploymentId: record?.deploymentId,
        time: stamp(),
      }),
      deps(),
    );
    expect(completed.actions[0]).toMatchObject({ status: 'succeeded', site: staging });
    // The hub's own staging service must finish too: the promotion waits for every source target.
    const hubRecord = await deps().ledger.rollouts.get('staging/web', digests['web:1.0.0'] ?? '');
    await followServiceEvent(
      deploymentEvent({
        cluster: 'staging',
        service: 'web',
        deploymentId: hubRecord?.deploymentId,
        time: stamp(),
      }),
      deps(),
    );
    now += 31 * 60_000;
    const promoted = await runTimers(deps());
    expect(promoted.actions[0]).toMatchObject({
      pipeline: 'web-prod',
      status: 'promoted',
      deploy: { outcome: 'deployed' },
    });
    expect(await running(prod, 'prod', 'web')).toBe(await running(staging, 'staging', 'web'));
    expect(await running(prod, 'prod', 'web')).toBe(
      `${ecrUri(shared.account, shared.region, 'web')}@${digests['web:1.0.0']}`,
    );
  });

  it('finds drift in a spoke, and status and drift name the account and Region', async () => {
    // Someone rolls prod back by hand, in the prod account.
    const client = clientAt(prod);
    const { services = [] } = await client.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }),
    );
    const original = services[0]?.taskDefinition ?? '';
    const { UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
    const previous = `${original.slice(0, original.lastIndexOf(':'))}:1`;
    await client.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: previous }),
    );
    const report = await detectDrift(deps(), 'drift-1');
    // moto never finishes a rollout, so the other services are only `stuck`; prod's web drifted for real.
    const real = report.drift.filter((item) => item.kind !== 'stuck');
    expect(
      real.map((item) => [item.pipeline, item.site?.account, item.cluster, item.service, item.kind]),
    ).toEqual([
      ['web-prod', prod.account, 'prod', 'web', 'revision'],
      ['web-prod', prod.account, 'prod', 'web', 'image'],
    ]);

    const session = cliSession('hub-spoke');
    session.writeConfig(rawConfig);
    const status = await session.cli('status', 'web-prod', '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.lines[0] ?? '{}')).toMatchObject({
      pipeline: 'web-prod',
      account: prod.account,
      region: 'eu-central-1',
      cluster: 'prod',
      service: 'web',
    });
    const drift = await session.cli('drift');
    expect(drift.status).toBe(3);
    expect(drift.lines.join('\n')).toContain(`${prod.account}/eu-central-1/prod/web  revision`);
  });

  it('fans a push out on SQS with each item carrying its site, and the worker rolls the spoke’s service there', async () => {
    const sqs = new SQSClient({});
    const { QueueUrl: queueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `hub-spoke-rolls-${randomInt(1_000_000)}` }),
    );
    // Every deploy fans out: the push plans and registers, and only queues its two rolls.
    const queued = await handleImageAction(
      pushEvent({
        account: shared.account,
        region: shared.region,
        repository: 'web',
        tag: '1.1.0',
        digest: digests['web:1.1.0'] ?? '',
        time: stamp(),
      }),
      { ...deps(), fanOut: { queue: createSqsRollQueue(sqs, queueUrl), above: 0 } },
    );
    expect(queued.actions.map((a) => [a.site?.account ?? 'hub', a.status])).toEqual([
      [staging.account, 'queued'],
      ['hub', 'queued'],
    ]);
    expect(await running(staging, 'staging', 'web')).toContain(digests['web:1.0.0']);

    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const items = messages.map((m) => JSON.parse(m.Body ?? '{}') as { serviceKey: string; site?: Site });
    expect(new Map(items.map((item) => [item.serviceKey, item.site]))).toEqual(
      new Map([
        [`${staging.account}/eu-west-1/staging/web`, staging],
        ['staging/web', undefined],
      ]),
    );

    const worker = rollWorkerHandler(deps(), wireNotifier(deps()));
    const event = {
      Records: messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: { ApproximateReceiveCount: '1' },
      })),
    } as unknown as SQSEvent;
    expect((await worker(event, lambdaContext('roll-worker'))).batchItemFailures).toEqual([]);
    // The spoke's service runs the new digest in the spoke's own account; the hub's namesake in the hub's.
    const pinned = `${ecrUri(shared.account, shared.region, 'web')}@${digests['web:1.1.0']}`;
    expect(await running(staging, 'staging', 'web')).toBe(pinned);
    expect(await running(undefined, 'staging', 'web')).toBe(pinned);
    expect(await deps().ledger.heads.get(`${staging.account}/eu-west-1/staging/web`)).toMatchObject({
      tag: '1.1.0',
    });
  });

  it('assumes each spoke role once, named for the function and event, and keeps the credentials', async () => {
    const site = { ...staging, account: account() };
    const client = withRoleSession('image-push-evt-42', () => createEcsClient(siteClientConfig(site, hub)));
    const first = await client.config.credentials();
    const second = await client.config.credentials();
    expect(second.accessKeyId).toBe(first.accessKeyId);
    const sts = new STSClient({ region: site.region, credentials: first });
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    expect(Arn).toBe(`arn:aws:sts::${site.account}:assumed-role/deckhand-deploy/image-push-evt-42`);
  });

  it('judges a change made by hand in a spoke there, and not Deckhand’s own calls through its role', async () => {
    const sample = loadEvent<Record<string, unknown>>('aws.ecs/cloudtrail-update-service');
    const changeBy = (account: string, region: string, issuer: string) => {
      const event = structuredClone(sample) as Record<string, unknown> & { detail: Record<string, unknown> };
      const serviceArn = `arn:aws:ecs:${region}:${account}:service/prod/web`;
      Object.assign(event, { id: `ct-${issuer}-${account}`, account, region });
      Object.assign(event.detail, {
        awsRegion: region,
        recipientAccountId: account,
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${account}:assumed-role/${issuer}/mary`,
          accountId: account,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              arn: `arn:aws:iam::${account}:role/${issuer}`,
              accountId: account,
            },
          },
        },
        responseElements: {
          service: {
            serviceArn,
            serviceName: 'web',
            clusterArn: `arn:aws:ecs:${region}:${account}:cluster/prod`,
          },
        },
      });
      return event;
    };
    ecsCalls.length = 0;
    const audit = (event: unknown) => auditEcsChange(event, { ...deps(), selfRoles: [] });
    const byMary = await audit(changeBy(prod.account, prod.region, 'Admin'));
    expect(byMary.outcome).not.toBe('ignored');
    expect(byMary.actions[0]).toMatchObject({
      cluster: expect.stringMatching(/cluster\/prod$/),
      service: 'web',
      site: prod,
    });
    expect(byMary.actions[0]?.resource).toContain(`:${prod.account}:service/prod/web`);
    expect(ecsCalls).toContain('describeServices');

    ecsCalls.length = 0;
    const ours = await audit(changeBy(prod.account, prod.region, 'deckhand-deploy'));
    expect(ours).toMatchObject({ outcome: 'ignored', reason: 'made by Deckhand itself' });
    const fromStranger = await audit(changeBy(stranger, prod.region, 'Admin'));
    expect(fromStranger).toMatchObject({
      outcome: 'ignored',
      reason: `account ${stranger} in ${prod.region} is not configured under accounts`,
    });
    expect(ecsCalls).toEqual([]);
  });

  it('fails a lifecycle hook closed, with no call, for a service in an account it does not know', async () => {
    // AWS's PRE_SCALE_UP sample, for a service in an account and Region no `accounts` entry names.
    const payload = JSON.parse(
      JSON.stringify(loadHookPayload('pre-scale-up.awsdocs')).replaceAll(':123456789012:', `:${stranger}:`),
    ) as unknown;
    ecsCalls.length = 0;
    const outcome = await admitDeployment(payload, { ...deps(), alarms: wireAlarms(hub) });
    expect(outcome).toMatchObject({
      hookStatus: 'FAILED',
      reason: `account ${stranger} in us-west-2 is not configured under accounts`,
    });
    expect(ecsCalls).toEqual([]);
  });
});
