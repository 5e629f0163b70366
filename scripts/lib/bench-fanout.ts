/**
 * The bench's fan-out, as deployed: the image-push bundle (given the roll queue, as the stack gives it) plans,
 * registers once per family and queues one work item per service on SQS; then roll-worker bundles, as many
 * as the event source's maximum concurrency and each its own module instance (its own clients and pacing, as
 * separate Lambda instances), drain the queue as the event source mapping does. ECS throttling is the
 * proxy's, at whatever limits the caller set.
 */
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { pathToFileURL } from 'node:url';
import type { CountingProxy } from './counting-proxy.ts';
import { lambdaContext } from './lambda-context.ts';
import { SqsEventSource } from './sqs-event-source.ts';

type Invoke<Out> = (event: unknown, context: unknown) => Promise<Out>;

/** A fresh instance of a bundle (the query makes it a module of its own), imported under `env`. */
export const importBundle = async <Out>(
  file: string,
  instance: string,
  env: Record<string, string>,
): Promise<Invoke<Out>> => {
  const before = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const url = `${pathToFileURL(file).href}?${instance}`;
    return ((await import(url)) as { handler: Invoke<Out> }).handler;
  } finally {
    for (const [key, value] of Object.entries(before))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
};

export interface FanoutRun {
  pushOutcome: string;
  queued: number;
  pushMs: number;
  totalMs: number;
  batches: number;
  failedItems: number;
  longestBatchMs: number;
  /** Every call until the push answered (its own, and the workers' meanwhile), then everyone's. */
  pushCalls: Record<string, number>;
  calls: Record<string, number>;
  throttled: Record<string, number>;
  /** Emulator milliseconds by operation, summed: where the time went. */
  emulatorMs: Record<string, number>;
}

/** Pushes once and drains every queued roll; the clock runs from the push to the last item done. */
export const runFanout = async (options: {
  proxy: CountingProxy;
  imagePushBundle: string;
  rollWorkerBundle: string;
  event: unknown;
  workers: number;
  account: string;
  region: string;
  pushTimeoutMs: number;
  workerTimeoutMs: number;
}): Promise<FanoutRun> => {
  const sqs = new SQSClient({});
  const { QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `bench-rolls-${Date.now()}` }),
  );
  const push = await importBundle<{ outcome: string; actions: { status?: string }[] }>(
    options.imagePushBundle,
    'fanout',
    { DECKHAND_ROLL_QUEUE_URL: queueUrl },
  );
  const workers = await Promise.all(
    Array.from({ length: options.workers }, (_, n) =>
      importBundle<SQSBatchResponse>(options.rollWorkerBundle, `worker-${n}`, {
        DECKHAND_ROLL_CONCURRENCY: String(options.workers),
      }),
    ),
  );
  const source = new SqsEventSource(sqs, queueUrl, { account: options.account, region: options.region });
  let batches = 0;
  let failedItems = 0;
  let longestBatchMs = 0;
  const asWorker = (invoke: Invoke<SQSBatchResponse>) => async (event: SQSEvent) => {
    const started = performance.now();
    const answer = await invoke(event, lambdaContext('roll-worker', options.workerTimeoutMs));
    longestBatchMs = Math.max(longestBatchMs, performance.now() - started);
    batches += 1;
    failedItems += answer.batchItemFailures.length;
    return answer;
  };

  options.proxy.reset();
  const started = performance.now();
  let pushMs = 0;
  let pushCalls: Record<string, number> = {};
  const pushed = push(options.event, lambdaContext('image-push', options.pushTimeoutMs)).then((answer) => {
    pushMs = performance.now() - started;
    pushCalls = options.proxy.snapshot();
    return answer;
  });
  // The workers poll from the start, as the event source mapping does, rolling while the push still queues.
  await source.drain(workers.map(asWorker), { until: pushed });
  const outcome = await pushed;
  const totalMs = performance.now() - started;
  return {
    pushOutcome: outcome.outcome,
    queued: outcome.actions.filter((action) => action.status === 'queued').length,
    pushMs,
    totalMs,
    batches,
    failedItems,
    longestBatchMs,
    pushCalls,
    calls: options.proxy.snapshot(),
    emulatorMs: Object.fromEntries([...options.proxy.ms].map(([op, ms]) => [op, Math.round(ms)])),
    throttled: Object.fromEntries([...options.proxy.throttled].sort()),
  };
};
