/**
 * The scan gate's timeout on a timer, against moto: a push parked for a scan that never comes is judged
 * again by the timers once `timeoutMinutes` passed, and the gate's `onTimeout` applies (block or deploy)
 * without waiting for the push to be delivered again.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import { parseConfig } from '#core/config.ts';
import type { Clock } from '#core/ports/clock.ts';
import { silentLog } from '#core/ports/log.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const digests: Record<string, string> = {};
let now = Date.parse('2026-12-01T09:00:00Z');
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };
const config = parseConfig(
  {
    pipelines: ['block', 'deploy'].map((onTimeout) => ({
      name: `gated-${onTimeout}`,
      repository: `gated-${onTimeout}`,
      targets: [{ cluster: 'gated', service: onTimeout }],
      scanGate: { timeoutMinutes: 5, onTimeout },
    })),
  },
  'gate-timeout',
);
const deps = (): DeployWired => ({ ...wireDeploys(config), clock, log: silentLog });
const push = (repository: string) =>
  handleImageAction(
    pushEvent({
      repository,
      tag: '1.0.0',
      digest: digests[repository] ?? '',
      time: new Date(now).toISOString(),
    }),
    deps(),
  );
const running = async (service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'gated', services: [service] }))).services?.[0]
    ?.taskDefinition ?? '';

describe('scan-gate timeouts on the timers', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.cluster('gated');
    const network = await seed.vpc();
    for (const onTimeout of ['block', 'deploy']) {
      const repository = `gated-${onTimeout}`;
      await seed.repository(repository);
      digests[repository] = await seed.pushImage(repository, '1.0.0');
      const td = await seed.taskDefinition(
        webTaskDefinition(
          onTimeout,
          `${ecrUri(testAccount(), testRegion(), repository)}:0.9.0`,
          testAccount(),
        ),
      );
      await seed.service(fargateService('gated', onTimeout, td, network));
    }
  });

  it('parks pushes until their scan, then applies onTimeout once the timeout passed', async () => {
    for (const repository of ['gated-block', 'gated-deploy'])
      expect((await push(repository)).outcome).toBe('pending');
    const before = { block: await running('block'), deploy: await running('deploy') };
    expect(await deps().ledger.scans.waiting()).toHaveLength(2);

    now += 4 * 60_000;
    expect((await runTimers(deps())).resumed).toBeUndefined();
    expect(await deps().ledger.scans.waiting()).toHaveLength(2);

    now += 2 * 60_000;
    const tick = await runTimers(deps());
    expect(tick.resumed?.map((o) => [o.actions[0]?.pipeline, o.outcome]).sort()).toEqual([
      ['gated-block', 'blocked'],
      ['gated-deploy', 'deployed'],
    ]);
    expect(await deps().ledger.scans.waiting()).toEqual([]);
    expect(await running('block')).toBe(before.block);
    expect(await running('deploy')).not.toBe(before.deploy);
    expect((await runTimers(deps())).resumed).toBeUndefined();
  });
});
