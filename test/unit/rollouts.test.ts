import { silentLog } from '#core/ports/log.ts';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import type { RolloutRecord } from '#core/ports/records.ts';
import { parseAwsTime, parseDuration } from '#core/rollouts/duration.ts';
import { inBakeWindow, lastKnownGood } from '#core/rollouts/known-good.ts';
import { classifyStop } from '#core/rollouts/stop-classifier.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';
import type { EcsPort } from '#core/ports/ecs.ts';
import { loadEvent } from '../helpers/load-event.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';

type StopEvent = {
  id: string;
  detail: { taskArn: string; version: number; stoppedAt: string } & Parameters<typeof classifyStop>[0];
};

describe('the stop classifier, over real-shaped STOPPED events', () => {
  it.each([
    ['exit', 'exit', true, { app: 1, 'log-router': 0 }],
    ['oom', 'oom', true, { app: 137 }],
    ['image-pull', 'image-pull', true, {}],
    ['secrets', 'resource-init', true, {}],
    ['health-check', 'health-check', true, { app: 143 }],
    ['elb-health-check', 'health-check', true, { app: 143 }],
    ['spot', 'spot-interruption', false, { app: 143 }],
    ['scale-in', 'scale-in', false, { app: 0 }],
    ['user', 'user', false, { app: 143 }],
  ])('task-stopped-%s → %s (failing: %s)', (file, kind, failing, exitCodes) => {
    const { detail } = loadEvent<StopEvent>(`aws.ecs/task-stopped-${file}`);
    expect(classifyStop(detail)).toMatchObject({ kind, failing, exitCodes });
  });

  it('treats exit 137 without a reason as OOM, and a zero exit of a non-essential container as no failure', () => {
    expect(classifyStop({ containers: [{ name: 'app', exitCode: 137 }] }).kind).toBe('oom');
    expect(
      classifyStop({
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'x', exitCode: 2, essential: false }],
      }).kind,
    ).toBe('exit');
  });
});

describe('durations and CloudWatch timestamps', () => {
  it('parses 90s, 10m, 1h30m and rejects nonsense', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('ten minutes')).toBeUndefined();
    expect(() =>
      parseConfig(
        {
          pipelines: [
            { name: 'p', repository: 'r', targets: [{ cluster: 'c', service: 's' }], bake: '10 min' },
          ],
        },
        't',
      ),
    ).toThrow(/bake/);
  });
  it('reads +0000 offsets', () => {
    expect(parseAwsTime('2019-10-02T17:20:48.554+0000')?.toISOString()).toBe('2019-10-02T17:20:48.554Z');
  });
});

const rollout = (
  digest: string,
  status: RolloutRecord['status'],
  extra: Partial<RolloutRecord> = {},
): RolloutRecord => ({
  serviceKey: 'prod/web',
  cluster: 'prod',
  service: 'web',
  digest,
  tag: digest,
  pipeline: 'web',
  eventId: `e-${digest}`,
  pushedAt: '2026-11-20T10:00:00Z',
  status,
  fromTaskDefinition: `web:${Number(digest.slice(1)) - 1}`,
  toTaskDefinition: `web:${digest.slice(1)}`,
  createdAt: `2026-11-20T10:0${digest.slice(1)}:00Z`,
  updatedAt: `2026-11-20T10:0${digest.slice(1)}:00Z`,
  ...extra,
});

describe('last known-good selection', () => {
  it('is the newest rollout that completed healthy, skipping revision − 1 when it never was', () => {
    const history = [
      rollout('v1', 'superseded', { completedAt: '2026-11-20T10:01:30Z' }),
      rollout('v2', 'failed', { unhealthy: true }),
      rollout('v3', 'rolled-back', { completedAt: '2026-11-20T10:03:30Z', unhealthy: true }),
      rollout('v4', 'rolling'),
    ];
    expect(lastKnownGood(history, history[3] as RolloutRecord)).toEqual({
      found: true,
      taskDefinition: 'web:1',
      digest: 'v1',
      tag: 'v1',
      source: 'rollout',
    });
  });
  it('falls back to what ran before Deckhand only for its first rollout', () => {
    const first = rollout('v1', 'rolling');
    expect(lastKnownGood([first], first)).toMatchObject({
      found: true,
      taskDefinition: 'web:0',
      source: 'before-deckhand',
    });
    const history = [rollout('v1', 'failed', { unhealthy: true }), rollout('v2', 'rolling')];
    expect(lastKnownGood(history, history[1] as RolloutRecord)).toMatchObject({ found: false });
  });
  it('bakes from completion', () => {
    const done = rollout('v1', 'succeeded', { completedAt: '2026-11-20T10:00:00Z' });
    expect(inBakeWindow(done, new Date('2026-11-20T10:09:00Z'), 600_000)).toBe(true);
    expect(inBakeWindow(done, new Date('2026-11-20T10:11:00Z'), 600_000)).toBe(false);
    expect(inBakeWindow(rollout('v2', 'rolling'), new Date(), 1)).toBe(true);
  });
});

const config = parseConfig(
  {
    pipelines: [
      {
        name: 'web',
        repository: 'web',
        targets: [{ cluster: 'prod', service: 'web' }],
        crashLoop: { stops: 3, window: '10m' },
      },
    ],
  },
  't',
);
const noEcs = { describeTaskDefinition: () => Promise.reject(new Error('not needed')) } as unknown as EcsPort;

describe('crash loops', () => {
  const stop = (n: number, minute: number) => {
    const event = loadEvent<StopEvent>('aws.ecs/task-stopped-oom');
    event.id = `stop-${n}`;
    event.detail.taskArn = `${event.detail.taskArn}-${n}`;
    event.detail.stoppedAt = `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
    return event;
  };

  it('alerts once when 3 failing stops fall within 10 minutes, and dedupes repeated events', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    const deps = { config, home: sampleHome, ecs: noEcs, ledger, clock, log: silentLog };
    const outcomes = [];
    for (const [n, minute] of [
      [1, 0],
      [1, 0],
      [2, 4],
      [3, 8],
      [4, 9],
    ] as const)
      outcomes.push(await followTaskEvent(stop(n, minute), deps));
    expect(outcomes.map((o) => o.outcome)).toEqual([
      'recorded',
      'ignored',
      'recorded',
      'alerted',
      'recorded',
    ]);
    expect(outcomes[1]?.reason).toBe('duplicate task event');
    expect(outcomes[3]?.actions[0]).toMatchObject({
      crashLoop: true,
      failingStops: 3,
      classification: { kind: 'oom', exitCodes: { app: 137 } },
    });
    expect(outcomes[4]?.reason).toMatch(/already reported/);
  });

  it('does not count stops outside the window', async () => {
    const clock = new ManualClock();
    const deps = {
      config,
      home: sampleHome,
      ecs: noEcs,
      ledger: createMemoryLedger(clock),
      clock,
      log: silentLog,
    };
    const outcomes = [];
    for (const [n, minute] of [
      [1, 0],
      [2, 11],
      [3, 22],
    ] as const)
      outcomes.push(await followTaskEvent(stop(n, minute), deps));
    expect(outcomes.map((o) => o.outcome)).toEqual(['recorded', 'recorded', 'recorded']);
  });

  it('links the crash-loop alert to the task’s CloudWatch logs when it uses awslogs', async () => {
    const clock = new ManualClock();
    const ecs = {
      describeTaskDefinition: () =>
        Promise.resolve({
          tags: [],
          taskDefinition: {
            containerDefinitions: [
              {
                name: 'app',
                logConfiguration: {
                  logDriver: 'awslogs',
                  options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' },
                },
              },
            ],
          },
        }),
    } as unknown as EcsPort;
    const deps = { config, home: sampleHome, ecs, ledger: createMemoryLedger(clock), clock, log: silentLog };
    let last;
    for (const [n, minute] of [
      [1, 0],
      [2, 1],
      [3, 2],
    ] as const)
      last = await followTaskEvent(stop(n, minute), deps);
    const url = last?.actions[0]?.logsUrl ?? '';
    expect(url).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:log-groups\/log-group\/\$252Fecs\$252Fweb\/log-events\/ecs\$252Fapp\$252F/,
    );
  });

  it('marks the rolling Deckhand rollout unhealthy', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.rollouts.claim(rollout('v2', 'rolling'));
    const deps = { config, home: sampleHome, ecs: noEcs, ledger, clock, log: silentLog };
    for (const [n, minute] of [
      [1, 0],
      [2, 1],
      [3, 2],
    ] as const)
      await followTaskEvent(stop(n, minute), deps);
    expect((await ledger.rollouts.get('prod/web', 'v2'))?.unhealthy).toBe(true);
  });
});

describe('deployment events', () => {
  const deploymentEvent = (file: string, deploymentId: string, id: string) => {
    const event = loadEvent<{
      id: string;
      account: string;
      region: string;
      resources: string[];
      detail: { deploymentId: string };
    }>(`aws.ecs/${file}`);
    event.id = id;
    // The hub's own service, told by the hub's own account.
    Object.assign(event, sampleHome);
    event.resources = ['arn:aws:ecs:eu-west-1:123456789012:service/prod/web'];
    event.detail.deploymentId = deploymentId;
    return event;
  };

  it('reports a circuit-breaker sequence as rolled back by ECS, never as success', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.rollouts.claim(rollout('v2', 'rolling', { deploymentId: 'ecs-svc/new' }));
    const deps = { config, home: sampleHome, ledger, clock, log: silentLog };
    const rollingBack = await followServiceEvent(
      deploymentEvent('deployment-state-change-in-progress-rollback.awsdocs', 'ecs-svc/old', 'a'),
      deps,
    );
    expect(rollingBack.actions[0]).toMatchObject({ status: 'rolling-back', byDeckhand: true });
    const completed = await followServiceEvent(
      deploymentEvent('deployment-state-change-completed.awsdocs', 'ecs-svc/old', 'b'),
      deps,
    );
    expect(completed).toMatchObject({
      outcome: 'rolled-back',
      reason: expect.stringMatching(/rolled back by ECS/),
    });
    expect(await ledger.rollouts.get('prod/web', 'v2')).toMatchObject({
      status: 'rolled-back',
      rolledBackBy: 'ecs',
    });
  });

  it('moves its own deployment to succeeded or failed, and flags others as not by Deckhand', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.rollouts.claim(rollout('v2', 'rolling', { deploymentId: 'ecs-svc/2' }));
    const deps = { config, home: sampleHome, ledger, clock, log: silentLog };
    await followServiceEvent(
      deploymentEvent('deployment-state-change-completed.awsdocs', 'ecs-svc/2', 'c'),
      deps,
    );
    expect(await ledger.rollouts.get('prod/web', 'v2')).toMatchObject({
      status: 'succeeded',
      completedAt: '2020-05-23T11:11:11Z',
    });
    const foreign = await followServiceEvent(
      deploymentEvent('deployment-state-change-completed.awsdocs', 'ecs-svc/manual', 'd'),
      deps,
    );
    expect(foreign.actions[0]).toMatchObject({ byDeckhand: false });
    expect(ledger.state.foreign).toEqual([
      { serviceKey: 'prod/web', deployment: expect.objectContaining({ deploymentId: 'ecs-svc/manual' }) },
    ]);
    await ledger.rollouts.claim(rollout('v3', 'rolling', { deploymentId: 'ecs-svc/3' }));
    const failed = await followServiceEvent(
      deploymentEvent('deployment-state-change-failed.awsdocs', 'ecs-svc/3', 'e'),
      deps,
    );
    expect(failed.outcome).toBe('alerted');
    expect((await ledger.rollouts.get('prod/web', 'v3'))?.status).toBe('failed');
  });

  it('ignores services outside every pipeline, and rejects malformed events naming the field', async () => {
    const clock = new ManualClock();
    const deps = { config, home: sampleHome, ledger: createMemoryLedger(clock), clock, log: silentLog };
    const event = deploymentEvent('deployment-state-change-completed.awsdocs', 'x', 'f');
    event.resources = ['arn:aws:ecs:eu-west-1:123456789012:service/other/api'];
    expect((await followServiceEvent(event, deps)).outcome).toBe('ignored');
    event.resources = ['not-an-arn'];
    expect(await followServiceEvent(event, deps)).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('resources[0]'),
    });
  });
});

describe('alarms', () => {
  const alarmConfig = parseConfig(
    {
      pipelines: [
        {
          name: 'web',
          repository: 'web',
          targets: [{ cluster: 'prod', service: 'web' }],
          bake: '10m',
          alarms: ['web-5xx'],
        },
      ],
    },
    't',
  );
  const updates: string[] = [];
  const ecs = {
    updateService: (_c: string, _s: string, td: string) => {
      updates.push(td);
      return Promise.resolve({});
    },
  } as unknown as EcsPort;
  const alarmEvent = (file: string, name: string, timestamp: string) => {
    const event = loadEvent<{ detail: { alarmName: string; state: { value: string; timestamp: string } } }>(
      `aws.cloudwatch/${file}`,
    );
    Object.assign(event, sampleHome);
    event.detail.alarmName = name;
    event.detail.state.value = 'ALARM';
    event.detail.state.timestamp = timestamp;
    return event;
  };
  const setup = async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.rollouts.claim(rollout('v1', 'succeeded', { completedAt: '2026-11-20T10:01:30Z' }));
    await ledger.rollouts.claim(rollout('v2', 'succeeded', { completedAt: '2026-11-20T10:02:30Z' }));
    return {
      config: alarmConfig,
      home: sampleHome,
      ecs,
      ledger,
      clock,
      log: silentLog,
      alarms: { tagsOf: () => Promise.resolve({}) },
    };
  };

  it('ignores an alarm no pipeline watches', async () => {
    const { handleAlarm } = await import('#core/use-cases/alarm-rollback.ts');
    const outcome = await handleAlarm(
      alarmEvent('alarm-state-change-metric-math.awsdocs', 'other', '2026-11-20T10:05:00.000+0000'),
      await setup(),
    );
    expect(outcome.outcome).toBe('ignored');
  });

  it('only notifies outside the bake window', async () => {
    const { handleAlarm } = await import('#core/use-cases/alarm-rollback.ts');
    updates.length = 0;
    const outcome = await handleAlarm(
      alarmEvent('alarm-state-change-single-metric.awsdocs', 'web-5xx', '2026-11-20T10:30:00.000+0000'),
      await setup(),
    );
    expect(outcome).toMatchObject({ outcome: 'alerted', actions: [{ status: 'notified' }] });
    expect(updates).toEqual([]);
  });

  it.each(['alarm-state-change-composite', 'alarm-state-change-anomaly-detection'])(
    'rolls back on a %s alarm',
    async (file) => {
      const { handleAlarm } = await import('#core/use-cases/alarm-rollback.ts');
      updates.length = 0;
      const outcome = await handleAlarm(
        alarmEvent(file, 'web-5xx', '2026-11-20T10:05:00.012+0000'),
        await setup(),
      );
      expect(outcome.outcome).toBe('rolled-back');
      expect(updates).toEqual(['web:1']);
    },
  );

  it('rolls back inside the bake window, for metric-math alarms too', async () => {
    const { handleAlarm } = await import('#core/use-cases/alarm-rollback.ts');
    updates.length = 0;
    const deps = await setup();
    const outcome = await handleAlarm(
      alarmEvent('alarm-state-change-metric-math.awsdocs', 'web-5xx', '2026-11-20T10:05:00.000+0000'),
      deps,
    );
    expect(outcome).toMatchObject({
      outcome: 'rolled-back',
      actions: [{ status: 'rolled-back', to: 'web:1' }],
    });
    expect(updates).toEqual(['web:1']);
    expect(deps.ledger.state.pauses.get('prod/web')).toMatchObject({ pipeline: 'web' });
  });
});
