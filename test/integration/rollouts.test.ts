/**
 * Rollout follow-through against moto: moto runs no deployments and evaluates no alarms, so the test plays
 * AWS's part by sending the real-shaped events ECS and CloudWatch would send.
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
import { deploymentEvent, pushEvent } from '../helpers/events.ts';
import { cliSession } from '../helpers/cli.ts';
import { loadEvent } from '../helpers/load-event.ts';

const ecs = new ECSClient({});
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const seed = new Seeder();
const { config, cli, replay } = cliSession('rollouts');
const running = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0]
    ?.taskDefinition ?? '';

const minutesFromNow = (minutes: number) =>
  new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const deploymentCompleted = async (digest: string) => {
  const record = await ledger.rollouts.get('prod/web', digest);
  expect(record?.deploymentId, 'UpdateService returned a deployment id').toBeTruthy();
  return replay(
    deploymentEvent({
      cluster: 'prod',
      service: 'web',
      deploymentId: record?.deploymentId,
      id: `deployment-${digest}`,
      time: minutesFromNow(0),
      reason: `ECS deployment ${record?.deploymentId} completed.`,
    }),
  );
};

describe('rollout follow-through and alarm rollback against moto', () => {
  const digests: Record<string, string> = {};
  let alarmArn: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    for (const tag of ['1.0.0', '1.1.0', '1.2.0']) digests[tag] = await seed.pushImage('web', tag);
    await seed.cluster('prod');
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:0.9.0`, testAccount()),
    );
    await seed.service(fargateService('prod', 'web', td, await seed.vpc()));
    alarmArn = await seed.alarm('web-5xx', { 'deckhand:service': 'web' });
    writeFileSync(
      config,
      JSON.stringify({
        pipelines: [
          {
            name: 'web',
            repository: 'web',
            tags: 'semver:>=1.0.0',
            targets: [{ cluster: 'prod', service: 'web' }],
            bake: '10m',
            alarms: { tags: { 'deckhand:service': 'web' } },
          },
        ],
      }),
    );
  });

  const push = (tag: string) => pushEvent({ repository: 'web', tag, digest: digests[tag] ?? '' });

  const alarm = (state: 'ALARM' | 'OK', id: string) => {
    const event = loadEvent<{
      id: string;
      account: string;
      region: string;
      time: string;
      resources: string[];
      detail: Record<string, unknown> & { state: Record<string, unknown> };
    }>('aws.cloudwatch/alarm-state-change-single-metric.awsdocs');
    event.id = id;
    // The alarm watches the hub's own services: it is in the hub's account and Region.
    event.account = testAccount();
    event.region = testRegion();
    event.time = minutesFromNow(1);
    event.resources = [alarmArn];
    event.detail.alarmName = 'web-5xx';
    event.detail.state = {
      ...event.detail.state,
      value: state,
      timestamp: minutesFromNow(1).replace('Z', '.000+0000'),
    };
    return event;
  };

  it('deploys v1, sees it complete, deploys v2; an alarm in v2’s bake rolls back to v1 and pauses', async () => {
    expect((await replay(push('1.0.0'))).outcome.outcome).toBe('deployed');
    const v1Revision = await running();
    expect((await deploymentCompleted(digests['1.0.0'] ?? '')).outcome.actions[0]).toMatchObject({
      status: 'succeeded',
      byDeckhand: true,
    });
    expect((await replay(push('1.1.0'))).outcome.outcome).toBe('deployed');
    expect(await running()).not.toBe(v1Revision);
    await deploymentCompleted(digests['1.1.0'] ?? '');

    const fired = await replay(alarm('ALARM', 'alarm-1'));
    expect(fired.outcome).toMatchObject({ outcome: 'rolled-back' });
    expect(fired.outcome.actions[0]).toMatchObject({ status: 'rolled-back', to: v1Revision });
    expect(await running()).toBe(v1Revision);
    expect(await ledger.rollouts.get('prod/web', digests['1.1.0'] ?? '')).toMatchObject({
      status: 'rolled-back',
      rolledBackBy: 'deckhand',
    });
    expect(await ledger.pauses.get('prod/web')).toMatchObject({ pipeline: 'web' });

    // The same alarm delivered again, and a later one, do nothing more.
    expect((await replay(alarm('ALARM', 'alarm-1-again'))).outcome.outcome).toBe('ignored');
    expect((await replay(alarm('OK', 'alarm-ok'))).outcome.outcome).toBe('recorded');
    expect(await running()).toBe(v1Revision);

    const status = await cli('status', 'web', '--json');
    expect(JSON.parse(status.lines[0] ?? '{}')).toMatchObject({
      taskDefinition: v1Revision,
      lastRollout: { tag: '1.1.0', status: 'rolled-back' },
      paused: { reason: expect.stringMatching(/web-5xx/) },
    });
  });

  it('does not deploy while paused, and deploys again after `deckhand resume`', async () => {
    const paused = await replay(push('1.2.0'));
    expect(paused.outcome.actions[0]).toMatchObject({
      status: 'paused',
      reason: expect.stringMatching(/deckhand resume web/),
    });
    const before = await running();
    expect(before).toBe(await running());

    const resumed = await cli('resume', 'web');
    expect(resumed.lines[0]).toMatch(/resumed web on prod\/web/);
    expect(await ledger.pauses.get('prod/web')).toBeUndefined();

    const again = { ...push('1.2.0'), id: 'push-1.2.0-after-resume' };
    expect((await replay(again)).outcome.outcome).toBe('deployed');
    expect(await running()).not.toBe(before);
  });
});
