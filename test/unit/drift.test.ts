import { silentLog } from '#core/ports/log.ts';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createEcsAdapter } from '#adapters/ecs.ts';
import { parseConfig } from '#core/config.ts';
import { diffTaskDefinitions, normalise } from '#core/drift/diff.ts';
import { detectDrift } from '#core/use-cases/detect-drift.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';

const td = (patch: Record<string, unknown> = {}, app: Record<string, unknown> = {}) => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
  family: 'web',
  revision: 3,
  status: 'ACTIVE',
  networkMode: 'awsvpc',
  containerDefinitions: [
    {
      name: 'app',
      image: 'repo@sha256:aa',
      environment: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      ...app,
    },
    { name: 'sidecar', image: 'agent:1' },
  ],
  ...patch,
});

describe('the normaliser and differ', () => {
  it('ignores order of env vars, containers and tags, null versus absent, and read-only fields', () => {
    const reordered = td(
      { revision: 9, taskDefinitionArn: 'x', registeredAt: new Date(), pidMode: null, volumes: [] },
      {
        environment: [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
        command: null,
      },
    );
    reordered.containerDefinitions.reverse();
    expect(diffTaskDefinitions(td(), reordered)).toEqual([]);
    expect(normalise({ a: null, b: [], c: {} })).toBeUndefined();
  });

  it('reports the field path of each difference, and skips ignored paths', () => {
    const changed = td(
      { cpu: '1024' },
      { privileged: true, image: 'other', environment: [{ name: 'A', value: '9' }] },
    );
    expect(diffTaskDefinitions(td(), changed, ['containerDefinitions.app.image'])).toEqual([
      'containerDefinitions.app.environment.A.value',
      'containerDefinitions.app.environment.B',
      'containerDefinitions.app.privileged',
      'cpu',
    ]);
  });
});

describe('a sweep over many services', () => {
  it('describes 10 services per call and each revision once', async () => {
    const ecsMock = mockClient(ECSClient);
    const names = Array.from({ length: 25 }, (_, n) => `svc-${n}`);
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((name): Service => ({
        serviceName: name,
        serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
        status: 'ACTIVE',
        taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4',
        desiredCount: 1,
        deployments: [],
      })),
    }));
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: td() as TaskDefinition });
    const config = parseConfig(
      {
        pipelines: [
          {
            name: 'many',
            repository: 'web',
            targets: names.map((service) => ({ cluster: 'prod', service })),
          },
        ],
      },
      't',
    );
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    for (const name of names) {
      await ledger.heads.put(
        {
          serviceKey: `prod/${name}`,
          digest: 'sha256:aa',
          tag: '1',
          pipeline: 'many',
          pushedAt: '',
          eventId: 'e',
          taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
          version: 1,
          updatedAt: '',
        },
        undefined,
      );
    }
    const outcome = await detectDrift({
      config,
      home: sampleHome,
      ecs: createEcsAdapter(new ECSClient({ region: 'eu-west-1' })),
      ledger,
      clock,
      log: silentLog,
    });
    const batches = ecsMock
      .commandCalls(DescribeServicesCommand)
      .map((call) => call.args[0].input.services?.length);
    expect(batches).toEqual([10, 10, 5]);
    // Every service runs web:4 where Deckhand deployed web:3: two revisions, described once each.
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect(outcome.drift.filter((d) => d.kind === 'revision')).toHaveLength(25);
    expect(outcome.actions.every((r) => r.change === 'new')).toBe(true);

    // The next report tells nothing new; once the services run the deployed revision again, it says resolved.
    clock.advance(15 * 60_000);
    const again = await detectDrift({
      config,
      home: sampleHome,
      ecs: createEcsAdapter(new ECSClient({ region: 'eu-west-1' })),
      ledger,
      clock,
      log: silentLog,
    });
    expect(again.actions.every((r) => r.change === 'unchanged')).toBe(true);
    expect(again.drift[0]?.since).toBe(outcome.drift[0]?.since);
    const { noticesFor } = await import('#core/notify/notice.ts');
    expect(noticesFor(again, { region: 'eu-west-1', trigger: 'schedule' })).toEqual([]);
    expect(noticesFor(outcome, { region: 'eu-west-1', trigger: 'schedule' })).toHaveLength(1);

    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((name) => ({
        serviceName: name,
        status: 'ACTIVE',
        taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
        deployments: [],
      })),
    }));
    const fixed = await detectDrift({
      config,
      home: sampleHome,
      ecs: createEcsAdapter(new ECSClient({ region: 'eu-west-1' })),
      ledger,
      clock,
      log: silentLog,
    });
    expect(fixed.drift).toEqual([]);
    expect(fixed.actions.map((r) => r.change)).toEqual(names.map(() => 'resolved'));
    ecsMock.restore();
  });
});
