/**
 * `npm run bench`: size and speed figures into bench/results.json, and a table. Timings are medians over
 * repeated runs, and every ratio is measured side by side in the same run, because these machines are noisy.
 *  1. Bundle sizes (bytes, the AWS SDK's share, gzip), and cold import time of each bundle next to a reference
 *     bundle (each timed right after the reference; the ratio is the median of those pairs).
 *  2. On moto, through a counting proxy: AWS calls of a one-service deploy, and its time next to a bare
 *     script doing the minimal calls, each split into moto's answering and the caller's own time; registrations for a push hitting 20 services of one family; a drift
 *     sweep over 200+ services (calls and wall time).
 *  3. Retry modes side by side, both with the ECS adapter's per-action token buckets: the image-push bundle
 *     built with `retryMode: 'standard'` and with `'adaptive'`. A one-service deploy without throttling; then
 *     a wave of pushes to the 20-service family against ECS throttling at half its documented per-action
 *     limits (the rest of the account's budget taken by other callers), played by the proxy, and a
 *     one-service deploy right after it on the same warm handler.
 *  4. `deckhand check` over 200 generated task definitions; peak RSS of a handler invocation.
 *  5. Scale, against ECS's documented per-action throttling (scripts/lib/ecs-throttles.ts) at full rates,
 *     played by the proxy: a push hitting BENCH_FANOUT (500) services in 25 families across 5 clusters, queued
 *     on SQS and rolled by the stack's roll workers (scripts/lib/bench-fanout.ts), and
 *     the drift sweep over BENCH_SWEEP (5,000) services, each next to its throttle-bound minimum and its
 *     Lambda timeout. Whole-process `deckhand --help`, and `deckhand check` over one CloudFormation template
 *     of 200 task definitions next to checkov (pinned in scripts/requirements-bench.txt, installed on first
 *     use into .local/bench-venv). Then each figure next to its target.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { ecsThrottles } from '#adapters/ecs.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { main } from '#cli/deckhand.ts';
import { systemClock } from '#core/ports/clock.ts';
import { READ_ONLY_FIELDS } from '#core/task-definition.ts';
import { buildHandler, bundle, handlerAliases, handlerNames, sdkBytes } from './build.ts';
import { CountingProxy, type ServerThrottles } from './lib/counting-proxy.ts';
import {
  ecsApiThrottles,
  ecsServerThrottles,
  ecsThrottleSource,
  throttleBoundSeconds,
} from './lib/ecs-throttles.ts';
import { lambdaContext } from './lib/lambda-context.ts';
import { projectRoot, startMoto } from './lib/moto.ts';
import { type FanoutRun, runFanout } from './lib/bench-fanout.ts';
import { defaultRollConcurrency } from '../infra/constructs/roll-queue.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from './lib/seed.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ outcome: string; actions: unknown[] }>;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const work = join(projectRoot, '.local', 'bench');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const log = (line: string) => console.log(line);
mkdirSync(work, { recursive: true });

Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  POWERTOOLS_LOG_LEVEL: process.env.BENCH_LOG ?? 'SILENT',
  DECKHAND_CONFIG: join(work, 'deckhand.config.json'),
  // As the stack sets it: moto's default account, which the 'testing' keys are in, is the hub.
  DECKHAND_HOME_ACCOUNT: '123456789012',
});

// 1. Bundles.
log('building bundles…');
const bundles: Record<string, string> = {};
for (const name of handlerNames()) bundles[name] = await buildHandler(name, join(work, 'dist', name));
const referenceEntry = join(work, 'reference-entry.ts');
writeFileSync(
  referenceEntry,
  [
    "import { ECSClient } from '@aws-sdk/client-ecs';",
    "import { ECRClient } from '@aws-sdk/client-ecr';",
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import middy from '@middy/core';",
    'const clients = [new ECSClient({}), new ECRClient({})];',
    "const logger = new Logger({ serviceName: 'reference' });",
    'export const handler = middy(async () => ({ clients: clients.length, logger: Boolean(logger) }));',
  ].join('\n'),
);
const referenceBundle = join(work, 'dist', 'reference', 'index.mjs');
await bundle(referenceEntry, referenceBundle);
type RetryMode = 'standard' | 'adaptive';
/** Builds the SDK clients with this retry mode, whatever aws-clients.ts ships. */
const retryModePlugin = (mode: RetryMode): Plugin => ({
  name: 'retry-mode',
  setup(build) {
    build.onLoad({ filter: /functions[\\/]adapters[\\/]aws-clients\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/retryMode: '(standard|adaptive)'/.test(source)) throw new Error('no retryMode in aws-clients.ts');
      return {
        contents: source.replace(/retryMode: '(standard|adaptive)'/, `retryMode: '${mode}'`),
        loader: 'ts',
      };
    });
  },
});
const retryModeBundles = {} as Record<RetryMode, string>;
for (const mode of ['standard', 'adaptive'] as const) {
  retryModeBundles[mode] = await bundle(
    join(projectRoot, 'functions', 'handlers', 'image-push.ts'),
    join(work, 'dist', `image-push-${mode}`, 'index.mjs'),
    { plugins: [retryModePlugin(mode)], alias: handlerAliases },
  );
}
writeFileSync(join(work, 'deckhand.config.json'), JSON.stringify({ pipelines: [] }));
const coldImport = (file: string) =>
  Number(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`,
      ],
      { encoding: 'utf8', env: process.env },
    ).trim(),
  );
const sizes: Record<
  string,
  { bytes: number; sdkBytes: number; gzip: number; coldImportMs: number; coldImportRatio: number }
> = {};
// Each bundle is timed right after the reference, and its ratio is the median of those pairs: a shared
// machine's slow spells then slow both sides of a pair instead of skewing one bundle against them all.
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? Math.max(runs, 9));
const referenceTimes: number[] = [];
const times: Record<string, number[]> = {};
const ratios: Record<string, number[]> = {};
for (let run = 0; run < coldRuns; run += 1) {
  for (const [name, file] of Object.entries(bundles)) {
    const reference = coldImport(referenceBundle);
    const ms = coldImport(file);
    referenceTimes.push(reference);
    (times[name] ??= []).push(ms);
    (ratios[name] ??= []).push(ms / reference);
  }
}
const referenceMs = median(referenceTimes);
for (const [name, file] of Object.entries(bundles)) {
  const content = readFileSync(file);
  sizes[name] = {
    bytes: statSync(file).size,
    // The AWS SDK's share (clients, Smithy runtime): the floor every function that calls AWS carries.
    sdkBytes: sdkBytes(file),
    gzip: gzipSync(content).length,
    coldImportMs: round(median(times[name] ?? [])),
    coldImportRatio: round(median(ratios[name] ?? []), 2),
  };
}
const referenceSize = {
  bytes: statSync(referenceBundle).size,
  sdkBytes: sdkBytes(referenceBundle),
  gzip: gzipSync(readFileSync(referenceBundle)).length,
  coldImportMs: round(referenceMs),
};

// 2. On moto, through the counting proxy.
log('starting moto…');
const moto = await startMoto();
const proxy = await CountingProxy.start(moto.endpoint);
process.env.AWS_ENDPOINT_URL = proxy.url;
const seed = new Seeder();
const account = '123456789012';
const network = await seed.vpc();
await createStateTable(createDynamoDbClient(), stateTableName());
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const sweepSize = Number(process.env.BENCH_SWEEP ?? 5000);
const fanoutSize = Number(process.env.BENCH_FANOUT ?? 500);
const fanoutFamilies = 25;
const fanoutClusters = 5;
/** Seeding thousands of services one call at a time is slow; moto takes a few at once. */
const seedAll = async <T>(items: readonly T[], work: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};
log(`seeding 1 + 20 + ${sweepSize} services, and ${fanoutSize} in ${fanoutFamilies} families…`);
const services: Record<string, string[]> = {
  one: ['one'],
  twenty: Array.from({ length: 20 }, (_, n) => `svc-${n}`),
  sweep: Array.from({ length: sweepSize }, (_, n) => `s-${n}`),
};
for (const [cluster, names] of Object.entries(services)) {
  await seed.repository(`app-${cluster}`);
  await seed.cluster(cluster);
  const td = await seed.taskDefinition(
    webTaskDefinition(`app-${cluster}`, `${ecrUri(account, 'eu-west-1', `app-${cluster}`)}:0.1.0`, account),
  );
  await seedAll(names, (name) => seed.service(fargateService(cluster, name, td, network)));
}
// The fan-out: one repository, 25 task-definition families spread over 5 clusters, services shared evenly.
await seed.repository('app-fanout');
for (let c = 0; c < fanoutClusters; c += 1) await seed.cluster(`fan-${c}`);
const fanoutTargets: { cluster: string; service: string; family: number }[] = Array.from(
  { length: fanoutSize },
  (_, n) => ({
    cluster: `fan-${(n % fanoutFamilies) % fanoutClusters}`,
    service: `fan-${n}`,
    family: n % fanoutFamilies,
  }),
);
const fanoutTaskDefinitions: string[] = [];
for (let f = 0; f < fanoutFamilies; f += 1)
  fanoutTaskDefinitions.push(
    await seed.taskDefinition(
      webTaskDefinition(`fanout-${f}`, `${ecrUri(account, 'eu-west-1', 'app-fanout')}:0.1.0`, account),
    ),
  );
await seedAll(fanoutTargets, ({ cluster, service, family }) =>
  seed.service(fargateService(cluster, service, fanoutTaskDefinitions[family] ?? '', network)),
);
writeFileSync(
  join(work, 'deckhand.config.json'),
  JSON.stringify({
    pipelines: [
      ...Object.entries(services).map(([cluster, names]) => ({
        name: cluster,
        repository: `app-${cluster}`,
        targets: names.map((service) => ({ cluster, service })),
      })),
      {
        name: 'fanout',
        repository: 'app-fanout',
        targets: fanoutTargets.map(({ cluster, service }) => ({ cluster, service })),
      },
    ],
  }),
);
// The sweep's services have a head (as if deployed), running what Deckhand deployed: no drift to report.
log('seeding heads…');
await seedAll(services.sweep ?? [], async (name) => {
  const td = `arn:aws:ecs:eu-west-1:${account}:task-definition/app-sweep:1`;
  await ledger.heads.put(
    {
      serviceKey: `sweep/${name}`,
      digest: 'sha256:0',
      tag: '0.1.0',
      pipeline: 'sweep',
      pushedAt: '',
      eventId: 'seed',
      taskDefinition: td,
      version: 1,
      updatedAt: '',
    },
    undefined,
  );
});
const importedFile = async (file: string) =>
  ((await import(pathToFileURL(file).href)) as { handler: Handler }).handler;
const imported = (name: string) => importedFile(bundles[name] ?? '');
log('importing handlers…');
const imagePush = await imported('image-push');
const driftHandler = await imported('drift');
let tagCounter = 0;
const pushOf = async (repository: string) => {
  tagCounter += 1;
  const tag = `1.0.${tagCounter}`;
  const digest = await seed.pushImage(repository, tag);
  return {
    version: '0',
    id: `bench-${tagCounter}`,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'eu-west-1',
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': repository,
      'image-digest': digest,
      'action-type': 'PUSH',
      'image-tag': tag,
    },
  };
};

const count = (calls: Record<string, number>, name: string) =>
  Object.entries(calls)
    .filter(([op]) => op.endsWith(name))
    .reduce((n, [, c]) => n + c, 0);

const ecs = new ECSClient({});
const bare = async (digest: string) => {
  const { services: found } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'one', services: ['one'] }),
  );
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: found?.[0]?.taskDefinition }),
  );
  const input: Record<string, unknown> = { ...taskDefinition };
  for (const field of READ_ONLY_FIELDS) delete input[field];
  const containers = (input.containerDefinitions as { name?: string; image?: string }[]).map((c) =>
    c.name === 'app' ? { ...c, image: `${ecrUri(account, 'eu-west-1', 'app-one')}@${digest}` } : c,
  );
  const { taskDefinition: registered } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(input as unknown as RegisterTaskDefinitionCommandInput),
      containerDefinitions: containers,
    }),
  );
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'one',
      service: 'one',
      taskDefinition: registered?.taskDefinitionArn,
    }),
  );
};
log('timing deploys…');
const deckhandMs: number[] = [];
const bareMs: number[] = [];
// What the emulator spent answering each side's calls (the proxy times each answer), so the rest is the
// deploy's own time: where moto is slow, that is what Deckhand itself adds.
const deckhandEmulatorMs: number[] = [];
const bareEmulatorMs: number[] = [];
const emulatorMs = () => [...proxy.ms.values()].reduce((sum, ms) => sum + ms, 0);
const dynamoDbOperations = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'DeleteItem',
  'GetItem',
  'PutItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'TransactWriteItems',
  'UpdateItem',
]);
/** Milliseconds and calls the emulator answered, by service, over the deckhand runs. */
const perService = new Map<string, { ms: number; calls: number }>();
const tally = () => {
  for (const [operation, ms] of proxy.ms) {
    const service = dynamoDbOperations.has(operation) ? 'DynamoDB' : 'ECS';
    const entry = perService.get(service) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += proxy.calls.get(operation) ?? 0;
    perService.set(service, entry);
  }
};
let callsPerDeploy: Record<string, number> = {};
for (let run = 0; run < runs; run += 1) {
  const event = await pushOf('app-one');
  proxy.reset();
  let started = performance.now();
  const outcome = await imagePush(event, lambdaContext('image-push'));
  deckhandMs.push(performance.now() - started);
  deckhandEmulatorMs.push(emulatorMs());
  tally();
  if (outcome.outcome !== 'deployed') throw new Error(`bench deploy was ${outcome.outcome}`);
  if (run === 0) callsPerDeploy = proxy.snapshot();
  const bareDigest = (await pushOf('app-one')).detail['image-digest'];
  proxy.reset();
  started = performance.now();
  await bare(bareDigest);
  bareMs.push(performance.now() - started);
  bareEmulatorMs.push(emulatorMs());
}

proxy.reset();
const twenty = await imagePush(await pushOf('app-twenty'), lambdaContext('image-push'));
const twentyCalls = proxy.snapshot();

// 5a. The fan-out push as deployed, with ECS's documented throttling at full rates: the image-push function
// plans, registers and queues; the stack's roll workers drain the queue (scripts/lib/bench-fanout.ts).
const imagePushTimeoutMs = 120_000;
const rollWorkerTimeoutMs = 120_000;
const driftTimeoutMs = 300_000;
log(
  `push hitting ${fanoutSize} services (${fanoutFamilies} families, ${fanoutClusters} clusters) under ECS throttling, ${defaultRollConcurrency} roll workers…`,
);
const fanoutEvent = await pushOf('app-fanout');
proxy.throttle(ecsServerThrottles());
let fanout: FanoutRun | undefined;
let fanoutError: string | undefined;
try {
  fanout = await runFanout({
    proxy,
    imagePushBundle: bundles['image-push'] ?? '',
    rollWorkerBundle: bundles['roll-worker'] ?? '',
    event: fanoutEvent,
    workers: defaultRollConcurrency,
    account,
    region: 'eu-west-1',
    pushTimeoutMs: imagePushTimeoutMs,
    workerTimeoutMs: rollWorkerTimeoutMs,
  });
} catch (error) {
  fanoutError = `${(error as Error).name}: ${(error as Error).message}`;
}
proxy.throttle();
const fanoutMs = fanout?.totalMs ?? Number.NaN;
// What the services run now, by the ledger's heads: every one on the pushed digest.
const fanoutHeads = await ledger.reads.read({
  heads: fanoutTargets.map(({ cluster, service }) => `${cluster}/${service}`),
});
const fanoutDigest = fanoutEvent.detail['image-digest'];
const fanoutRolled = [...fanoutHeads.heads.values()].filter((head) => head.digest === fanoutDigest).length;
const fanoutUpdates = fanout
  ? count(fanout.calls, 'UpdateService') - (fanout.throttled.UpdateService ?? 0)
  : 0;
// The least work: one registration per family, one UpdateService per service, a describe per ten services.
const fanoutBoundMs =
  throttleBoundSeconds({
    RegisterTaskDefinition: fanoutFamilies,
    UpdateService: fanoutSize,
    DescribeServices: Math.ceil(fanoutSize / 10),
  }) * 1000;

let started: number;
// 5b. The drift sweep over every configured service, same throttling, on a 5-minute Lambda clock.
log(`drift sweep over ${1 + 20 + sweepSize + fanoutSize} services under ECS throttling…`);
const servicesPerCluster = new Map<string, number>();
for (const [cluster, names] of Object.entries(services)) servicesPerCluster.set(cluster, names.length);
for (const { cluster } of fanoutTargets)
  servicesPerCluster.set(cluster, (servicesPerCluster.get(cluster) ?? 0) + 1);
const describeBatches = [...servicesPerCluster.values()].reduce((n, size) => n + Math.ceil(size / 10), 0);
const sweepBoundMs = throttleBoundSeconds({ DescribeServices: describeBatches }) * 1000;
proxy.throttle(ecsServerThrottles());
proxy.reset();
started = performance.now();
const sweep = await driftHandler(
  {
    id: 'bench-drift',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    region: 'eu-west-1',
    detail: {},
  },
  lambdaContext('drift', driftTimeoutMs),
);
const sweepMs = performance.now() - started;
const sweepCalls = proxy.snapshot();
const sweepThrottled = Object.fromEntries([...proxy.throttled].sort());
proxy.throttle();

// 3. Retry modes side by side: each variant is its own module, so its own warm SDK clients.
log('retry modes: standard vs adaptive…');
const byMode = {
  standard: await importedFile(retryModeBundles.standard),
  adaptive: await importedFile(retryModeBundles.adaptive),
};
const quietMs: Record<RetryMode, number[]> = { standard: [], adaptive: [] };
for (let run = 0; run < runs; run += 1) {
  for (const mode of run % 2 ? (['adaptive', 'standard'] as const) : (['standard', 'adaptive'] as const)) {
    const event = await pushOf('app-one');
    started = performance.now();
    const outcome = await byMode[mode](event, lambdaContext('image-push'));
    quietMs[mode].push(performance.now() - started);
    if (outcome.outcome !== 'deployed') throw new Error(`${mode} deploy was ${outcome.outcome}`);
  }
}
// ECS at half its documented burst and rate per action, as when other callers share the account's budget.
const half = ([burst, perSecond]: readonly [number, number]) => [burst / 2, perSecond / 2] as const;
const halfEcs: ServerThrottles = {
  DescribeServices: half(ecsThrottles.describeServices),
  DescribeTaskDefinition: half(ecsThrottles.describeTaskDefinition),
  RegisterTaskDefinition: half(ecsThrottles.registerTaskDefinition),
  UpdateService: half(ecsThrottles.updateService),
};
const wavePushes = Number(process.env.BENCH_WAVE ?? 3);
const ecsOperations = [
  'DescribeServices',
  'DescribeTaskDefinition',
  'RegisterTaskDefinition',
  'UpdateService',
];
const wave = async (mode: RetryMode) => {
  proxy.throttle(halfEcs);
  proxy.reset();
  const outcomes: string[] = [];
  const waveStarted = performance.now();
  for (let push = 0; push < wavePushes; push += 1) {
    const event = await pushOf('app-twenty');
    try {
      outcomes.push((await byMode[mode](event, lambdaContext('image-push'))).outcome);
    } catch (error) {
      outcomes.push(`threw ${(error as Error).name}`);
    }
  }
  const waveMs = performance.now() - waveStarted;
  const calls = proxy.snapshot();
  const throttled = Object.fromEntries([...proxy.throttled].sort());
  // Right after the wave, on the same warm handler: one service, four ECS calls, none of them throttled.
  proxy.throttle();
  const after = await pushOf('app-one');
  const afterStarted = performance.now();
  const afterOutcome = (await byMode[mode](after, lambdaContext('image-push'))).outcome;
  return {
    waveMs: round(waveMs),
    outcomes,
    ecsCalls: ecsOperations.reduce((n, op) => n + count(calls, op), 0),
    updateServiceCalls: count(calls, 'UpdateService'),
    throttled,
    oneServiceDeployAfterMs: round(performance.now() - afterStarted),
    oneServiceDeployAfterOutcome: afterOutcome,
  };
};
log(`  a wave of ${wavePushes} pushes to 20 services under throttling: standard…`);
const standardWave = await wave('standard');
log('  …and adaptive');
const adaptiveWave = await wave('adaptive');

// 4. check over 200 generated task definitions.
log('checking 200 task definitions…');
const checkDir = join(work, 'check');
mkdirSync(checkDir, { recursive: true });
const files = Array.from({ length: 200 }, (_, n) => {
  const td = webTaskDefinition(
    `gen-${n}`,
    `${ecrUri(account, 'eu-west-1', 'gen')}:${n % 2 ? 'latest' : '1.0.0'}`,
    account,
  );
  if (n % 7 === 0 && td.containerDefinitions?.[0]) td.containerDefinitions[0].privileged = true;
  const file = join(checkDir, `td-${n}.json`);
  writeFileSync(file, JSON.stringify({ taskDefinition: td, tags: td.tags ?? [] }));
  return file;
});
const checkMs: number[] = [];
for (let run = 0; run < runs; run += 1) {
  started = performance.now();
  await main(['check', ...files, '--format', 'json'], () => {});
  checkMs.push(performance.now() - started);
}

// 5c. Whole processes: `deckhand --help`, and `deckhand check` over one CloudFormation template of 200 task
// definitions next to checkov on the same file.
// The installed command: bin.mjs running the bundle `npm ci` builds, rebuilt here so it runs this checkout.
await (await import('./build-cli.ts')).buildCli();
const deckhandBin = join(projectRoot, 'functions', 'cli', 'bin.mjs');
const wholeProcess = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const t = performance.now();
  const child = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (child.error) throw child.error;
  return { ms, status: child.status, stdout: child.stdout, stderr: child.stderr };
};
log('deckhand --help, whole process…');
const helpMs: number[] = [];
for (let run = 0; run < 5; run += 1) {
  const help = wholeProcess(process.execPath, [deckhandBin, '--help']);
  if (help.status !== 0) throw new Error(`deckhand --help exited ${help.status}: ${help.stderr}`);
  helpMs.push(help.ms);
}
/** camelCase API shapes to CloudFormation's PascalCase properties (free-form maps kept as they are). */
const toCfn = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(toCfn)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).map(([key, inner]) => [
            key.charAt(0).toUpperCase() + key.slice(1),
            key === 'options' || key === 'dockerLabels' ? inner : toCfn(inner),
          ]),
        )
      : value;
const template = {
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: Object.fromEntries(
    Array.from({ length: 200 }, (_, n) => {
      const td = webTaskDefinition(
        `cfn-${n}`,
        `${ecrUri(account, 'eu-west-1', 'gen')}:${n % 2 ? 'latest' : '1.0.0'}`,
        account,
      );
      if (n % 7 === 0 && td.containerDefinitions?.[0]) td.containerDefinitions[0].privileged = true;
      return [`TaskDefinition${n}`, { Type: 'AWS::ECS::TaskDefinition', Properties: toCfn(td) }];
    }),
  ),
};
const templateFile = join(checkDir, 'template.json');
writeFileSync(templateFile, JSON.stringify(template, null, 2));
log('deckhand check over one template of 200 task definitions, whole process…');
// As in a repository without a Deckhand config (checkov reads none either): the bench's own config names the
// 5,500 services it seeded, which parsing alone would add ~0.4 s to a check that never uses them.
const { DECKHAND_CONFIG: _benchConfig, ...checkEnv } = process.env;
const cfnCheckMs: number[] = [];
let cfnCheckOutputBytes = 0;
for (let run = 0; run < runs; run += 1) {
  const checked = wholeProcess(
    process.execPath,
    [deckhandBin, 'check', templateFile, '--format', 'json'],
    checkEnv,
  );
  if (checked.status !== 0 && checked.status !== 1)
    throw new Error(`deckhand check exited ${checked.status}: ${checked.stderr}`);
  cfnCheckMs.push(checked.ms);
  if (run === 0) cfnCheckOutputBytes = checked.stdout.length;
}
/** checkov in its own venv, from the pinned requirements, created on first use (never by the tests). */
const venv = join(projectRoot, '.local', 'bench-venv');
const checkovBin = join(venv, 'bin', 'checkov');
const requirements = join(projectRoot, 'scripts', 'requirements-bench.txt');
const checkovPin = /checkov==(\S+)/.exec(readFileSync(requirements, 'utf8'))?.[1] ?? '?';
let checkovUnavailable: string | undefined;
if (!existsSync(checkovBin)) {
  log(`installing checkov ${checkovPin} into .local/bench-venv (first use)…`);
  for (const [command, args] of [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '--quiet', '-r', requirements]],
  ] as const) {
    const step = spawnSync(command, args, { encoding: 'utf8' });
    if (step.error || step.status !== 0) {
      checkovUnavailable = `${command} ${args.join(' ')}: ${step.error?.message ?? step.stderr.trim().split('\n').slice(-3).join(' ')}`;
      break;
    }
  }
}
const checkovMs: number[] = [];
let checkovVersion: string | undefined;
if (!checkovUnavailable) {
  checkovVersion = wholeProcess(checkovBin, ['--version']).stdout.trim();
  log(`checkov ${checkovVersion} over the same template…`);
  for (let run = 0; run < Number(process.env.BENCH_CHECKOV_RUNS ?? 3); run += 1) {
    const checked = wholeProcess(checkovBin, [
      '-f',
      templateFile,
      '--framework',
      'cloudformation',
      '--quiet',
      '--compact',
    ]);
    if (checked.status !== 0 && checked.status !== 1) {
      checkovUnavailable = `checkov exited ${checked.status}: ${checked.stderr.trim().slice(-300)}`;
      break;
    }
    checkovMs.push(checked.ms);
  }
}
if (checkovUnavailable) log(`  checkov not measured: ${checkovUnavailable}`);

// Peak RSS of one image-push invocation in a fresh process.
const rssEvent = await pushOf('app-one');
const rssKb = Number(
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      [
        `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles['image-push'] ?? '').href)});`,
        `const { lambdaContext } = await import(${JSON.stringify(pathToFileURL(join(projectRoot, 'scripts', 'lib', 'lambda-context.ts')).href)});`,
        `const outcome = await handler(${JSON.stringify(rssEvent)}, lambdaContext('image-push'));`,
        "if (outcome.outcome !== 'deployed') throw new Error(outcome.outcome);",
        // SDK keep-alive sockets would hold the process open.
        'console.log(process.resourceUsage().maxRSS); process.exit(0);',
      ].join('\n'),
    ],
    // Straight to moto: the proxy lives in this process, which execFileSync blocks.
    { encoding: 'utf8', env: { ...process.env, AWS_ENDPOINT_URL: moto.endpoint } },
  )
    .trim()
    // The last line: the invocation prints its metrics (EMF) before.
    .split('\n')
    .at(-1),
);

await proxy.close();
await moto.stop();

const results = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  runs,
  bundles: sizes,
  referenceBundle: referenceSize,
  oneServiceDeploy: {
    calls: callsPerDeploy,
    ecsCalls: Object.entries(callsPerDeploy)
      .filter(([op]) => !dynamoDbOperations.has(op))
      .reduce((n, [, c]) => n + c, 0),
    dynamoDbCalls: Object.entries(callsPerDeploy)
      .filter(([op]) => dynamoDbOperations.has(op))
      .reduce((n, [, c]) => n + c, 0),
    deckhandMs: round(median(deckhandMs)),
    bareMs: round(median(bareMs)),
    // Paired as the cold imports are: each deploy next to the bare script's run right after it.
    ratio: round(median(deckhandMs.map((ms, run) => ms / (bareMs[run] ?? ms))), 2),
    // Summed over calls, so calls in flight together count twice: the own time is a floor.
    deckhandEmulatorMs: round(median(deckhandEmulatorMs)),
    bareEmulatorMs: round(median(bareEmulatorMs)),
    deckhandOwnMs: round(
      median(deckhandMs.map((ms, run) => Math.max(0, ms - (deckhandEmulatorMs[run] ?? 0)))),
    ),
    bareOwnMs: round(median(bareMs.map((ms, run) => Math.max(0, ms - (bareEmulatorMs[run] ?? 0))))),
    emulatorMsPerCall: Object.fromEntries(
      [...perService].map(([service, { ms, calls }]) => [service, round(ms / Math.max(calls, 1))]),
    ),
  },
  twentyServicesOneFamily: {
    outcome: twenty.outcome,
    registrations: count(twentyCalls, 'RegisterTaskDefinition'),
    updates: count(twentyCalls, 'UpdateService'),
  },
  ecsThrottling: {
    source: ecsThrottleSource,
    buckets: ecsApiThrottles,
    note: 'the proxy answers calls past a bucket with 400 {"__type":"ThrottlingException","message":"Rate exceeded"}',
  },
  fanoutPush: {
    services: fanoutSize,
    families: fanoutFamilies,
    clusters: fanoutClusters,
    rollWorkers: defaultRollConcurrency,
    serverLimits: 'documented, full rates',
    outcome: fanout?.pushOutcome ?? fanoutError,
    queued: fanout?.queued ?? 0,
    rolledToDigest: fanoutRolled,
    failures: (fanout?.failedItems ?? 0) + (fanoutError ? 1 : 0) + (fanoutSize - fanoutRolled),
    registrations: fanout ? count(fanout.calls, 'RegisterTaskDefinition') : 0,
    updateServiceCalls: fanoutUpdates,
    throttled: fanout?.throttled ?? {},
    pushMs: round(fanout?.pushMs ?? Number.NaN),
    wallMs: round(fanoutMs),
    workerBatches: fanout?.batches ?? 0,
    longestWorkerBatchMs: round(fanout?.longestBatchMs ?? Number.NaN),
    throttleBoundMs: round(fanoutBoundMs),
    ratioToBound: fanoutBoundMs > 0 ? round(fanoutMs / fanoutBoundMs, 2) : null,
    lambdaTimeoutMs: imagePushTimeoutMs,
    withinTimeout:
      (fanout?.pushMs ?? Infinity) < imagePushTimeoutMs &&
      (fanout?.longestBatchMs ?? Infinity) < rollWorkerTimeoutMs,
  },
  driftSweep: {
    services: 1 + 20 + sweepSize + fanoutSize,
    serverLimits: 'documented, full rates',
    wallMs: round(sweepMs),
    describeServices: count(sweepCalls, 'DescribeServices'),
    describeTaskDefinition: count(sweepCalls, 'DescribeTaskDefinition'),
    throttled: sweepThrottled,
    throttleBoundMs: round(sweepBoundMs),
    ratioToBound: sweepBoundMs > 0 ? round(sweepMs / sweepBoundMs, 2) : null,
    lambdaTimeoutMs: driftTimeoutMs,
    withinTimeout: sweepMs < driftTimeoutMs,
    outcome: (sweep as { outcome: string }).outcome,
  },
  helpWholeProcessMs: round(median(helpMs)),
  checkTemplateVsCheckov: {
    definitions: 200,
    deckhandMs: round(median(cfnCheckMs)),
    deckhandOutputBytes: cfnCheckOutputBytes,
    checkov: checkovUnavailable
      ? { unavailable: checkovUnavailable, pinned: checkovPin }
      : { version: checkovVersion, pinned: checkovPin, runs: checkovMs.length, ms: round(median(checkovMs)) },
    speedup: checkovMs.length ? round(median(checkovMs) / median(cfnCheckMs), 1) : null,
  },
  retryModes: {
    note: 'both with the per-action ECS token buckets; the proxy plays ECS throttling at half its documented limits',
    oneServiceDeploy: {
      standardMs: round(median(quietMs.standard)),
      adaptiveMs: round(median(quietMs.adaptive)),
      ratio: round(median(quietMs.adaptive) / median(quietMs.standard), 2),
    },
    throttledWave: {
      pushes: wavePushes,
      servicesPerPush: services.twenty?.length ?? 0,
      serverLimits: halfEcs,
      standard: standardWave,
      adaptive: adaptiveWave,
    },
  },
  check: {
    definitions: files.length,
    wallMs: round(median(checkMs)),
    perDefinitionMs: round(median(checkMs) / files.length, 2),
  },
  peakRssMb: round(rssKb / 1024),
};
const deployDynamoDbCalls = results.oneServiceDeploy.dynamoDbCalls;
const largestBundle = Math.max(...Object.values(sizes).map((size) => size.bytes));
const worstColdImport = Math.max(...Object.values(sizes).map((size) => size.coldImportRatio));
const targets = [
  {
    measure: 'largest bundle',
    today: `${round(largestBundle / 1024)} KB`,
    target: '≤ 500 KB',
    met: largestBundle <= 500 * 1024,
  },
  {
    measure: 'cold import vs reference (worst bundle)',
    today: `${worstColdImport}×`,
    target: '≤ 1.3×',
    met: worstColdImport <= 1.3,
  },
  {
    measure: 'one-service deploy: DynamoDB calls',
    today: String(deployDynamoDbCalls),
    target: '≤ 4',
    met: deployDynamoDbCalls <= 4,
  },
  {
    measure: 'one-service replay vs bare script',
    today: `${results.oneServiceDeploy.ratio}×`,
    target: '≤ 2×',
    met: results.oneServiceDeploy.ratio <= 2,
  },
  {
    measure: '`deckhand --help`, whole process',
    today: `${results.helpWholeProcessMs} ms`,
    target: '≤ 250 ms',
    met: results.helpWholeProcessMs <= 250,
  },
  {
    measure: '`deckhand check`, 200 task definitions, vs checkov',
    today:
      results.checkTemplateVsCheckov.speedup === null
        ? 'checkov not measured'
        : `${results.checkTemplateVsCheckov.speedup}× faster`,
    target: '≥ 20× faster',
    met:
      results.checkTemplateVsCheckov.speedup === null ? null : results.checkTemplateVsCheckov.speedup >= 20,
  },
  {
    measure: `${fanoutSize}-service push vs throttle-bound minimum`,
    today: `${results.fanoutPush.ratioToBound}× (${round(fanoutMs / 1000)} s / ${round(fanoutBoundMs / 1000)} s)${results.fanoutPush.withinTimeout ? '' : ', past the 2-min timeout'}${results.fanoutPush.failures ? `, ${results.fanoutPush.failures} failed` : ''}`,
    target: '≤ 1.15×, no timeout',
    met:
      (results.fanoutPush.ratioToBound ?? 0) <= 1.15 &&
      results.fanoutPush.withinTimeout &&
      !results.fanoutPush.failures,
  },
  {
    measure: `drift sweep, ${results.driftSweep.services} services, vs throttle-bound minimum`,
    today: `${results.driftSweep.ratioToBound}× (${round(sweepMs / 1000)} s / ${round(sweepBoundMs / 1000)} s)${results.driftSweep.withinTimeout ? '' : ', past the 5-min timeout'}`,
    target: '≤ 1.15×, within the 5-min timeout',
    met: (results.driftSweep.ratioToBound ?? 0) <= 1.15 && results.driftSweep.withinTimeout,
  },
];
Object.assign(results, { targets });
mkdirSync(join(projectRoot, 'bench'), { recursive: true });
writeFileSync(join(projectRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

log('\nbundle            bytes  AWS SDK     gzip   cold import   vs reference');
for (const [name, s] of Object.entries(sizes)) {
  log(
    `${name.padEnd(14)} ${String(s.bytes).padStart(9)} ${String(s.sdkBytes).padStart(8)} ${String(s.gzip).padStart(8)}   ${`${s.coldImportMs} ms`.padStart(9)}   ${s.coldImportRatio}×`,
  );
}
log(
  `${'reference'.padEnd(14)} ${String(referenceSize.bytes).padStart(9)} ${String(referenceSize.sdkBytes).padStart(8)} ${String(referenceSize.gzip).padStart(8)}   ${`${referenceSize.coldImportMs} ms`.padStart(9)}`,
);
log(
  `\none-service deploy: ${results.oneServiceDeploy.deckhandMs} ms vs bare ${results.oneServiceDeploy.bareMs} ms (${results.oneServiceDeploy.ratio}×); calls ${JSON.stringify(callsPerDeploy)}`,
);
log(
  `  of which moto answering: deckhand ${results.oneServiceDeploy.deckhandEmulatorMs} ms, bare ${results.oneServiceDeploy.bareEmulatorMs} ms; own time: deckhand ${results.oneServiceDeploy.deckhandOwnMs} ms, bare ${results.oneServiceDeploy.bareOwnMs} ms; moto per call ${JSON.stringify(results.oneServiceDeploy.emulatorMsPerCall)} ms`,
);
log(
  `push hitting 20 services of one family: ${results.twentyServicesOneFamily.registrations} registration, ${results.twentyServicesOneFamily.updates} updates`,
);
log(
  `drift sweep over ${results.driftSweep.services} services: ${results.driftSweep.wallMs} ms, ${results.driftSweep.describeServices} DescribeServices, ${results.driftSweep.describeTaskDefinition} DescribeTaskDefinition`,
);
log(
  `retry modes, one-service deploy without throttling: standard ${results.retryModes.oneServiceDeploy.standardMs} ms, adaptive ${results.retryModes.oneServiceDeploy.adaptiveMs} ms`,
);
for (const [mode, figures] of [
  ['standard', standardWave],
  ['adaptive', adaptiveWave],
] as const) {
  log(
    `  ${mode.padEnd(8)} wave of ${wavePushes} pushes × 20 services under ECS throttling: ${figures.waveMs} ms, ` +
      `${figures.ecsCalls} ECS calls (${figures.updateServiceCalls} UpdateService), throttled ${JSON.stringify(figures.throttled)}, ` +
      `outcomes ${figures.outcomes.join(', ')}; one-service deploy right after: ${figures.oneServiceDeployAfterMs} ms`,
  );
}
log(
  `deckhand check over ${files.length} task definitions: ${results.check.wallMs} ms (${results.check.perDefinitionMs} ms each)`,
);
log(`peak RSS of an image-push invocation: ${results.peakRssMb} MB`);
log(
  `push hitting ${fanoutSize} services in ${fanoutFamilies} families under ECS throttling: ${results.fanoutPush.registrations} registrations, ` +
    `${results.fanoutPush.queued} queued, ${results.fanoutPush.updateServiceCalls} UpdateService calls through ${defaultRollConcurrency} roll workers ` +
    `(${results.fanoutPush.workerBatches} batches, longest ${round(results.fanoutPush.longestWorkerBatchMs / 1000)} s), ` +
    `${results.fanoutPush.rolledToDigest} heads on the pushed digest, ${results.fanoutPush.failures} failures${fanoutError ? ` (${fanoutError})` : ''}, ` +
    `throttled ${JSON.stringify(results.fanoutPush.throttled)}; push ${round(results.fanoutPush.pushMs / 1000)} s, all rolled ${round(fanoutMs / 1000)} s ` +
    `vs throttle-bound ${round(fanoutBoundMs / 1000)} s (${results.fanoutPush.ratioToBound}×); Lambda timeouts 120 s: ${results.fanoutPush.withinTimeout ? 'within' : 'EXCEEDED'}`,
);
log(
  `drift sweep over ${results.driftSweep.services} services under ECS throttling: ${round(sweepMs / 1000)} s, ${results.driftSweep.describeServices} DescribeServices ` +
    `(throttled ${JSON.stringify(sweepThrottled)}), throttle-bound ${round(sweepBoundMs / 1000)} s (${results.driftSweep.ratioToBound}×); ` +
    `drift Lambda timeout 300 s: ${results.driftSweep.withinTimeout ? 'fits' : 'EXCEEDED'}`,
);
log(`deckhand --help, whole process: ${results.helpWholeProcessMs} ms (median of 5)`);
log(
  `check, one template of 200 task definitions, whole process: deckhand ${results.checkTemplateVsCheckov.deckhandMs} ms; ` +
    (checkovUnavailable
      ? `checkov not measured (${checkovUnavailable})`
      : `checkov ${checkovVersion} ${round(median(checkovMs))} ms (${results.checkTemplateVsCheckov.speedup}×)`),
);
log('\nmeasure | today | target');
for (const row of targets)
  log(
    `${row.measure} | ${row.today} | ${row.target} ${row.met === null ? '(?)' : row.met ? '(met)' : '(NOT met)'}`,
  );
log('\nwritten to bench/results.json');
process.exit(0);
