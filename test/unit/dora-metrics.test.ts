/**
 * The DORA measures: the points each outcome emits, the follow-through that feeds them, and the report over
 * a seeded ledger, checked against figures worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { humanSeconds, parseSince } from '#cli/report.ts';
import { parseConfig } from '#core/config.ts';
import { metricNames } from '#core/metrics/names.ts';
import { outcomeMetrics } from '#core/metrics/outcome-metrics.ts';
import type {
  AlarmOutcome,
  DeployAction,
  DeployOutcome,
  DriftOutcome,
  HookOutcome,
  PromotionOutcome,
  TaskOutcome,
} from '#core/outcome.ts';
import { silentLog } from '#core/ports/log.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { reportDora } from '#core/use-cases/report-dora.ts';
import { doraConfig, doraExpected, doraRecord, reportNow, seedDoraLedger } from '../helpers/dora-ledger.ts';
import { loadEvent } from '../helpers/load-event.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';

const config = parseConfig(doraConfig, 'test');

const deployAction = (status: DeployAction['status'], pipeline = 'web-prod'): DeployAction => ({
  pipeline,
  cluster: 'prod',
  service: 'web',
  image: 'repo@sha256:1',
  tag: '1.0.0',
  status,
});

const deployOutcome = (...actions: DeployAction[]): DeployOutcome => ({
  kind: 'deploy',
  eventId: 'e1',
  detailType: 'ECR Image Action',
  outcome: 'deployed',
  actions,
});

describe('outcome metrics', () => {
  it('counts deploys started, guardrail blocks and freezes per pipeline, not failed rolls or pauses', () => {
    const points = outcomeMetrics(
      deployOutcome(
        deployAction('deployed'),
        deployAction('deployed', 'api-prod'),
        deployAction('blocked'),
        deployAction('frozen'),
        deployAction('failed'),
        deployAction('paused'),
        deployAction('unchanged'),
      ),
    );
    expect(points).toEqual([
      { name: 'Deployments', value: 1, pipeline: 'web-prod' },
      { name: 'Deployments', value: 1, pipeline: 'api-prod' },
      { name: 'BlockedByGuardrails', value: 1, pipeline: 'web-prod' },
      { name: 'Frozen', value: 1, pipeline: 'web-prod' },
    ]);
  });

  it('follows deploys inside scans and promotions, and counts rollbacks, crash loops, drift and hook blocks', () => {
    const base = { eventId: 'e', detailType: 'x', reason: 'r' };
    const promotion: PromotionOutcome = {
      ...base,
      kind: 'promotion',
      outcome: 'promoted',
      actions: [
        {
          pipeline: 'api-prod',
          source: 'web-prod',
          digest: 'sha256:1',
          tag: '1.0.0',
          image: 'repo@sha256:1',
          status: 'promoted',
          deploy: deployOutcome(deployAction('deployed', 'api-prod')),
        },
      ],
      resumed: [deployOutcome(deployAction('blocked'))],
    };
    expect(outcomeMetrics(promotion)).toEqual([
      { name: 'Deployments', value: 1, pipeline: 'api-prod' },
      { name: 'BlockedByGuardrails', value: 1, pipeline: 'web-prod' },
    ]);
    expect(
      outcomeMetrics({
        ...base,
        kind: 'scan',
        outcome: 'deployed',
        actions: [deployOutcome(deployAction('deployed'))],
      }),
    ).toEqual([{ name: 'Deployments', value: 1, pipeline: 'web-prod' }]);

    const rollback = (status: AlarmOutcome['actions'][number]['status']) => ({
      pipeline: 'web-prod',
      cluster: 'prod',
      service: 'web',
      status,
      reason: 'alarm',
    });
    const alarm: AlarmOutcome = {
      ...base,
      kind: 'alarm',
      outcome: 'rolled-back',
      actions: [
        rollback('rolled-back'),
        rollback('no-known-good'),
        rollback('already-rolled-back'),
        rollback('notified'),
      ],
    };
    expect(outcomeMetrics(alarm)).toEqual([
      { name: 'ChangeFailures', value: 1, pipeline: 'web-prod' },
      { name: 'ChangeFailures', value: 1, pipeline: 'web-prod' },
    ]);

    const stop = { cluster: 'prod', service: 'web', taskArn: 't', classification: { kind: 'oom' } };
    const task = {
      ...base,
      kind: 'task',
      outcome: 'alerted',
      actions: [
        { ...stop, pipeline: 'web-prod', crashLoop: true },
        { ...stop, pipeline: 'web-prod', crashLoop: false },
      ],
    } as unknown as TaskOutcome;
    expect(outcomeMetrics(task)).toEqual([{ name: 'CrashLoops', value: 1, pipeline: 'web-prod' }]);

    const report = (change: DriftOutcome['actions'][number]['change'], pipeline: string) => ({
      pipeline,
      cluster: 'prod',
      service: 'web',
      change,
      drift: [],
    });
    const drift: DriftOutcome = {
      ...base,
      kind: 'drift',
      outcome: 'alerted',
      drift: [],
      actions: [
        report('new', 'web-prod'),
        report('changed', 'api-prod'),
        report('unchanged', 'idle'),
        report('resolved', 'idle'),
      ],
    };
    expect(outcomeMetrics(drift).map((p) => [p.name, p.pipeline])).toEqual([
      ['DriftFound', 'web-prod'],
      ['DriftFound', 'api-prod'],
    ]);

    const hookAction = {
      cluster: 'prod',
      service: 'web',
      pipeline: 'web-prod',
      stage: 'PRE_SCALE_UP',
      serviceDeploymentArn: 'arn',
      targetServiceRevisionArn: 'arn',
      reason: 'r',
    };
    const finding = { rule: 'TD-001', severity: 'high', field: 'f', message: 'm' } as const;
    const hook: HookOutcome = {
      ...base,
      kind: 'hook',
      outcome: 'hook',
      hookStatus: 'FAILED',
      actions: [
        { ...hookAction, hookStatus: 'FAILED', findings: [{ ...finding, status: 'fail', mode: 'block' }] },
        // an alarm or a warn-mode finding fails no guardrail
        { ...hookAction, hookStatus: 'FAILED', findings: [{ ...finding, status: 'fail', mode: 'warn' }] },
        { ...hookAction, hookStatus: 'FAILED' },
      ],
    };
    expect(outcomeMetrics(hook)).toEqual([{ name: 'BlockedByGuardrails', value: 1, pipeline: 'web-prod' }]);
    expect(
      outcomeMetrics({
        ...base,
        kind: 'audit',
        outcome: 'alerted',
        actions: [{ resource: 'r', findings: [] }],
      }),
    ).toEqual([]);
  });
});

describe('rollout follow-through → lead time, change failures, time to restore', () => {
  const deploymentEvent = (file: string, deploymentId: string, id: string, updatedAt: string) => {
    const event = loadEvent<{
      id: string;
      resources: string[];
      detail: { deploymentId: string; updatedAt: string };
    }>(`aws.ecs/${file}`);
    event.id = id;
    // The hub's own service, told by the hub's own account.
    Object.assign(event, sampleHome);
    event.resources = ['arn:aws:ecs:eu-west-1:123456789012:service/prod/web'];
    event.detail.deploymentId = deploymentId;
    event.detail.updatedAt = updatedAt;
    return event;
  };
  const rolling = (id: string, pushedAt: string, deploymentId: string) => ({
    ...doraRecord({ id, service: 'web', pushedAt, createdAt: pushedAt, status: 'rolling' }),
    deploymentId,
  });

  it('emits each once, and the report over the same ledger agrees', async () => {
    const clock = new ManualClock(Date.parse('2026-11-20T09:00:00Z'));
    const ledger = createMemoryLedger(clock);
    const deps = { config, home: sampleHome, ledger, clock, log: silentLog };
    await ledger.rollouts.claim(rolling('f1', '2026-11-20T08:50:00Z', 'ecs-svc/1'));
    // ECS reports the failure at 09:10 (the ledger stamps it with the clock).
    clock.set('2026-11-20T09:10:00Z');
    const failed = await followServiceEvent(
      deploymentEvent('deployment-state-change-failed.awsdocs', 'ecs-svc/1', 'e1', '2026-11-20T09:10:00Z'),
      deps,
    );
    expect(outcomeMetrics(failed)).toEqual([{ name: 'ChangeFailures', value: 1, pipeline: 'web-prod' }]);
    // A duplicate FAILED event finds the rollout ended: nothing more is counted.
    const again = await followServiceEvent(
      deploymentEvent('deployment-state-change-failed.awsdocs', 'ecs-svc/1', 'e1b', '2026-11-20T09:10:00Z'),
      deps,
    );
    expect(outcomeMetrics(again)).toEqual([]);

    // The fix, pushed 09:40, completes at 10:25: lead time 45m = 2700s; restored 09:10 → 10:25 = 75m = 4500s.
    clock.set('2026-11-20T09:41:00Z');
    await ledger.rollouts.claim(rolling('f2', '2026-11-20T09:40:00Z', 'ecs-svc/2'));
    clock.set('2026-11-20T10:25:30Z');
    const completed = await followServiceEvent(
      deploymentEvent('deployment-state-change-completed.awsdocs', 'ecs-svc/2', 'e2', '2026-11-20T10:25:00Z'),
      deps,
    );
    expect(outcomeMetrics(completed)).toEqual([
      { name: metricNames.leadTime, value: 2700, pipeline: 'web-prod' },
      { name: metricNames.timeToRestore, value: 4500, pipeline: 'web-prod' },
    ]);
    const duplicate = await followServiceEvent(
      deploymentEvent(
        'deployment-state-change-completed.awsdocs',
        'ecs-svc/2',
        'e2b',
        '2026-11-20T10:25:00Z',
      ),
      deps,
    );
    expect(outcomeMetrics(duplicate)).toEqual([]);

    const report = await reportDora(deps, new Date('2026-11-01T00:00:00Z'), 'web-prod');
    expect(report.pipelines).toEqual([
      expect.objectContaining({
        pipeline: 'web-prod',
        deployments: 2,
        leadTimeSeconds: 2700,
        changeFailures: 1,
        changeFailureRate: 0.5,
        timeToRestoreSeconds: 4500,
      }),
    ]);
  });
});

describe('deckhand report over a seeded ledger (memory stores)', () => {
  it('agrees with the measures worked out by hand', async () => {
    const clock = new ManualClock(Date.parse(reportNow));
    const ledger = createMemoryLedger(clock);
    await seedDoraLedger(ledger.rollouts);
    const report = await reportDora(
      { config, home: sampleHome, ledger, clock },
      parseSince('30d', clock.now()),
    );
    expect(report.since).toBe('2026-10-25T10:00:00.000Z');
    expect(report.until).toBe(reportNow);
    expect(report.pipelines).toEqual(doraExpected);
  });

  it('reads --since as days, weeks, hours or a date, and prints durations for people', () => {
    const now = new Date(reportNow);
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-17T10:00:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2026-11-10T10:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-11-23T22:00:00.000Z');
    expect(parseSince('2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('soon', now)).toThrow(/--since must be/);
    expect(() => parseSince('2027-01-01', now)).toThrow(/--since must be/);
    expect([45, 750, 3600, 42_300, 77_400, 190_000].map(humanSeconds)).toEqual([
      '45s',
      '12m 30s',
      '1h',
      '11h 45m',
      '21h 30m',
      '2d 4h',
    ]);
  });
});
