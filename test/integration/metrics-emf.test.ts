/**
 * The handlers' metrics, as CloudWatch would read them: Powertools Metrics writes embedded-metric-format
 * JSON lines to stdout. A push deployed on moto, then ECS's COMPLETED event, must leave EMF lines in the
 * `Deckhand` namespace with the `[Pipeline]` dimension set only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { systemClock } from '#core/ports/clock.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { deploymentEvent, pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ outcome: string }>;

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

const seed = new Seeder();
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
let imagePush: Handler;
let ecsEvents: Handler;

/** Runs `act`, and answers the EMF lines written to stdout meanwhile. */
const emfLinesOf = async (act: () => Promise<unknown>): Promise<EmfLine[]> => {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
};

describe('metrics in the handlers’ logs (EMF), against moto', () => {
  let digest: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    digest = await seed.pushImage('web', '2.0.0');
    await seed.cluster('prod');
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:1.0.0`, testAccount()),
    );
    await seed.service(fargateService('prod', 'web', td, await seed.vpc()));
    const config = join(mkdtempSync(join(tmpdir(), 'deckhand-metrics-')), 'deckhand.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        guardrails: { environments: { production: { clusters: ['prod*'], production: true } } },
        pipelines: [
          {
            name: 'web-prod',
            repository: 'web',
            tags: 'semver:^2',
            targets: [{ cluster: 'prod', service: 'web' }],
          },
        ],
      }),
    );
    process.env.DECKHAND_CONFIG = config;
    // The test setup sets POWERTOOLS_DEV, which turns Powertools Metrics off: run as in Lambda instead.
    delete process.env.POWERTOOLS_DEV;
    ({ handler: imagePush } = await import('#handlers/image-push.ts'));
    ({ handler: ecsEvents } = await import('#handlers/ecs-events.ts'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('emits Deployments on the push, LeadTime on completion, and nothing for a duplicate delivery', async () => {
    const push = pushEvent({ repository: 'web', tag: '2.0.0', digest, time: '2026-11-20T09:00:00Z' });
    const pushed = await emfLinesOf(async () => {
      expect((await imagePush(structuredClone(push), lambdaContext('image-push'))).outcome).toBe('deployed');
    });
    // One line under the pipeline, one under its environment (prod matches guardrails.environments.production).
    expect(pushed).toHaveLength(2);
    const [line, byEnvironment] = pushed;
    expect(line?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Deckhand',
        Dimensions: [['Pipeline']],
        Metrics: [{ Name: 'Deployments', Unit: 'Count' }],
      },
    ]);
    expect(line).toMatchObject({ Pipeline: 'web-prod', Deployments: 1 });
    // No unbounded values ride along as dimensions (or at all): no service, ARN, digest or event id.
    expect(Object.keys(line ?? {}).sort()).toEqual(['Deployments', 'Pipeline', '_aws']);
    expect(byEnvironment?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Deckhand',
        Dimensions: [['Environment']],
        Metrics: [{ Name: 'Deployments', Unit: 'Count' }],
      },
    ]);
    expect(byEnvironment).toMatchObject({ Environment: 'production', Deployments: 1 });

    // The same event again is answered from the ledger's claims (image-push keeps no idempotency record of its
    // own): nothing happens, nothing is counted.
    expect(await emfLinesOf(() => imagePush(structuredClone(push), lambdaContext('image-push')))).toEqual([]);

    const rollout = await ledger.rollouts.get('prod/web', digest);
    expect(rollout?.deploymentId).toBeTruthy();
    // Pushed 09:00:00, completed 09:12:30: lead time 750 s.
    const completed = deploymentEvent({
      cluster: 'prod',
      service: 'web',
      deploymentId: rollout?.deploymentId,
      time: '2026-11-20T09:12:30Z',
    });
    const followed = await emfLinesOf(() => ecsEvents(completed, lambdaContext('ecs-events')));
    expect(followed).toHaveLength(2);
    expect(followed[0]?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'Deckhand', Dimensions: [['Pipeline']], Metrics: [{ Name: 'LeadTime', Unit: 'Seconds' }] },
    ]);
    expect(followed[0]).toMatchObject({ Pipeline: 'web-prod', LeadTime: 750 });
    expect(followed[1]).toMatchObject({ Environment: 'production', LeadTime: 750 });
    expect(await ledger.rollouts.get('prod/web', digest)).toMatchObject({ status: 'succeeded' });

    // ecs-events keeps a Powertools idempotency record per event id, and answers the same event again from it.
    expect(
      await emfLinesOf(() => ecsEvents(structuredClone(completed), lambdaContext('ecs-events'))),
    ).toEqual([]);
    expect(await idempotencyRecords('ecs-events')).toEqual(['COMPLETED']);
    expect(await idempotencyRecords('image-push')).toEqual([]);
  });
});

/** The statuses of a function's idempotency records in the state table. */
const idempotencyRecords = async (functionName: string) => {
  const { Items = [] } = await createDocumentClient().send(
    new QueryCommand({
      TableName: stateTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `idempotency#${functionName}` },
    }),
  );
  return Items.map((item) => item.status as string);
};
