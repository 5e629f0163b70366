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
import { currentRollout, rollBack } from '../rollouts/roll-back.ts';
import { type Home, sameSite, serviceKeyOf, siteAt, siteOfTarget, unknownAccountReason } from '../sites.ts';

export interface AlarmDeps {
  config: DeckhandConfig;
  home: Home;
  ecs: Pick<EcsPort, 'updateService'>;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'pauses'>;
  alarms: Pick<AlarmsPort, 'tagsOf'>;
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
  // An alarm speaks only for services in its own account and Region.
  const where = siteAt(deps, event.account, event.region);
  if (!where.known)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: unknownAccountReason(event.account, event.region),
    };
  const { site } = where;
  let cachedTags: Promise<Record<string, string>> | undefined;
  const tags = () =>
    (cachedTags ??= event.resources[0] ? deps.alarms.tagsOf(event.resources[0], site) : Promise.resolve({}));
  const watching: PipelineConfig[] = [];
  for (const pipeline of deps.config.pipelines)
    if (
      pipeline.targets.some((t) => sameSite(siteOfTarget(deps, t), site)) &&
      (await watches(pipeline, event, tags))
    )
      watching.push(pipeline);
  if (watching.length === 0)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: `no pipeline with targets in account ${event.account} (${event.region}) watches alarm ${detail.alarmName}`,
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
    for (const target of pipeline.targets.filter((t) => sameSite(siteOfTarget(deps, t), site)))
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
  const site = siteOfTarget(deps, target);
  const serviceKey = serviceKeyOf(target.cluster, target.service, site);
  const action = {
    pipeline: pipeline.name,
    cluster: target.cluster,
    service: target.service,
    ...(site ? { site } : {}),
  };
  // The head is read with the rollouts: the rollback is decided on this version and loses to any later roll.
  const [history, head] = await Promise.all([
    deps.ledger.rollouts.list(serviceKey),
    deps.ledger.heads.get(serviceKey),
  ]);
  const current = currentRollout(history, pipeline.name);
  if (current?.status === 'rolled-back')
    return {
      ...action,
      status: 'already-rolled-back',
      digest: current.digest,
      reason: 'already rolled back',
    };
  if (!current || !inBakeWindow(current, at, parseDuration(pipeline.bake) ?? 600_000))
    return { ...action, status: 'notified', reason: `alarm ${alarm} outside any bake window: notify only` };
  return rollBack(
    {
      pipeline,
      target: { serviceKey, cluster: target.cluster, service: target.service, site },
      current,
      head,
      to: lastKnownGood(history, current),
      cause: `alarm ${alarm} during the bake`,
    },
    deps,
  );
};
