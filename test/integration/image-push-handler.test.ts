import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { systemClock } from '#core/ports/clock.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ outcome: string }>;

const revisionCount = async () =>
  ((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))).taskDefinitionArns ?? []).length;

describe('image-push Lambda handler (middy; the ledger’s claims are its idempotency) against moto', () => {
  let digest: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    digest = await seed.pushImage('web', '2.0.0');
    await seed.cluster('prod');
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:1.0.0`, testAccount()),
    );
    const network = await seed.vpc();
    await seed.service(fargateService('prod', 'web', td, network));
    await seed.service(fargateService('prod', 'worker', td, network));
    const config = join(mkdtempSync(join(tmpdir(), 'deckhand-handler-')), 'deckhand.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        pipelines: [
          {
            name: 'web-prod',
            repository: 'web',
            tags: 'semver:^2',
            targets: [
              { cluster: 'prod', service: 'web' },
              { cluster: 'prod', service: 'worker', containers: ['app'] },
            ],
          },
        ],
      }),
    );
    process.env.DECKHAND_CONFIG = config;
    ({ handler } = await import('#handlers/image-push.ts'));
  });

  it('deploys once when the same event is delivered three times concurrently, then answers from the record', async () => {
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '2.0.0',
      digest,
    });
    const deliveries = await Promise.allSettled(
      [1, 2, 3].map(() => handler(structuredClone(event), lambdaContext('image-push'))),
    );

    const done = deliveries.filter((d) => d.status === 'fulfilled');
    const inFlight = deliveries.filter((d) => d.status === 'rejected');
    expect(done.map((d) => d.value.outcome)).toContain('deployed');
    // A concurrent duplicate is refused while the first is in progress, by the ledger's claim (a Powertools
    // Idempotency record, were the handler given one, would refuse it first); it throws, and EventBridge
    // retries it later.
    for (const failure of inFlight)
      expect(`${failure.reason?.name}: ${failure.reason?.message}`).toMatch(
        /IdempotencyAlreadyInProgress|TransientError: .* is being handled by another delivery/,
      );

    expect(await revisionCount()).toBe(2);
    expect(await ledger.heads.get('prod/web')).toMatchObject({ digest, version: 1 });
    expect(await ledger.heads.get('prod/worker')).toMatchObject({ digest, version: 1 });

    // The retried delivery gets the stored outcome and changes nothing.
    const retried = await handler(structuredClone(event), lambdaContext('image-push'));
    expect(retried.outcome).toBe('deployed');
    expect(await revisionCount()).toBe(2);
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'worker'] }),
    );
    expect(new Set(services?.map((s) => s.taskDefinition?.split('/').pop()))).toEqual(new Set(['web:2']));
  });

  it('rejects a malformed event without throwing, so EventBridge does not retry it', async () => {
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '2.0.1',
      digest,
    });
    (event.detail as Record<string, unknown>)['image-digest'] = 42;
    const outcome = await handler(event, lambdaContext('image-push'));
    expect(outcome).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('detail.image-digest'),
    });
    expect(await revisionCount()).toBe(2);
  });
});
