/**
 * Outcome metrics through Powertools Metrics: embedded metric format lines on stdout, which CloudWatch Logs
 * turns into metrics (no PutMetricData call, no extra IAM). One EMF line per pipeline, with the dimension set
 * `[Pipeline]`, and one per environment, with `[Environment]`.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '#commons/powertools.ts';
import { outcomeMetrics } from '#core/metrics/outcome-metrics.ts';
import {
  environmentDimension,
  metricsNamespace,
  metricUnits,
  pipelineDimension,
} from '#core/metrics/names.ts';
import type { MetricPoint } from '#core/metrics/names.ts';
import type { Outcome } from '#core/outcome.ts';
import type { DeckhandConfig } from '#core/config.ts';
import { pipelineEnvironment } from '#core/metrics/environment.ts';

// POWERTOOLS_DEV disables it (as in tests) unless POWERTOOLS_METRICS_DISABLED says otherwise.
const metrics = new Metrics({ namespace: metricsNamespace });
// The default `service` dimension would be added to every set: the dashboard queries `[Pipeline]` alone.
metrics.clearDefaultDimensions();

const publishUnder = (dimension: string, groups: Map<string, MetricPoint[]>) => {
  for (const [value, points] of groups) {
    metrics.addDimension(dimension, value);
    for (const point of points) metrics.addMetric(point.name, metricUnits[point.name], point.value);
    metrics.publishStoredMetrics();
  }
};

export const publishMetrics = (
  points: readonly MetricPoint[],
  environmentOf: (pipeline: string) => string | undefined = () => undefined,
): void => {
  const valid = points.filter((p) => Number.isFinite(p.value) && p.pipeline !== '');
  publishUnder(
    pipelineDimension,
    Map.groupBy(valid, (p) => p.pipeline),
  );
  const placed = valid.flatMap((p) => {
    const environment = environmentOf(p.pipeline);
    return environment ? [{ environment, point: p }] : [];
  });
  publishUnder(
    environmentDimension,
    new Map(
      [...Map.groupBy(placed, (p) => p.environment)].map(([env, items]) => [env, items.map((i) => i.point)]),
    ),
  );
};

/** Emits what the outcome counts; nothing when it counts nothing. Never fails the event it measures. */
export const publishOutcomeMetrics = (outcome: Outcome, config?: DeckhandConfig): void => {
  try {
    publishMetrics(outcomeMetrics(outcome), (pipeline) => config && pipelineEnvironment(config, pipeline));
  } catch (error) {
    logger.warn('metrics not published', { eventId: outcome.eventId, error: (error as Error).message });
  }
};
