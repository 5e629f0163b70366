import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { main } from '#cli/deckhand.ts';
import { systemClock } from '#core/ports/clock.ts';
import { READ_ONLY_FIELDS } from '#core/task-definition.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const dir = mkdtempSync(join(tmpdir(), 'deckhand-deploy-'));
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);

const writeJson = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

const replay = async (...args: string[]) => {
  const lines: string[] = [];
  const status = await main(
    ['replay', ...args, '--config', join(dir, 'deckhand.config.json'), '--json'],
    (line) => lines.push(line),
  );
  return { status, outcomes: lines.map((line) => JSON.parse(line)) };
};

const runningTaskDefinition = async (cluster: string, service: string) => {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const { taskDefinition, tags } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: services?.[0]?.taskDefinition, include: ['TAGS'] }),
  );
  return { taskDefinition: taskDefinition as TaskDefinition, tags };
};

const revisions = async (family: string) =>
  (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];

const withoutReadOnly = (definition: TaskDefinition) => {
  const copy: Record<string, unknown> = { ...definition };
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy;
};

describe('deploy on image push, against moto', () => {
  let uri: string;
  let v140: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    uri = ecrUri(testAccount(), testRegion(), 'web');
    await seed.repository('web');
    v140 = await seed.pushImage('web', '1.4.0');
    await seed.cluster('staging');
    const web = await seed.taskDefinition(webTaskDefinition('web', `${uri}:1.3.0`, testAccount()));
    const api = await seed.taskDefinition(webTaskDefinition('api', `${uri}:1.3.0`, testAccount()));
    const network = await seed.vpc();
    await seed.service(fargateService('staging', 'web', web, network));
    await seed.service(fargateService('staging', 'web-canary', web, network));
    await seed.service(fargateService('staging', 'api', api, network));
    writeJson('deckhand.config.json', {
      pipelines: [
        {
          name: 'web-staging',
          repository: 'web',
          tags: 'semver:>=1.0.0',
          targets: [
            { cluster: 'staging', service: 'web' },
            { cluster: 'staging', service: 'web-canary' },
            { cluster: 'staging', service: 'api', containers: ['app'] },
          ],
        },
      ],
    });
  });

  it('plans without changing anything on --dry-run', async () => {
    const event = writeJson(
      'dry.json',
      pushEvent({
        account: testAccount(),
        region: testRegion(),
        repository: 'web',
        tag: '1.4.0',
        digest: v140,
      }),
    );
    const lines: string[] = [];
    const status = await main(
      ['replay', event, '--config', join(dir, 'deckhand.config.json'), '--json', '--dry-run'],
      (l) => lines.push(l),
    );
    expect(status).toBe(0);
    const outcome = JSON.parse(lines[0] as string);
    expect(outcome.outcome).toBe('planned');
    expect(outcome.actions.map((a: { status: string }) => a.status)).toEqual([
      'planned',
      'planned',
      'planned',
    ]);
    expect(await revisions('web')).toHaveLength(1);
  });

  it('pins the digest, keeps every other field and the tags, registers once per family, and rolls the services', async () => {
    const before = await runningTaskDefinition('staging', 'web');
    const beforeApi = await runningTaskDefinition('staging', 'api');
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '1.4.0',
      digest: v140,
    });
    const { status, outcomes } = await replay(writeJson('push-140.json', event));

    expect(status).toBe(0);
    expect(outcomes[0]).toMatchObject({
      eventId: event.id,
      detailType: 'ECR Image Action',
      outcome: 'deployed',
    });
    expect(outcomes[0].actions.map((a: { status: string }) => a.status)).toEqual([
      'deployed',
      'deployed',
      'deployed',
    ]);

    // One registration for web + web-canary (shared family and revision), one for api.
    expect(await revisions('web')).toHaveLength(2);
    expect(await revisions('api')).toHaveLength(2);

    const web = await runningTaskDefinition('staging', 'web');
    const canary = await runningTaskDefinition('staging', 'web-canary');
    expect(web.taskDefinition.revision).toBe(2);
    expect(canary.taskDefinition.taskDefinitionArn).toBe(web.taskDefinition.taskDefinitionArn);
    const app = web.taskDefinition.containerDefinitions?.find((c) => c.name === 'app');
    const sidecar = web.taskDefinition.containerDefinitions?.find((c) => c.name === 'log-router');
    expect(app?.image).toBe(`${uri}@${v140}`);
    expect(sidecar).toEqual(before.taskDefinition.containerDefinitions?.find((c) => c.name === 'log-router'));

    // Every other field is exactly as it was.
    const expected = withoutReadOnly(before.taskDefinition);
    expected.containerDefinitions = before.taskDefinition.containerDefinitions?.map((c) =>
      c.name === 'app' ? { ...c, image: `${uri}@${v140}` } : c,
    );
    expect(withoutReadOnly(web.taskDefinition)).toEqual(expected);
    expect(web.tags).toEqual(before.tags);

    const api = await runningTaskDefinition('staging', 'api');
    expect(api.taskDefinition.containerDefinitions?.find((c) => c.name === 'app')?.image).toBe(
      `${uri}@${v140}`,
    );
    expect(api.taskDefinition.containerDefinitions?.find((c) => c.name === 'log-router')).toEqual(
      beforeApi.taskDefinition.containerDefinitions?.find((c) => c.name === 'log-router'),
    );

    const rollout = await ledger.rollouts.get('staging/web', v140);
    expect(rollout).toMatchObject({
      pipeline: 'web-staging',
      tag: '1.4.0',
      digest: v140,
      eventId: event.id,
      status: 'rolling',
      fromTaskDefinition: before.taskDefinition.taskDefinitionArn,
      toTaskDefinition: web.taskDefinition.taskDefinitionArn,
    });
    expect(Date.parse(rollout?.createdAt ?? '')).not.toBeNaN();
    expect(await ledger.heads.get('staging/web')).toMatchObject({ digest: v140, tag: '1.4.0', version: 1 });
  });

  it('does nothing when the same push is replayed, or pushed again under another event id', async () => {
    const first = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '1.4.0',
      digest: v140,
    });
    const { status, outcomes } = await replay(
      writeJson('again.json', first),
      writeJson('again2.json', first),
    );
    expect(status).toBe(0);
    for (const outcome of outcomes) {
      expect(outcome.outcome).toBe('ignored');
      expect(outcome.actions.map((a: { status: string }) => a.status)).toEqual([
        'unchanged',
        'unchanged',
        'unchanged',
      ]);
    }
    expect(await revisions('web')).toHaveLength(2);
    expect(await ledger.heads.get('staging/web')).toMatchObject({ version: 1 });
  });

  it('leaves the newest image running when two pushes arrive in reverse order', async () => {
    const v160 = await seed.pushImage('web', '1.6.0');
    const v150 = await seed.pushImage('web', '1.5.0');
    const older = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '1.5.0',
      digest: v150,
      time: '2026-11-20T10:00:00Z',
    });
    const newer = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '1.6.0',
      digest: v160,
      time: '2026-11-20T10:00:05Z',
    });
    const { status, outcomes } = await replay(writeJson('newer.json', newer), writeJson('older.json', older));
    expect(status).toBe(0);
    expect(outcomes.map((o) => o.outcome)).toEqual(['deployed', 'ignored']);
    expect(outcomes[1].actions.every((a: { status: string }) => a.status === 'superseded')).toBe(true);
    const web = await runningTaskDefinition('staging', 'web');
    expect(web.taskDefinition.containerDefinitions?.find((c) => c.name === 'app')?.image).toBe(
      `${uri}@${v160}`,
    );
    expect(await revisions('web')).toHaveLength(3);
  });

  it('fails only the target the config names wrongly; the others still deploy', async () => {
    writeJson('deckhand.config.json', {
      pipelines: [
        {
          name: 'web-staging',
          repository: 'web',
          tags: 'semver:>=1.0.0',
          targets: [
            { cluster: 'staging', service: 'web' },
            { cluster: 'staging', service: 'ghost' },
            { cluster: 'nowhere', service: 'web' },
            { cluster: 'staging', service: 'api', containers: ['no-such-container'] },
          ],
        },
      ],
    });
    const v170 = await seed.pushImage('web', '1.7.0');
    const { status, outcomes } = await replay(
      writeJson(
        'partial.json',
        pushEvent({
          account: testAccount(),
          region: testRegion(),
          repository: 'web',
          tag: '1.7.0',
          digest: v170,
        }),
      ),
    );
    expect(status).toBe(1);
    const byService = Object.fromEntries(
      outcomes[0].actions.map((a: { cluster: string; service: string; status: string; reason?: string }) => [
        `${a.cluster}/${a.service}`,
        a,
      ]),
    );
    expect(outcomes[0].outcome).toBe('failed');
    expect(byService['staging/web'].status).toBe('deployed');
    expect(byService['staging/ghost']).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('not found'),
    });
    expect(byService['nowhere/web']).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('not found'),
    });
    expect(byService['staging/api']).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('no-such-container'),
    });
  });

  it('ignores deletes, failed pushes and untracked tags without touching AWS, and rejects a bad digest', async () => {
    const untracked = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: 'latest',
      digest: v140,
    });
    const badDigest = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: '1.8.0',
      digest: 'sha256:1234',
    });
    const ignoredRun = await replay(
      writeJson('untracked.json', untracked),
      join(process.cwd(), 'events/aws.ecr/image-action-delete-success.awsdocs.json'),
      join(process.cwd(), 'events/aws.ecr/image-action-push-failure.json'),
    );
    expect(ignoredRun.status).toBe(0);
    expect(ignoredRun.outcomes.map((o) => o.outcome)).toEqual(['ignored', 'ignored', 'ignored']);
    const rejectedRun = await replay(writeJson('bad-digest.json', badDigest));
    expect(rejectedRun.status).toBe(2);
    expect(rejectedRun.outcomes[0]).toMatchObject({
      eventId: badDigest.id,
      outcome: 'rejected',
      reason: expect.stringContaining('detail.image-digest'),
    });
  });
});
