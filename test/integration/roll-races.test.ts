/**
 * The one roll operation against moto: a correction (drift reconcile, guardrail remediation) decided on the
 * head as it was loses to a newer push that rolled the service in between. The interleaving is forced: the
 * correction's lease request first lets the push run to its end, exactly the window a real race opens.
 */
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { type DeployWired, wireDeploys } from '#adapters/deploy-wiring.ts';
import { parseConfig } from '#core/config.ts';
import { silentLog } from '#core/ports/log.ts';
import type { HeadStore } from '#core/ports/stores.ts';
import { auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { detectDrift } from '#core/use-cases/detect-drift.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';
import { imageOf, registerVariant, runningRevision } from '../helpers/ecs.ts';
import { loadEvent } from '../helpers/load-event.ts';

const seed = new Seeder();
const digests: Record<string, string> = {};

const config = parseConfig(
  {
    pipelines: [
      { name: 'web', repository: 'web', targets: [{ cluster: 'prod', service: 'reconciled' }] },
      { name: 'api', repository: 'api', targets: [{ cluster: 'prod', service: 'remediated' }] },
    ],
    guardrails: {
      // Privileged: tolerated at deploy (warn), rolled back when someone does it by hand.
      rules: { 'TD-001': { mode: 'block', points: { 'pre-deploy': 'warn' }, remediate: 'rollback' } },
    },
  },
  'roll-races',
);

const deps = (): DeployWired => ({ ...wireDeploys(config), log: silentLog });

const push = (repository: string, tag: string) =>
  handleImageAction(pushEvent({ repository, tag, digest: digests[`${repository}:${tag}`] ?? '' }), deps());

/** Deps whose first lease request by `owner*` waits for `meanwhile` to finish: the race, made certain. */
const racing = (ownerPrefix: string, meanwhile: () => Promise<unknown>): DeployWired => {
  const wired = deps();
  const heads = wired.ledger.heads;
  let raced = false;
  const racingHeads: HeadStore = {
    get: (key) => heads.get(key),
    put: (head, version) => heads.put(head, version),
    releaseLease: (key, owner) => heads.releaseLease(key, owner),
    advance: (head, version, commit) => heads.advance(head, version, commit),
    acquireLease: async (key, owner, ms) => {
      if (!raced && owner.startsWith(ownerPrefix)) {
        raced = true;
        await meanwhile();
      }
      return heads.acquireLease(key, owner, ms);
    },
  };
  return { ...wired, ledger: { ...wired.ledger, heads: racingHeads } };
};

const running = (service: string) => runningRevision('prod', service);

const changeByHand = (service: string, change: (input: RegisterTaskDefinitionCommandInput) => void) =>
  registerVariant('prod', service, change);

const updateServiceEvent = (id: string, service: string, taskDefinition: string) => {
  const event = loadEvent<{
    id: string;
    account: string;
    detail: {
      requestParameters: Record<string, unknown>;
      responseElements: { service: Record<string, unknown> };
    };
  }>('aws.ecs/cloudtrail-update-service');
  event.id = id;
  event.account = testAccount();
  event.detail.requestParameters = { cluster: 'prod', service, taskDefinition };
  event.detail.responseElements.service = {
    serviceName: service,
    clusterArn: `arn:aws:ecs:${testRegion()}:${testAccount()}:cluster/prod`,
    taskDefinition,
  };
  return event;
};

describe('one roll operation: corrections lose to a newer push', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.cluster('prod');
    const network = await seed.vpc();
    for (const [repository, service] of [
      ['web', 'reconciled'],
      ['api', 'remediated'],
    ] as const) {
      await seed.repository(repository);
      for (const tag of ['1.0.0', '2.0.0'])
        digests[`${repository}:${tag}`] = await seed.pushImage(repository, tag);
      const td = await seed.taskDefinition(
        webTaskDefinition(service, `${ecrUri(testAccount(), testRegion(), repository)}:0.9.0`, testAccount()),
      );
      await seed.service(fargateService('prod', service, td, network));
      expect((await push(repository, '1.0.0')).outcome).toBe('deployed');
    }
  });

  it('drift reconcile racing a push of 2.0.0: 2.0.0 runs, and the head agrees', async () => {
    const head = await deps().ledger.heads.get('prod/reconciled');
    await changeByHand('reconciled', (input) => {
      input.cpu = '512';
      input.memory = '1024';
    });

    const outcome = await detectDrift(
      racing('reconcile#', async () => expect((await push('web', '2.0.0')).outcome).toBe('deployed')),
      'drift-race',
      { reconcile: true },
    );

    expect(outcome.actions[0]).toMatchObject({
      service: 'reconciled',
      reconciled: expect.stringMatching(/^not reconciled: the service was rolled to 2\.0\.0/) as unknown,
    });
    const after = await deps().ledger.heads.get('prod/reconciled');
    expect(after).toMatchObject({
      digest: digests['web:2.0.0'],
      tag: '2.0.0',
      version: (head?.version ?? 0) + 1,
    });
    expect(await running('reconciled')).toBe(after?.taskDefinition);
    expect(await imageOf(after?.taskDefinition ?? '')).toMatch(new RegExp(`@${digests['web:2.0.0']}$`));
  });

  it('drift reconcile with no race redeploys the head’s revision and advances its version', async () => {
    const head = await deps().ledger.heads.get('prod/reconciled');
    await changeByHand('reconciled', (input) => {
      input.cpu = '1024';
      input.memory = '2048';
    });
    const outcome = await detectDrift(deps(), 'drift-calm', { reconcile: true });
    expect(outcome.actions[0]?.reconciled).toMatch(/^redeployed reconciled:\d+$/);
    expect(await running('reconciled')).toBe(head?.taskDefinition);
    expect(await deps().ledger.heads.get('prod/reconciled')).toMatchObject({
      digest: head?.digest,
      taskDefinition: head?.taskDefinition,
      version: (head?.version ?? 0) + 1,
      eventId: 'reconcile:drift-calm',
    });
  });

  it('guardrail remediation racing a push of 2.0.0: 2.0.0 runs, and the head agrees', async () => {
    const head = await deps().ledger.heads.get('prod/remediated');
    const privileged = await changeByHand('remediated', (input) => {
      const [app] = input.containerDefinitions ?? [];
      if (app) app.privileged = true;
    });

    const outcome = await auditEcsChange(updateServiceEvent('remediation-race', 'remediated', privileged), {
      ...racing('remediation#', async () => expect((await push('api', '2.0.0')).outcome).toBe('deployed')),
      selfRoles: [],
    });

    expect(outcome.actions[0]?.remediation).toMatch(/^rollback not made: the service was rolled to 2\.0\.0/);
    const after = await deps().ledger.heads.get('prod/remediated');
    expect(after).toMatchObject({
      digest: digests['api:2.0.0'],
      tag: '2.0.0',
      version: (head?.version ?? 0) + 1,
    });
    expect(await running('remediated')).toBe(after?.taskDefinition);
    expect(await imageOf(after?.taskDefinition ?? '')).toMatch(new RegExp(`@${digests['api:2.0.0']}$`));
  });

  it('guardrail remediation with no race rolls back to the head’s revision through the same path', async () => {
    const head = await deps().ledger.heads.get('prod/remediated');
    const privileged = await changeByHand('remediated', (input) => {
      const [app] = input.containerDefinitions ?? [];
      if (app) app.readonlyRootFilesystem = false;
    });
    const outcome = await auditEcsChange(updateServiceEvent('remediation-calm', 'remediated', privileged), {
      ...deps(),
      selfRoles: [],
    });
    expect(outcome.actions[0]?.remediation).toBe(`rolled back to ${head?.taskDefinition}`);
    expect(await running('remediated')).toBe(head?.taskDefinition);
    expect(await deps().ledger.heads.get('prod/remediated')).toMatchObject({
      digest: head?.digest,
      version: (head?.version ?? 0) + 1,
      eventId: 'remediation:remediation-calm',
    });
  });
});
