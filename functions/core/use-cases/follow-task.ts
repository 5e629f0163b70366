/**
 * Crash loops: ECS "Task State Change" events with lastStatus STOPPED, per service.
 *
 * Primary course:
 *  1. Parse the event; keep only STOPPED tasks of services (`group` `service:<name>`) in a pipeline.
 *  2. Dedupe on (taskArn, version): one stop produces several events.
 *  3. Classify the stop (OOM, image pull, resource initialisation, health check, non-zero exit; spot
 *     interruptions, scale-in and user stops are not failures).
 *  4. Record a failing stop and count the service's failing stops in the window (default 3 in 10 min).
 *  5. At the threshold, claim the service's one crash-loop alert for the window, mark a rolling Deckhand
 *     rollout unhealthy, and alert with the classification, exit codes, reasons, digest and a logs link.
 *
 * Alternate courses: below the threshold, or with the window's alert already sent, the stop is `recorded`.
 */
import { resourceName } from '../arn.ts';
import { type DeckhandConfig, pipelinesForService } from '../config.ts';
import { errorMessage } from '../errors.ts';
import { type EcsTaskEvent, ecsTaskEventSchema } from '../events/ecs.ts';
import { acceptEvent } from '../events/parse-event.ts';
import { type CrashLoopAction, type TaskOutcome } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { Ledger } from '../ports/stores.ts';
import { parseDuration } from '../rollouts/duration.ts';
import { classifyStop } from '../rollouts/stop-classifier.ts';
import { type Home, type Site, trustService } from '../sites.ts';

export interface TaskDeps {
  config: DeckhandConfig;
  home: Home;
  ecs: Pick<EcsPort, 'describeTaskDefinition'>;
  ledger: Pick<Ledger, 'rollouts' | 'crashLoops'>;
  clock: Clock;
  log: Log;
}

export const followTaskEvent = async (input: unknown, deps: TaskDeps): Promise<TaskOutcome> => {
  const accepted = acceptEvent('task', ecsTaskEventSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const { detail } = event;
  const ignore = (reason: string): TaskOutcome => ({ ...base, outcome: 'ignored', actions: [], reason });
  if (detail.lastStatus !== 'STOPPED') return ignore(`task ${detail.lastStatus}`);
  const service = detail.group?.startsWith('service:') ? detail.group.slice('service:'.length) : undefined;
  if (!service) return ignore('not a service task');
  // The task's service, as an ARN in the cluster's account and Region: only that account speaks for it.
  const trust = trustService(
    deps,
    event,
    `${detail.clusterArn.replace(':cluster/', ':service/')}/${service}`,
  );
  if (!trust.trusted) return ignore(trust.reason);
  const { cluster, site, serviceKey } = trust.service;
  const pipelines = pipelinesForService(deps, site, cluster, service);
  if (pipelines.length === 0) return ignore(`${serviceKey} is in no pipeline`);
  if (!(await deps.ledger.crashLoops.markTaskEvent(detail.taskArn, detail.version)))
    return ignore('duplicate task event');

  const classification = classifyStop(detail);
  const digest = detail.containers.find((c) => c.imageDigest)?.imageDigest;
  const action: CrashLoopAction = {
    cluster,
    service,
    ...(site ? { site } : {}),
    taskArn: detail.taskArn,
    classification,
    crashLoop: false,
    ...(digest ? { digest } : {}),
  };
  if (!classification.failing) {
    return {
      ...base,
      outcome: 'recorded',
      actions: [action],
      reason: `stop is not a failure (${classification.kind})`,
    };
  }
  const policy = pipelines.find((p) => p.crashLoop)?.crashLoop ?? deps.config.rollouts.crashLoop;
  const windowMs = parseDuration(policy.window) ?? 600_000;
  const at = detail.stoppedAt ?? event.time;
  const since = new Date(Date.parse(at) - windowMs).toISOString();
  const stops = await deps.ledger.crashLoops.recordFailingStop(
    serviceKey,
    { taskArn: detail.taskArn, at, kind: classification.kind, ...(digest ? { digest } : {}) },
    since,
  );
  if (stops.length < policy.stops) {
    return {
      ...base,
      outcome: 'recorded',
      actions: [{ ...action, failingStops: stops.length, window: policy.window }],
      reason: `${stops.length} of ${policy.stops} failing stops in ${policy.window}`,
    };
  }
  const until = new Date(Date.parse(at) + windowMs).toISOString();
  if (!(await deps.ledger.crashLoops.claimAlert(serviceKey, at, until))) {
    return {
      ...base,
      outcome: 'recorded',
      actions: [action],
      reason: 'crash loop already reported for this window',
    };
  }
  const rollout = (await deps.ledger.rollouts.list(serviceKey)).filter((r) => r.status === 'rolling').at(-1);
  if (rollout) {
    await deps.ledger.rollouts.transition(serviceKey, rollout.digest, ['rolling'], {
      unhealthy: true,
      reason: `crash loop: ${classification.kind}`,
      updatedAt: deps.clock.now().toISOString(),
    });
  }
  const pipeline = rollout?.pipeline ?? pipelines[0]?.name;
  const logsUrl = await logsLink(event, site, deps);
  deps.log.warn('crash loop', {
    eventId: event.id,
    serviceKey,
    kind: classification.kind,
    stops: stops.length,
  });
  return {
    ...base,
    outcome: 'alerted',
    actions: [
      {
        ...action,
        ...(pipeline ? { pipeline } : {}),
        crashLoop: true,
        failingStops: stops.length,
        window: policy.window,
        ...(logsUrl ? { logsUrl } : {}),
        ...(rollout ? { rollout: rollout.digest } : {}),
      },
    ],
    reason: `crash loop in ${serviceKey}: ${stops.length} failing stops in ${policy.window} (${classification.kind})`,
  };
};

/** The CloudWatch Logs console link of the stopped task's first awslogs container, if it has one. */
const logsLink = async (
  event: EcsTaskEvent,
  site: Site | undefined,
  deps: TaskDeps,
): Promise<string | undefined> => {
  try {
    const { taskDefinition } = await deps.ecs.describeTaskDefinition(event.detail.taskDefinitionArn, site);
    const container = (taskDefinition.containerDefinitions ?? []).find(
      (c) => (c.logConfiguration as { logDriver?: string } | undefined)?.logDriver === 'awslogs',
    );
    const options =
      (container?.logConfiguration as { options?: Record<string, string> } | undefined)?.options ?? {};
    const group = options['awslogs-group'];
    if (!container || !group) return undefined;
    const region = options['awslogs-region'] ?? event.region;
    const prefix = options['awslogs-stream-prefix'];
    const taskId = resourceName(event.detail.taskArn);
    const encode = (text: string) => encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
    const stream = prefix ? `/log-events/${encode(`${prefix}/${container.name ?? ''}/${taskId}`)}` : '';
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encode(group)}${stream}`;
  } catch (error) {
    // The link is a convenience; the alert goes out without it.
    deps.log.warn('no logs link', {
      taskDefinition: event.detail.taskDefinitionArn,
      error: errorMessage(error),
    });
    return undefined;
  }
};
