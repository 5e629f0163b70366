/**
 * What an outcome counts for the metrics: the points to emit, derived only from the typed outcome (no
 * reads), so every handler can emit them and a duplicate delivery answered from the idempotency record
 * emits nothing. Definitions match the report's (./dora.ts).
 */
import type { Finding } from '../guardrails/types.ts';
import type {
  AlarmOutcome,
  DeployOutcome,
  DeploymentOutcome,
  DriftOutcome,
  HookOutcome,
  Outcome,
  PromotionOutcome,
  TaskOutcome,
} from '../outcome.ts';
import { secondsBetween } from './dora.ts';
import { type MetricPoint, metricNames } from './names.ts';

const one = (name: MetricPoint['name'], pipeline: string): MetricPoint => ({ name, value: 1, pipeline });

const deployPoints = (outcome: DeployOutcome): MetricPoint[] =>
  outcome.actions.flatMap((action) => {
    switch (action.status) {
      case 'deployed':
        return action.again ? [] : [one(metricNames.deployments, action.pipeline)];
      case 'blocked':
        return [one(metricNames.blockedByGuardrails, action.pipeline)];
      case 'frozen':
        return [one(metricNames.frozen, action.pipeline)];
      // Each queued service is counted by the roll worker that rolls it.
      case 'queued':
      case 'planned':
      case 'unchanged':
      case 'superseded':
      case 'paused':
      case 'pending':
      case 'failed':
        return [];
    }
  });

const deploymentPoints = (outcome: DeploymentOutcome): MetricPoint[] =>
  outcome.actions.flatMap(({ rollout, ended }) => {
    if (!rollout || !ended) return [];
    if (ended.result !== 'succeeded') return [one(metricNames.changeFailures, rollout.pipeline)];
    return [
      {
        name: metricNames.leadTime,
        value: secondsBetween(ended.pushedAt, ended.at),
        pipeline: rollout.pipeline,
      },
      ...(ended.failingSince
        ? [
            {
              name: metricNames.timeToRestore,
              value: secondsBetween(ended.failingSince, ended.at),
              pipeline: rollout.pipeline,
            },
          ]
        : []),
    ];
  });

// `no-known-good` marked the rollout rolled back (and paused) even though there was nothing to return to.
const alarmPoints = (outcome: AlarmOutcome): MetricPoint[] =>
  outcome.actions
    .filter((a) => a.status === 'rolled-back' || a.status === 'no-known-good')
    .map((a) => one(metricNames.changeFailures, a.pipeline));

const taskPoints = (outcome: TaskOutcome): MetricPoint[] =>
  outcome.actions.flatMap((a) =>
    a.crashLoop && a.pipeline ? [one(metricNames.crashLoops, a.pipeline)] : [],
  );

const driftPoints = (outcome: DriftOutcome): MetricPoint[] =>
  outcome.actions
    .filter((report) => report.change === 'new' || report.change === 'changed')
    .map((report) => one(metricNames.driftFound, report.pipeline));

const promotionPoints = (outcome: PromotionOutcome): MetricPoint[] => [
  ...outcome.actions.flatMap((a) => (a.deploy ? deployPoints(a.deploy) : [])),
  ...(outcome.resumed ?? []).flatMap(deployPoints),
];

const blocking = (f: Finding): boolean => f.mode === 'block' && (f.status === 'fail' || f.status === 'error');

// A hook that failed a deployment on a guardrail's `block` finding (not an alarm, a freeze or a decline).
const hookPoints = (outcome: HookOutcome): MetricPoint[] =>
  outcome.actions.flatMap((a) =>
    a.hookStatus === 'FAILED' && a.pipeline && (a.findings ?? []).some(blocking)
      ? [one(metricNames.blockedByGuardrails, a.pipeline)]
      : [],
  );

export const outcomeMetrics = (outcome: Outcome): MetricPoint[] => {
  switch (outcome.kind) {
    case 'deploy':
      return deployPoints(outcome);
    case 'scan':
      return outcome.actions.flatMap(deployPoints);
    case 'deployment':
      return deploymentPoints(outcome);
    case 'alarm':
      return alarmPoints(outcome);
    case 'task':
      return taskPoints(outcome);
    case 'drift':
      return driftPoints(outcome);
    case 'promotion':
      return promotionPoints(outcome);
    case 'hook':
      return hookPoints(outcome);
    case 'audit':
    case 'interaction':
    case 'unrouted':
      return [];
  }
};
