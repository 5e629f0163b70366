/**
 * Brakes for production against moto: a digest proven in staging is promoted to prod after its bake and an
 * approval, with the identical image and one registration per family; a failed source cancels its
 * promotion; an unanswered request expires; a freeze holds pushes and releases only the newest.
 */
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import { parseConfig } from '#core/config.ts';
import type { Clock } from '#core/ports/clock.ts';
import { silentLog } from '#core/ports/log.ts';
import { decidePromotion, type DecisionRequest } from '#core/use-cases/decide-promotion.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { runningImage } from '../helpers/ecs.ts';
import { deploymentEvent as ecsDeployment, pushEvent } from '../helpers/events.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const digests: Record<string, string> = {};
const approver = 'U012ABCDEF';

const prodPipeline = (required: number) => ({
  name: 'web-prod',
  team: 'payments',
  promote: {
    from: 'web-staging',
    after: '30m',
    approval: { approvers: [approver, 'U034GHIJKL'], required, expires: '24h' },
  },
  targets: [{ cluster: 'prod', service: 'web' }],
});
const rawConfig = (required: number) => ({
  teams: {
    payments: { slack: { webhook: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:hook-AbCdEf' } },
  },
  pipelines: [
    {
      name: 'web-staging',
      repository: 'web',
      tags: 'semver:>=1.0.0',
      bake: '10m',
      team: 'payments',
      targets: [{ cluster: 'staging', service: 'web' }],
    },
    prodPipeline(required),
  ],
});
const config = parseConfig(rawConfig(1), 'promotions');

/** A clock the test moves; the deploys' own pushes carry real times relative to it. */
let now = Date.parse('2026-12-01T09:00:00Z');
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const deps = (): DeployWired => ({ ...wireDeploys(config), clock, log: silentLog });

const push = (tag: string) =>
  handleImageAction(pushEvent({ repository: 'web', tag, digest: digests[tag] ?? '', time: at(0) }), deps());

/** ECS's "deployment completed" for the rollout Deckhand made of `tag` in `cluster`. */
const deploymentEvent = async (cluster: string, tag: string) => {
  const record = await deps().ledger.rollouts.get(`${cluster}/web`, digests[tag] ?? '');
  return followServiceEvent(
    ecsDeployment({ cluster, service: 'web', deploymentId: record?.deploymentId, time: at(0) }),
    deps(),
  );
};

const decide = (request: Partial<DecisionRequest>) =>
  decidePromotion({ pipeline: 'web-prod', approver, decision: 'approve', via: 'cli', ...request }, deps());

const running = (cluster: string) => runningImage(cluster, 'web');

describe('promotion, approval and freeze against moto', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    for (const tag of ['1.5.1', '1.5.2', '1.5.3', '1.5.4', '1.5.5'])
      digests[tag] = await seed.pushImage('web', tag);
    const network = await seed.vpc();
    // Staging and prod run the same family and revision: a promotion must reuse staging's registration.
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:1.0.0`, testAccount()),
    );
    for (const cluster of ['staging', 'prod']) {
      await seed.cluster(cluster);
      await seed.service(fargateService(cluster, 'web', td, network));
    }
  });

  it('promotes the digest staging proved, after its bake and an approval, as the identical image', async () => {
    expect((await push('1.5.1')).outcome).toBe('deployed');
    now += 60_000;
    expect((await deploymentEvent('staging', '1.5.1')).actions[0]).toMatchObject({ status: 'succeeded' });
    expect(await deps().ledger.promotions.get('web-prod', digests['1.5.1'] ?? '')).toMatchObject({
      status: 'waiting',
    });

    now += 10 * 60_000;
    expect((await runTimers(deps())).actions).toEqual([]);
    now += 21 * 60_000;
    const asked = await runTimers(deps());
    expect(asked.actions).toEqual([
      expect.objectContaining({
        pipeline: 'web-prod',
        status: 'awaiting-approval',
        required: 1,
        approvals: [],
      }),
    ]);

    expect((await decide({ approver: 'U999NOTONE' })).status).toBe('not-approver');
    expect((await decide({})).status).toBe('approved');
    expect((await decide({})).status).toBe('not-found');
    expect((await decide({ ref: '1.5.1' })).status).toBe('closed');

    const promoted = await runTimers(deps());
    expect(promoted.actions[0]).toMatchObject({ status: 'promoted', deploy: { outcome: 'deployed' } });
    const pinned = `${ecrUri(testAccount(), testRegion(), 'web')}@${digests['1.5.1']}`;
    expect(await running('prod')).toBe(pinned);
    expect(await running('staging')).toBe(pinned);
    const { taskDefinitionArns = [] } = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'web' }),
    );
    expect(taskDefinitionArns).toHaveLength(2);
    expect((await runTimers(deps())).actions).toEqual([]);
  });

  it('counts each approver once: a second click by the same approver is a duplicate', async () => {
    const twoApprovers = parseConfig(rawConfig(2), 'two');
    expect((await push('1.5.2')).outcome).toBe('deployed');
    now += 60_000;
    await deploymentEvent('staging', '1.5.2');
    now += 31 * 60_000;
    expect((await runTimers(deps())).actions[0]).toMatchObject({ status: 'awaiting-approval' });
    const strict = { ...deps(), config: twoApprovers };
    const request: DecisionRequest = { pipeline: 'web-prod', approver, decision: 'approve', via: 'slack' };
    expect((await decidePromotion(request, strict)).status).toBe('recorded');
    expect((await decidePromotion(request, strict)).status).toBe('duplicate');
    expect((await decidePromotion({ ...request, approver: 'U034GHIJKL' }, strict)).status).toBe('approved');
  });

  it('lets an unanswered request expire, and refuses a decision after', async () => {
    expect((await push('1.5.3')).outcome).toBe('deployed');
    now += 60_000;
    await deploymentEvent('staging', '1.5.3');
    now += 31 * 60_000;
    // 1.5.3 supersedes 1.5.2's approved-but-not-yet-deployed promotion: newest wins.
    expect(await deps().ledger.promotions.get('web-prod', digests['1.5.2'] ?? '')).toMatchObject({
      status: 'superseded',
    });
    expect((await decide({ ref: '1.5.2' })).status).toBe('superseded');
    expect((await runTimers(deps())).actions[0]).toMatchObject({ status: 'awaiting-approval', tag: '1.5.3' });
    now += 25 * 60 * 60_000;
    expect((await runTimers(deps())).actions[0]).toMatchObject({ status: 'expired', tag: '1.5.3' });
    expect((await decide({ ref: '1.5.3' })).status).toBe('expired');
  });

  it('cancels a waiting promotion when its source rollout fails', async () => {
    expect((await push('1.5.4')).outcome).toBe('deployed');
    now += 60_000;
    await deploymentEvent('staging', '1.5.4');
    expect(await deps().ledger.promotions.get('web-prod', digests['1.5.4'] ?? '')).toMatchObject({
      status: 'waiting',
    });
    await deps().ledger.rollouts.transition('staging/web', digests['1.5.4'] ?? '', ['succeeded'], {
      status: 'rolled-back',
      unhealthy: true,
      reason: 'alarm web-5xx',
    });
    now += 31 * 60_000;
    expect((await runTimers(deps())).actions[0]).toMatchObject({ status: 'cancelled', tag: '1.5.4' });
  });

  it('holds pushes during a freeze and releases only the newest when it ends', async () => {
    const frozenUntil = new Date(now + 60 * 60_000).toISOString();
    await deps().ledger.freezes.put({
      pipeline: 'web-staging',
      until: frozenUntil,
      reason: 'year-end',
      by: 'ops',
      at: at(0),
    });
    const before = await running('staging');
    for (const tag of ['1.5.4', '1.5.5']) {
      now += 60_000;
      const held = await push(tag);
      expect(held).toMatchObject({ outcome: 'frozen', actions: [{ status: 'frozen' }] });
    }
    expect(await running('staging')).toBe(before);
    expect((await runTimers(deps())).actions).toEqual([]);

    now += 61 * 60_000;
    const released = await runTimers(deps());
    expect(released.actions).toEqual([
      expect.objectContaining({
        pipeline: 'web-staging',
        status: 'released',
        tag: '1.5.5',
        deploy: expect.objectContaining({ outcome: 'deployed' }) as unknown,
      }),
    ]);
    expect(await running('staging')).toBe(
      `${ecrUri(testAccount(), testRegion(), 'web')}@${digests['1.5.5']}`,
    );
    expect(await deps().ledger.freezes.held()).toEqual([]);
  });
});
