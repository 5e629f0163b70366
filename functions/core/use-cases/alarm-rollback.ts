/**
 * Alarm rollback: a CloudWatch alarm that watches a pipeline fires inside a rollout's bake window → roll the
 * service back to its last known-good revision and pause the pipeline's automation for it.
 *
 * Primary course:
 *  1. Parse the alarm event; only a change to ALARM acts (OK and INSUFFICIENT_DATA are recorded).
 *  2. Find the pipelines that watch the alarm, by name or by a tag selector on the alarm.
 *  3. For each of their services, find the rollout the alarm falls into: still rolling, or completed less
 *     than `bake` ago. Outside every bake window the alarm only notifies.
 *  4. Claim the rollback with a conditional transition to `rolled-back`, so a duplicate alarm does nothing.
 *  5. Select the last known-good revision from the ledger (not revision − 1), UpdateService to it under the
 *     service lock, move the head there, and pause automation for the pipeline and service.
 *
 * Alternate courses: no pipeline watches the alarm → `ignored`; no known-good revision → `alerted`, paused,
 * nothing rolled; a malformed event → `rejected`; transient AWS failures are thrown and retried.
 */
import { logger } from '#commons/powertools.ts';
import type { DeckhandConfig, PipelineConfig } from '../config.ts';
import { LockBusyError } from '../errors.ts';
import { type AlarmEvent, alarmEventSchema } from '../events/cloudwatch.ts';
import { parseEvent } from '../events/parse-event.ts';
import { type Outcome, rejected } from '../outcome.ts';
import type { Clock, EcsPort, LedgerPort } from '../ports.ts';
import { parseAwsTime, parseDuration } from '../rollouts/duration.ts';
import { inBakeWindow, lastKnownGood } from '../rollouts/known-good.ts';
import { serviceKeyOf } from './deploy-image.ts';

export interface AlarmsPort {
  /** The alarm's tags, for pipelines that select alarms by tag. */
  tagsOf(alarmArn: string): Promise<Record<string, string>>;
}

export interface AlarmDeps {
  config: DeckhandConfig;
  ecs: EcsPort;
  ledger: LedgerPort;
  alarms: AlarmsPort;
  clock: Clock;
}

export interface RollbackAction {
  pipeline: string;
  cluster: string;
  service: string;
  status: 'rolled-back' | 'notified' | 'already-rolled-back' | 'no-known-good';
  from?: string;
  to?: string;
  digest?: string;
  reason: string;
}

export type AlarmOutcome = Outcome<RollbackAction>;

const watches = async (
  pipeline: PipelineConfig,
  event: AlarmEvent,
  deps: AlarmDeps,
  tags: () => Promise<Record<string, string>>,
) => {
  const { alarms } = pipeline;
  const names = Array.isArray(alarms) ? alarms : alarms.names;
  if (names.includes(event.detail.alarmName)) return true;
  if (Array.isArray(alarms) || Object.keys(alarms.tags).length === 0) return false;
  const actual = await tags();
  return Object.entries(alarms.tags).every(([key, value]) => actual[key] === value);
};

export const handleAlarm = async (input: unknown, deps: AlarmDeps): Promise<AlarmOutcome> => {
  const parsed = parseEvent(alarmEventSchema, input);
  if (!parsed.ok) return rejected(input, parsed.error);
  const { event } = parsed;
  const { detail } = event;
  const base = { eventId: event.id, detailType: event['detail-type'] };
  let cachedTags: Promise<Record<string, string>> | undefined;
  const tags = () =>
    (cachedTags ??= event.resources[0] ? deps.alarms.tagsOf(event.resources[0]) : Promise.resolve({}));
  const watching: PipelineConfig[] = [];
  for (const pipeline of deps.config.pipelines)
    if (await watches(pipeline, event, deps, tags)) watching.push(pipeline);
  if (watching.length === 0)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: `no pipeline watches alarm ${detail.alarmName}`,
    };
  if (detail.state.value !== 'ALARM') {
    logger.info('alarm state recorded', {
      eventId: event.id,
      alarm: detail.alarmName,
      state: detail.state.value,
    });
    return {
      ...base,
      outcome: 'recorded',
      actions: [],
      reason: `alarm ${detail.alarmName} is ${detail.state.value}`,
    };
  }
  const at = parseAwsTime(detail.state.timestamp) ?? new Date(event.time);
  const actions: RollbackAction[] = [];
  for (const pipeline of watching) {
    for (const target of pipeline.targets)
      actions.push(await rollBackTarget(pipeline, target, at, detail.alarmName, deps));
  }
  const rolled = actions.filter((a) => a.status === 'rolled-back');
  return {
    ...base,
    outcome:
      rolled.length > 0
        ? 'rolled-back'
        : actions.every((a) => a.status === 'already-rolled-back')
          ? 'ignored'
          : 'alerted',
    actions,
    reason: actions.map((a) => `${a.cluster}/${a.service}: ${a.reason}`).join('; '),
  };
};

const rollBackTarget = async (
  pipeline: PipelineConfig,
  target: PipelineConfig['targets'][number],
  at: Date,
  alarm: string,
  deps: AlarmDeps,
): Promise<RollbackAction> => {
  const serviceKey = serviceKeyOf(target.cluster, target.service);
  const action = { pipeline: pipeline.name, cluster: target.cluster, service: target.service };
  const rollouts = await deps.ledger.listRollouts(serviceKey);
  const bakeMs = parseDuration(pipeline.bake) ?? 600_000;
  // What the service runs now, per the ledger: the newest rollout that reached ECS and was not superseded.
  const latest = rollouts
    .filter((r) => r.pipeline === pipeline.name && ['rolling', 'succeeded', 'rolled-back'].includes(r.status))
    .at(-1);
  if (latest?.status === 'rolled-back')
    return { ...action, status: 'already-rolled-back', digest: latest.digest, reason: 'already rolled back' };
  const current = latest;
  if (!current || !inBakeWindow(current, at, bakeMs)) {
    return { ...action, status: 'notified', reason: `alarm ${alarm} outside any bake window: notify only` };
  }
  const now = deps.clock.now().toISOString();
  const knownGood = lastKnownGood(rollouts, current);
  const claimed = await deps.ledger.transitionRollout(serviceKey, current.digest, ['rolling', 'succeeded'], {
    status: 'rolled-back',
    rolledBackBy: 'deckhand',
    unhealthy: true,
    reason: `alarm ${alarm}`,
    updatedAt: now,
  });
  if (!claimed)
    return {
      ...action,
      status: 'already-rolled-back',
      digest: current.digest,
      reason: 'already rolled back',
    };
  await deps.ledger.putPause({
    serviceKey,
    pipeline: pipeline.name,
    digest: current.digest,
    pausedAt: now,
    reason: `alarm ${alarm} during the bake of ${current.tag}`,
  });
  if (!knownGood.found) {
    return {
      ...action,
      status: 'no-known-good',
      digest: current.digest,
      reason: `alarm ${alarm}: ${knownGood.reason}; paused, not rolled back`,
    };
  }
  const owner = `rollback#${current.digest}`;
  if (!(await deps.ledger.acquireLock(serviceKey, owner, 60_000))) {
    // Hand the claim back so the retry can roll back.
    await deps.ledger.transitionRollout(serviceKey, current.digest, ['rolled-back'], {
      status: current.status,
      updatedAt: now,
    });
    throw new LockBusyError(`service ${serviceKey} is locked by a deploy`);
  }
  try {
    await deps.ecs.updateService(target.cluster, target.service, knownGood.taskDefinition);
    const head = await deps.ledger.getHead(serviceKey);
    if (head) {
      await deps.ledger.putHead(
        {
          ...head,
          // Before Deckhand's first rollout the digest that ran is unknown.
          digest: knownGood.digest ?? '',
          taskDefinition: knownGood.taskDefinition,
          eventId: `rollback:${current.eventId}`,
          version: head.version + 1,
          updatedAt: now,
        },
        head.version,
      );
    }
  } finally {
    await deps.ledger.releaseLock(serviceKey, owner);
  }
  logger.warn('rolled back', {
    serviceKey,
    from: current.toTaskDefinition,
    to: knownGood.taskDefinition,
    alarm,
  });
  return {
    ...action,
    status: 'rolled-back',
    ...(current.toTaskDefinition ? { from: current.toTaskDefinition } : {}),
    to: knownGood.taskDefinition,
    digest: current.digest,
    reason: `alarm ${alarm} during the bake of ${current.tag}: rolled back to ${knownGood.taskDefinition}; ${pipeline.name} paused for this service`,
  };
};
