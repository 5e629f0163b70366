/** Guardrails at deploy, on out-of-band changes, and the scan gate, against moto through the CLI's replay. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { main } from '#cli/deckhand.ts';
import { systemClock } from '#core/ports/clock.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';
import { loadEvent } from '../helpers/load-event.ts';

const ecs = new ECSClient({});
const documents = createDocumentClient();
const ledger = createDynamoDbLedger(documents, stateTableName(), systemClock);
const seed = new Seeder();
const dir = mkdtempSync(join(tmpdir(), 'deckhand-guardrails-'));

const writeJson = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};
const replay = async (config: string, event: unknown) => {
  const lines: string[] = [];
  const status = await main(
    ['replay', writeJson(`event-${Math.random()}.json`, event), '--config', config, '--json'],
    (l) => lines.push(l),
  );
  return { status, outcome: JSON.parse(lines[0] ?? '{}') };
};
const revisions = async (family: string) =>
  (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];
const running = async (cluster: string, service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]
    ?.taskDefinition;
const pipelineConfig = (
  name: string,
  family: string,
  extra: Record<string, unknown> = {},
  guardrails: unknown = {},
) =>
  writeJson(`${name}.config.json`, {
    pipelines: [{ name, repository: 'web', targets: [{ cluster: 'prod', service: family }], ...extra }],
    guardrails,
  });

describe('guardrails against moto', () => {
  let uri: string;
  let digest: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    uri = ecrUri(testAccount(), testRegion(), 'web');
    await seed.repository('web');
    digest = await seed.pushImage('web', '2.0.0');
    await seed.cluster('prod');
    const network = await seed.vpc();
    for (const family of ['blocky', 'warny', 'gated', 'waiting']) {
      const td = webTaskDefinition(family, `${uri}:1.0.0`, testAccount());
      const app = td.containerDefinitions?.[0];
      if (app && (family === 'blocky' || family === 'warny')) app.privileged = true;
      await seed.service(fargateService('prod', family, await seed.taskDefinition(td), network));
    }
  });

  const push = () =>
    pushEvent({ account: testAccount(), region: testRegion(), repository: 'web', tag: '2.0.0', digest });

  it('blocks a push whose revision would be privileged: nothing registered, findings in the ledger', async () => {
    const { status, outcome } = await replay(pipelineConfig('blocky', 'blocky'), push());
    expect(status).toBe(0);
    expect(outcome.outcome).toBe('blocked');
    expect(outcome.reason).toMatch(/TD-001 \(app\): runs privileged/);
    expect(await revisions('blocky')).toHaveLength(1);
    expect(await running('prod', 'blocky')).toMatch(/blocky:1$/);
    const record = await ledger.rollouts.get('prod/blocky', digest);
    expect(record).toMatchObject({ status: 'blocked' });
    expect(record?.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'TD-001', status: 'fail' })]),
    );
  });

  it('deploys the same in warn mode, carrying the warning', async () => {
    const { outcome } = await replay(
      pipelineConfig('warny', 'warny', { guardrails: { 'TD-001': 'warn' } }),
      push(),
    );
    expect(outcome.outcome).toBe('deployed');
    expect(outcome.actions[0].findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'TD-001', status: 'warn', container: 'app' })]),
    );
    expect(await running('prod', 'warny')).toMatch(/warny:2$/);
  });

  it('records and alerts an out-of-band privileged RegisterTaskDefinition, and ignores Deckhand’s own calls', async () => {
    const td = webTaskDefinition('byhand', `${uri}:1.0.0`, testAccount());
    if (td.containerDefinitions?.[0]) td.containerDefinitions[0].privileged = true;
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(td));
    const event = loadEvent<{
      account: string;
      detail: { responseElements: { taskDefinition: { taskDefinitionArn?: string } } };
    }>('aws.ecs/cloudtrail-register-task-definition');
    event.account = testAccount();
    event.detail.responseElements.taskDefinition.taskDefinitionArn = taskDefinition?.taskDefinitionArn;
    const config = pipelineConfig('audit', 'blocky');

    const { outcome } = await replay(config, event);
    expect(outcome.outcome).toBe('alerted');
    expect(outcome.actions[0].findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'TD-001', status: 'fail' })]),
    );
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: stateTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `audit#${taskDefinition?.taskDefinitionArn}` },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({
      caller: 'arn:aws:iam::123456789012:role/Admin',
      eventName: 'RegisterTaskDefinition',
    });

    process.env.DECKHAND_SELF_ROLES = 'arn:aws:iam::123456789012:role/Admin';
    try {
      expect((await replay(config, { ...event, id: 'another-delivery' })).outcome).toMatchObject({
        outcome: 'ignored',
        reason: 'made by Deckhand itself',
      });
    } finally {
      delete process.env.DECKHAND_SELF_ROLES;
    }
  });

  it('deregisters an out-of-band revision when its rule asks for that remediation', async () => {
    const td = webTaskDefinition('remediated', `${uri}:1.0.0`, testAccount());
    if (td.containerDefinitions?.[0]) td.containerDefinitions[0].privileged = true;
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(td));
    const event = loadEvent<{
      id: string;
      account: string;
      detail: { responseElements: { taskDefinition: { taskDefinitionArn?: string } } };
    }>('aws.ecs/cloudtrail-register-task-definition');
    event.id = 'remediation-event';
    event.account = testAccount();
    event.detail.responseElements.taskDefinition.taskDefinitionArn = taskDefinition?.taskDefinitionArn;
    const config = pipelineConfig(
      'remediate',
      'blocky',
      {},
      { rules: { 'TD-001': { mode: 'block', remediate: 'deregister' } } },
    );
    const { outcome } = await replay(config, event);
    expect(outcome.actions[0].remediation).toBe(`deregistered ${taskDefinition?.taskDefinitionArn}`);
    const { taskDefinitionArns = [] } = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'remediated', status: 'ACTIVE' }),
    );
    expect(taskDefinitionArns).toEqual([]);
  });

  it('blocks the next deploy of a digest whose scan is over the gate', async () => {
    const scan = loadEvent<{ account: string; detail: Record<string, unknown> }>(
      'aws.ecr/image-scan-complete',
    );
    scan.account = testAccount();
    scan.detail['image-digest'] = digest;
    const config = pipelineConfig('gated', 'gated', { scanGate: { block: { CRITICAL: 1 } } });
    expect((await replay(config, scan)).outcome.outcome).toBe('recorded');
    const { outcome } = await replay(config, push());
    expect(outcome.outcome).toBe('blocked');
    expect(outcome.reason).toMatch(/IMG-003: vulnerabilities over the gate: CRITICAL 2 ≥ 1/);
    expect(await revisions('gated')).toHaveLength(1);
  });

  it('parks a push until its scan arrives, then deploys it', async () => {
    const fresh = await seed.pushImage('web', '2.1.0');
    const config = pipelineConfig('waiting', 'waiting', { scanGate: { block: { CRITICAL: 1 } } });
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '2.1.0',
      digest: fresh,
    });
    const parked = await replay(config, event);
    expect(parked.outcome).toMatchObject({
      outcome: 'pending',
      reason: expect.stringMatching(/IMG-003: scan not complete/),
    });
    expect(await revisions('waiting')).toHaveLength(1);

    const scan = loadEvent<{ account: string; id: string; detail: Record<string, unknown> }>(
      'aws.inspector2/scan-complete',
    );
    scan.account = testAccount();
    scan.id = 'inspector-scan-2';
    scan.detail['image-digest'] = fresh;
    const resumed = await replay(config, scan);
    expect(resumed.outcome.outcome).toBe('recorded');
    expect(resumed.outcome.actions[0]).toMatchObject({ eventId: event.id, outcome: 'deployed' });
    expect(await running('prod', 'waiting')).toMatch(/waiting:2$/);
    expect(await ledger.scans.parked(fresh)).toEqual([]);
  });
});
