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
import type { DeckhandConfig, PipelineConfig } from '../config.ts';
import { type AlarmEvent, alarmEventSchema } from '../events/cloudwatch.ts';
import { acceptEvent } from '../events/parse-event.ts';
import { type AlarmOutcome, type RollbackAction } from '../outcome.ts';
import type { AlarmsPort } from '../ports/alarms.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { Ledger } from '../ports/stores.ts';
import { parseAwsTime, parseDuration } from '../rollouts/duration.ts';
import { inBakeWindow, lastKnownGood } from '../rollouts/known-good.ts';
import { rollService } from '../rollouts/roll-service.ts';
import { serviceKeyOf } from '../service-key.ts';

export interface AlarmDeps {
  config: DeckhandConfig;
  ecs: Pick<EcsPort, 'updateService'>;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'pauses'>;
  alarms: AlarmsPort;
  clock: Clock;
  log: Log;
}

const watches = async (
  pipeline: PipelineConfig,
  event: AlarmEvent,
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
  const accepted = acceptEvent('alarm', alarmEventSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const { detail } = event;
  let cachedTags: Promise<Record<string, string>> | undefined;
  const tags = () =>
    (cachedTags ??= event.resources[0] ? deps.alarms.tagsOf(event.resources[0]) : Promise.resolve({}));
  const watching: PipelineConfig[] = [];
  for (const pipeline of deps.config.pipelines)
    if (await watches(pipeline, event, tags)) watching.push(pipeline);
  if (watching.length === 0)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: `no pipeline watches alarm ${detail.alarmName}`,
    };
  if (detail.state.value !== 'ALARM') {
    deps.log.info('alarm state recorded', {
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
  const { rollouts, heads, pauses } = deps.ledger;
  const serviceKey = serviceKeyOf(target.cluster, target.service);
  const action = { pipeline: pipeline.name, cluster: target.cluster, service: target.service };
  // The head is read with the rollouts: the rollback is decided on this version and loses to any later roll.
  const [history, head] = await Promise.all([rollouts.list(serviceKey), heads.get(serviceKey)]);
  const bakeMs = parseDuration(pipeline.bake) ?? 600_000;
  // What the service runs now, per the ledger: the newest rollout that reached ECS and was not superseded.
  const current = history
    .filter((r) => r.pipeline === pipeline.name && ['rolling', 'succeeded', 'rolled-back'].includes(r.status))
    .at(-1);
  const already = (digest: string) =>
    ({ ...action, status: 'already-rolled-back', digest, reason: 'already rolled back' }) as const;
  if (current?.status === 'rolled-back') return already(current.digest);
  if (!current || !inBakeWindow(current, at, bakeMs))
    return { ...action, status: 'notified', reason: `alarm ${alarm} outside any bake window: notify only` };
  const now = deps.clock.now().toISOString();
  const knownGood = lastKnownGood(history, current);
  // The conditional transition is the claim: a duplicate alarm finds it taken.
  const claimed = await rollouts.transition(serviceKey, current.digest, ['rolling', 'succeeded'], {
    status: 'rolled-back',
    rolledBackBy: 'deckhand',
    unhealthy: true,
    reason: `alarm ${alarm}`,
    updatedAt: now,
  });
  if (!claimed) return already(current.digest);
  const pause = () =>
    pauses.put({
      serviceKey,
      pipeline: pipeline.name,
      digest: current.digest,
      pausedAt: now,
      reason: `alarm ${alarm} during the bake of ${current.tag}`,
    });
  if (!knownGood.found) {
    await pause();
    return {
      ...action,
      status: 'no-known-good',
      digest: current.digest,
      reason: `alarm ${alarm}: ${knownGood.reason}; paused, not rolled back`,
    };
  }
  const handBack = () =>
    rollouts.transition(serviceKey, current.digest, ['rolled-back'], {
      status: current.status,
      updatedAt: now,
    });
  let result: Awaited<ReturnType<typeof rollService>>;
  try {
    result = await rollService(
      {
        target: { serviceKey, cluster: target.cluster, service: target.service },
        taskDefinition: knownGood.taskDefinition,
        intent: {
          // Before Deckhand's first rollout the digest that ran is unknown.
          digest: knownGood.digest ?? '',
          tag: knownGood.tag ?? head?.tag ?? '',
          pipeline: pipeline.name,
          pushedAt: head?.pushedAt ?? current.pushedAt,
          eventId: `rollback:${current.eventId}`,
        },
        precedence: { kind: 'head-version', version: head?.version },
        owner: `rollback#${current.digest}`,
      },
      deps,
    );
  } catch (error) {
    // Hand the claim back so the retry can roll back.
    await handBack();
    throw error;
  }
  if (result.status !== 'rolled') {
    // A newer roll replaced the bad revision already: it stays marked unhealthy, nothing is undone.
    await handBack();
    return {
      ...action,
      status: 'superseded',
      digest: current.digest,
      reason: `not rolled back: ${result.reason}`,
    };
  }
  await pause();
  deps.log.warn('rolled back', {
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
