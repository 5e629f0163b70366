/**
 * A deploy that fans out, end to end on moto behind the throttling proxy (ECS's documented per-action buckets,
 * answered as ECS does): the push plans, registers and queues one work item per service on a real SQS queue;
 * two roll workers (each its own wiring, as two Lambda instances) receive the messages and are fed them as
 * SQS events, deleting what they report done, as the event source mapping does.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { rollWorkerHandler } from '#adapters/roll-worker.ts';
import { createSqsRollQueue } from '#adapters/sqs-roll-queue.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import { wireCore, wireNotifier, type Wired } from '#adapters/wiring.ts';
import { parseConfig } from '#core/config.ts';
import { TransientError } from '#core/errors.ts';
import { systemClock } from '#core/ports/clock.ts';
import { silentLog } from '#core/ports/log.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { CountingProxy } from '../../scripts/lib/counting-proxy.ts';
import { ecsServerThrottles } from '../../scripts/lib/ecs-throttles.ts';
import { type Message, SqsEventSource, type SqsWorker } from '../../scripts/lib/sqs-event-source.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { imageOf, runningRevision } from '../helpers/ecs.ts';
import { pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

const seed = new Seeder();
const web = Array.from({ length: 40 }, (_, n) => ({ cluster: `web-${n % 2}`, service: `web-${n}` }));
const api = Array.from({ length: 12 }, (_, n) => ({ cluster: 'api', service: `api-${n}` }));
const config = parseConfig(
  {
    pipelines: [
      { name: 'web', repository: 'web', tags: 'semver:^1', targets: web },
      { name: 'api', repository: 'api', tags: 'semver:^1', targets: api },
    ],
  },
  'fan-out',
);
const digests: Record<string, string> = {};
let proxy: CountingProxy;
let motoEndpoint: string | undefined;
let sqs: SQSClient;
let queueUrl: string;
const ledger = () => createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);

/** Each hand-over to the queue: how many items, and how many registrations had reached ECS by then. */
const handOvers: { items: number; registered: number }[] = [];

/** What a deploying function is wired with: the roll queue, fanning out above 10 services. */
const deployDeps = (): DeployWired => {
  const queue = createSqsRollQueue(sqs, queueUrl);
  return {
    ...wireDeploys(config),
    log: silentLog,
    fanOut: {
      queue: {
        enqueue: (items) => {
          handOvers.push({ items: items.length, registered: proxy.calls.get('RegisterTaskDefinition') ?? 0 });
          return queue.enqueue(items);
        },
      },
      above: 10,
    },
  };
};

const push = (repository: string, tag: string, time: string) =>
  handleImageAction(
    pushEvent({ repository, tag, digest: digests[`${repository}:${tag}`] ?? '', time }),
    deployDeps(),
  );

type Worker = SqsWorker;
/**
 * A roll worker as one Lambda instance: its own clients, and so its own client-side ECS pacing, to `ecsShare`
 * of the account's budget.
 */
const worker = (wrap: (wired: Wired) => Wired = (wired) => wired, ecsShare = 1): Worker => {
  const wired = wrap({ ...wireCore(config, undefined, { ecsShare }), log: silentLog });
  const handler = rollWorkerHandler(wired, wireNotifier(wired));
  return (event) => handler(event, lambdaContext('roll-worker'));
};

let source: SqsEventSource;
const receive = (visibility?: number) => source.receive(visibility);
const feed = (work: Worker, messages: Message[]) => source.feed(work, messages);
/** Two workers receive and roll until the queue stays empty. */
const drain = (workers: Worker[]) => source.drain(workers);

/** UpdateService calls that reached ECS (the throttled ones were answered by the proxy). */
const updates = () => (proxy.calls.get('UpdateService') ?? 0) - (proxy.throttled.get('UpdateService') ?? 0);

const expectRunning = async (targets: typeof web, repository: string, tag: string) => {
  const image = `${ecrUri(testAccount(), testRegion(), repository)}@${digests[`${repository}:${tag}`] ?? ''}`;
  const heads = await ledger().reads.read({ heads: targets.map((t) => `${t.cluster}/${t.service}`) });
  for (const { cluster, service } of targets) {
    const running = await runningRevision(cluster, service);
    expect(await imageOf(running), service).toBe(image);
    expect(heads.heads.get(`${cluster}/${service}`), service).toMatchObject({
      digest: digests[`${repository}:${tag}`],
      taskDefinition: running,
    });
  }
  return heads;
};

describe('fan-out: a push hitting many services, rolled by workers off SQS, under ECS throttling', () => {
  beforeAll(async () => {
    motoEndpoint = process.env.AWS_ENDPOINT_URL;
    proxy = await CountingProxy.start(motoEndpoint ?? '');
    process.env.AWS_ENDPOINT_URL = proxy.url;
    proxy.throttle(ecsServerThrottles());
    sqs = new SQSClient({});
    ({ QueueUrl: queueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `rolls-${randomUUID().slice(0, 8)}` }),
    ));
    source = new SqsEventSource(sqs, queueUrl, { account: testAccount(), region: testRegion() });
    await createStateTable(createDynamoDbClient(), stateTableName());
    const network = await seed.vpc();
    for (const [repository, targets] of [
      ['web', web],
      ['api', api],
    ] as const) {
      await seed.repository(repository);
      for (const tag of ['1.1.0', '1.2.0', '1.3.0', '1.4.0'])
        digests[`${repository}:${tag}`] = await seed.pushImage(repository, tag);
      const image = `${ecrUri(testAccount(), testRegion(), repository)}:1.0.0`;
      const families = [0, 1].map((n) =>
        seed.taskDefinition(webTaskDefinition(`${repository}-${n}`, image, testAccount())),
      );
      const arns = await Promise.all(families);
      for (const cluster of new Set(targets.map((t) => t.cluster))) await seed.cluster(cluster);
      for (const [n, { cluster, service }] of targets.entries())
        await seed.service(fargateService(cluster, service, arns[n % 2] ?? '', network));
    }
  });

  afterAll(async () => {
    process.env.AWS_ENDPOINT_URL = motoEndpoint;
    await proxy.close();
  });

  it('registers once per family, queues one item per service, and updates every service exactly once', async () => {
    proxy.reset();
    const outcome = await push('web', '1.1.0', '2026-11-24T10:00:00Z');
    expect(outcome.outcome).toBe('queued');
    expect(outcome.actions.map((a) => a.status)).toEqual(web.map(() => 'queued'));
    expect(proxy.calls.get('RegisterTaskDefinition')).toBe(2);
    expect(updates(), 'the push itself rolls nothing').toBe(0);
    // A revision at a time: the first family's items were queued before the second family was registered.
    expect(handOvers).toEqual([
      { items: web.length / 2, registered: 1 },
      { items: web.length / 2, registered: 2 },
    ]);

    await drain([worker(), worker()]);
    expect(updates()).toBe(web.length);
    const heads = await expectRunning(web, 'web', '1.1.0');
    expect([...heads.heads.values()].map((h) => h.version)).toEqual(web.map(() => 1));

    // Every item delivered again after it was done (SQS is at-least-once): nothing is rolled twice.
    const rollouts = await ledger().reads.read({
      rollouts: web.map((t) => ({
        serviceKey: `${t.cluster}/${t.service}`,
        digest: digests['web:1.1.0'] ?? '',
      })),
    });
    expect([...rollouts.rollouts.values()].map((r) => r.status)).toEqual(web.map(() => 'rolling'));
    const items = [...rollouts.rollouts.values()].map((r) => ({
      eventId: r.eventId,
      detailType: 'ECR Image Action',
      pipeline: r.pipeline,
      cluster: r.cluster,
      service: r.service,
      serviceKey: r.serviceKey,
      repository: 'web',
      digest: r.digest,
      tag: r.tag,
      image: r.image ?? '',
      pushedAt: r.pushedAt,
      from: r.fromTaskDefinition,
      taskDefinition: r.toTaskDefinition ?? '',
    }));
    for (let start = 0; start < items.length; start += 10)
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: items
            .slice(start, start + 10)
            .map((item, index) => ({ Id: String(index), MessageBody: JSON.stringify(item) })),
        }),
      );
    await drain([worker(), worker()]);
    expect(updates()).toBe(web.length);
    expect((await expectRunning(web, 'web', '1.1.0')).heads.get('web-0/web-0')?.version).toBe(1);
  });

  it('lets the newest image win when two pushes’ items interleave across workers', async () => {
    expect((await push('web', '1.2.0', '2026-11-24T11:00:00Z')).outcome).toBe('queued');
    expect((await push('web', '1.3.0', '2026-11-24T11:05:00Z')).outcome).toBe('queued');
    const messages: Message[] = [];
    for (let batch = await receive(120); batch.length > 0; batch = await receive(120))
      messages.push(...batch);
    expect(messages).toHaveLength(2 * web.length);
    // The newer push's items first for half the services, the older one's first for the other half.
    const ofTag = (tag: string) => messages.filter((m) => (m.Body ?? '').includes(`"tag":"${tag}"`));
    const older = ofTag('1.2.0');
    const newer = ofTag('1.3.0');
    const half = web.length / 2;
    const order = [...newer.slice(0, half), ...older, ...newer.slice(half)];
    const [one, two] = [worker(), worker()];
    proxy.reset();
    for (let start = 0; start < order.length; start += 20)
      await Promise.all([
        feed(one, order.slice(start, start + 10)),
        feed(two, order.slice(start + 10, start + 20)),
      ]);
    await expectRunning(web, 'web', '1.3.0');
    expect(updates()).toBeGreaterThanOrEqual(web.length);
    expect(updates()).toBeLessThan(2 * web.length);
    const superseded = await ledger().reads.read({
      rollouts: web.map((t) => ({
        serviceKey: `${t.cluster}/${t.service}`,
        digest: digests['web:1.2.0'] ?? '',
      })),
    });
    expect([...superseded.rollouts.values()].filter((r) => r.status === 'superseded').length).toBeGreaterThan(
      0,
    );
  });

  it('paces each worker to its share of the budget, so ECS throttles none of their updates', async () => {
    // ECS at half its documented buckets (others use the rest), shared by two workers: a quarter each.
    proxy.throttle(ecsServerThrottles(0.5));
    try {
      expect((await push('web', '1.4.0', '2026-11-24T13:00:00Z')).outcome).toBe('queued');
      proxy.reset();
      await drain([worker(undefined, 0.25), worker(undefined, 0.25)]);
      expect(proxy.throttled.get('UpdateService') ?? 0).toBe(0);
      expect(updates()).toBe(web.length);
      await expectRunning(web, 'web', '1.4.0');
    } finally {
      proxy.throttle(ecsServerThrottles());
    }
  });

  it('reports only the item whose roll failed mid-batch; its redelivery resumes it alone', async () => {
    expect((await push('api', '1.1.0', '2026-11-24T12:00:00Z')).outcome).toBe('queued');
    proxy.reset();
    const batch = await receive(1);
    expect(batch).toHaveLength(10);
    const victim = batch[3] as Message;
    const { service: crashed } = JSON.parse(victim.Body ?? '{}') as { service: string };
    let crashes = 0;
    const crashing = worker((wired) => ({
      ...wired,
      ecs: {
        ...wired.ecs,
        updateService: (cluster, service, taskDefinition, site) =>
          service === crashed && crashes++ === 0
            ? Promise.reject(new TransientError('worker lost its connection mid-roll'))
            : wired.ecs.updateService(cluster, service, taskDefinition, site),
      },
    }));
    expect(await feed(crashing, batch)).toEqual([victim.MessageId]);
    expect(updates()).toBe(9);

    // After its visibility timeout the failed item comes back, with the two never received.
    await new Promise((done) => setTimeout(done, 1500));
    await drain([crashing]);
    expect(crashes, 'the failed item came back once, and rolled').toBe(2);
    expect(updates(), 'each service once: the others were not rolled again').toBe(api.length);
    const heads = await expectRunning(api, 'api', '1.1.0');
    expect([...heads.heads.values()].map((h) => h.version)).toEqual(api.map(() => 1));
  });
});
