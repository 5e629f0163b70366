/**
 * Out-of-order delivery against moto: events that arrive before the push that caused them change nothing
 * early, and the end state is right once everything has arrived.
 */
import { writeFileSync } from 'node:fs';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { systemClock } from '#core/ports/clock.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { pushEvent } from '../helpers/events.ts';
import { loadEvent } from '../helpers/load-event.ts';

const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const seed = new Seeder();
const session = cliSession('reorder');
const config = session.config;
const replay = async (event: unknown) => (await session.replay(event)).outcome;
const completed = (deploymentId: string, id: string) => {
  const event = loadEvent<{
    id: string;
    account: string;
    resources: string[];
    detail: Record<string, unknown>;
  }>('aws.ecs/deployment-state-change-completed.awsdocs');
  event.id = id;
  event.account = testAccount();
  event.resources = [`arn:aws:ecs:${testRegion()}:${testAccount()}:service/prod/web`];
  Object.assign(event.detail, { deploymentId, updatedAt: new Date().toISOString() });
  return event;
};
const scan = (digest: string, counts: Record<string, number>, id: string) => {
  const event = loadEvent<{ id: string; account: string; detail: Record<string, unknown> }>(
    'aws.ecr/image-scan-complete',
  );
  event.id = id;
  event.account = testAccount();
  event.detail['image-digest'] = digest;
  event.detail['finding-severity-counts'] = counts;
  return event;
};

describe('events out of order, against moto', () => {
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    for (const tag of ['1.0.0', '1.1.0']) digests[tag] = await seed.pushImage('web', tag);
    await seed.cluster('prod');
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:0.9.0`, testAccount()),
    );
    await seed.service(fargateService('prod', 'web', td, await seed.vpc()));
    writeFileSync(
      config,
      JSON.stringify({
        pipelines: [
          {
            name: 'web',
            repository: 'web',
            tags: 'semver:*',
            targets: [{ cluster: 'prod', service: 'web' }],
            scanGate: { block: { CRITICAL: 1 } },
          },
        ],
      }),
    );
  });

  it('a scan before its push gates it; a deployment event before its push is not mistaken for it', async () => {
    // The scan arrives first, then an unrelated deployment completes, then the push itself.
    expect((await replay(scan(digests['1.0.0'] ?? '', { LOW: 1 }, 'scan-first'))).outcome).toBe('recorded');
    const early = await replay(completed('ecs-svc/not-yet-known', 'early-completed'));
    expect(early.actions[0]).toMatchObject({ byDeckhand: false });
    const pushed = await replay(
      pushEvent({
        account: testAccount(),
        region: testRegion(),
        repository: 'web',
        tag: '1.0.0',
        digest: digests['1.0.0'] ?? '',
      }),
    );
    expect(pushed.outcome).toBe('deployed');
    expect(await ledger.rollouts.get('prod/web', digests['1.0.0'] ?? '')).toMatchObject({
      status: 'rolling',
    });

    const { deploymentId } = (await ledger.rollouts.get('prod/web', digests['1.0.0'] ?? '')) ?? {};
    await replay(completed(deploymentId ?? '', 'real-completed'));
    expect(await ledger.rollouts.get('prod/web', digests['1.0.0'] ?? '')).toMatchObject({
      status: 'succeeded',
    });
  });

  it('a push before its scan waits, acts on the scan, and a late duplicate scan does nothing more', async () => {
    const digest = digests['1.1.0'] ?? '';
    const before = (
      await new ECSClient({}).send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
    ).services?.[0]?.taskDefinition;
    const parked = await replay(
      pushEvent({ account: testAccount(), region: testRegion(), repository: 'web', tag: '1.1.0', digest }),
    );
    expect(parked.outcome).toBe('pending');
    expect(
      (await new ECSClient({}).send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
        .services?.[0]?.taskDefinition,
    ).toBe(before);
    const resumed = await replay(scan(digest, { CRITICAL: 2 }, 'scan-after'));
    expect(resumed.actions[0]).toMatchObject({ outcome: 'blocked' });
    const again = await replay(scan(digest, { CRITICAL: 2 }, 'scan-after-duplicate'));
    expect(again.actions).toEqual([]);
    expect(
      (await new ECSClient({}).send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
        .services?.[0]?.taskDefinition,
    ).toBe(before);
  });
});
