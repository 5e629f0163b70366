/**
 * Outcome metrics through Powertools Metrics: embedded metric format lines on stdout, which CloudWatch Logs
 * turns into metrics (no PutMetricData call, no extra IAM). One EMF line per pipeline, so each line carries
 * the single dimension set `[Pipeline]`.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '#commons/powertools.ts';
import { outcomeMetrics } from '#core/metrics/outcome-metrics.ts';
import { metricsNamespace, metricUnits, pipelineDimension } from '#core/metrics/names.ts';
import type { MetricPoint } from '#core/metrics/names.ts';
import type { Outcome } from '#core/outcome.ts';

// POWERTOOLS_DEV disables it (as in tests) unless POWERTOOLS_METRICS_DISABLED says otherwise.
const metrics = new Metrics({ namespace: metricsNamespace });
// The default `service` dimension would be added to every set: the dashboard queries `[Pipeline]` alone.
metrics.clearDefaultDimensions();

export const publishMetrics = (points: readonly MetricPoint[]): void => {
  const valid = points.filter((p) => Number.isFinite(p.value) && p.pipeline !== '');
  for (const pipeline of new Set(valid.map((p) => p.pipeline))) {
    metrics.addDimension(pipelineDimension, pipeline);
    for (const point of valid.filter((p) => p.pipeline === pipeline))
      metrics.addMetric(point.name, metricUnits[point.name], point.value);
    metrics.publishStoredMetrics();
  }
};

/** Emits what the outcome counts; nothing when it counts nothing. Never fails the event it measures. */
export const publishOutcomeMetrics = (outcome: Outcome): void => {
  try {
    publishMetrics(outcomeMetrics(outcome));
  } catch (error) {
    logger.warn('metrics not published', { eventId: outcome.eventId, error: (error as Error).message });
  }
};
