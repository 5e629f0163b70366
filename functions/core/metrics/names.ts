/**
 * The CloudWatch metrics Deckhand emits (embedded metric format), shared by the emitter, the dashboard and
 * the docs. Dimensions stay bounded: `[Pipeline]`, and `[Environment]` where the pipeline's clusters belong to
 * a `guardrails.environments` entry (config keys, a handful per installation; Powertools' default `service`
 * dimension is dropped). Service ARNs, digests and event ids
 * never become dimensions: each value would make a metric of its own.
 */
export const metricsNamespace = 'Deckhand';

/** The config's pipeline name. */
export const pipelineDimension = 'Pipeline';

/** The `guardrails.environments` key of the pipeline's clusters: each point is emitted once more under it. */
export const environmentDimension = 'Environment';

export const metricNames = {
  /** Rollouts Deckhand started (a push, promotion or release reached `updateService`). */
  deployments: 'Deployments',
  /** Push → rollout succeeded, seconds, one point per succeeded rollout. */
  leadTime: 'LeadTime',
  /** Rollouts that failed or were rolled back (by ECS's circuit breaker or by Deckhand on an alarm). */
  changeFailures: 'ChangeFailures',
  /** A pipeline's failure → its next succeeded rollout, seconds. */
  timeToRestore: 'TimeToRestore',
  /** Deploys a guardrail blocked or held pending (a scan). */
  blockedByGuardrails: 'BlockedByGuardrails',
  /** Deploys held back by a freeze. */
  frozen: 'Frozen',
  /** Services found drifted (newly or changed). */
  driftFound: 'DriftFound',
  /** Crash loops detected. */
  crashLoops: 'CrashLoops',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export type MetricUnit = 'Count' | 'Seconds';

export const metricUnits: Record<MetricName, MetricUnit> = {
  Deployments: 'Count',
  LeadTime: 'Seconds',
  ChangeFailures: 'Count',
  TimeToRestore: 'Seconds',
  BlockedByGuardrails: 'Count',
  Frozen: 'Count',
  DriftFound: 'Count',
  CrashLoops: 'Count',
};

/** One value to emit under its pipeline's dimension. */
export interface MetricPoint {
  name: MetricName;
  value: number;
  pipeline: string;
}
