/**
 * Admission for ECS: Deckhand as a deployment lifecycle hook. ECS invokes it at fixed stages of a
 * blue/green, linear or canary deployment, whoever started it (console, CDK, another pipeline, Deckhand).
 *
 * Primary course:
 *  1. Parse the hook payload; a decision already made for this (execution, stage) is answered again.
 *  2. A deployment ECS is rolling back is never blocked: its own status (DescribeServiceDeployments) says so,
 *     not the weights (at PRE_PRODUCTION_TRAFFIC_SHIFT the target's weight is 0 before any shift too).
 *  3. PRE_SCALE_UP, RECONCILE_SERVICE: read the target revision (DescribeServiceRevisions), its task
 *     definition and the service, judge them at the `admission` point: a `block` failure → FAILED before a
 *     single new task starts; a freeze → FAILED unless that revision was deployed break-glass; a pipeline
 *     approval → IN_PROGRESS while it waits (asked in Slack like a promotion), then SUCCEEDED or FAILED.
 *  4. Traffic shifts: an alarm the pipeline (or `admission.alarms`) names in ALARM → FAILED; while the
 *     step's bake (`admission.bake`) runs → IN_PROGRESS with a callBackDelay no longer than what remains.
 *  5. Record the decision in the ledger and answer `{hookStatus, callBackDelay}`.
 *
 * Alternate courses: a malformed payload or a permanent error → FAILED (fail closed) with the reason, or
 * SUCCEEDED under `admission.onError: continue`; a transient AWS error → IN_PROGRESS with a short delay, so
 * ECS asks again. It never throws: ECS would roll back without a reason.
 */
import { resourceName } from '../arn.ts';
import { type DeckhandConfig, pipelinesForService } from '../config.ts';
import { errorMessage, TransientError } from '../errors.ts';
import { type LifecycleHookInput, lifecycleHookSchema } from '../events/lifecycle-hook.ts';
import type { HookAction, HookOutcome } from '../outcome.ts';
import type { AlarmsPort } from '../ports/alarms.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { EcsDeploymentsPort } from '../ports/ecs-deployments.ts';
import type { Log } from '../ports/log.ts';
import type { AdmissionRecord } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import { parseDuration } from '../rollouts/duration.ts';
import { type Home, locateService, parseServiceArn, type Site, unknownAccountReason } from '../sites.ts';
import { formatIssues } from '../zod-issues.ts';
import { admitRevision } from '../admission/revision.ts';

export interface AdmissionDeps {
  config: DeckhandConfig;
  home: Home;
  ecs: Pick<EcsPort, 'describeServices' | 'describeTaskDefinition'>;
  deployments: Pick<EcsDeploymentsPort, 'describeServiceRevision' | 'describeServiceDeployment'>;
  alarms: Pick<AlarmsPort, 'firing'>;
  ledger: Pick<Ledger, 'admissions' | 'promotions' | 'freezes' | 'rollouts'>;
  clock: Clock;
  log: Log;
}

export type Decision = Pick<
  HookAction,
  'hookStatus' | 'reason' | 'findings' | 'taskDefinition' | 'pipeline'
> & {
  callBackDelay?: number;
  promotion?: HookOutcome['promotion'];
};

/** ECS asks again this soon after a transient failure or while an approval is pending. */
const retrySeconds = 30;
const rollingBack = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);
const shiftStages = new Set([
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);

const executionIdOf = (input: unknown): string => {
  const id = (input as { executionId?: unknown } | null)?.executionId;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 128) : '(no execution id)';
};

const onError = (config: DeckhandConfig, reason: string): Decision =>
  config.admission.onError === 'continue'
    ? { hookStatus: 'SUCCEEDED', reason: `${reason}; admitted (admission.onError: continue)` }
    : { hookStatus: 'FAILED', reason };

const answer = (
  hook: Pick<LifecycleHookInput, 'executionId' | 'lifecycleStage' | 'resourceArn'> & {
    serviceArn: string;
    target: string;
  },
  decision: Decision,
  site?: Site,
): HookOutcome => {
  const { cluster, service } = parseServiceArn(hook.serviceArn);
  const { callBackDelay, promotion, ...rest } = decision;
  return {
    kind: 'hook',
    eventId: hook.executionId,
    detailType: 'ECS Lifecycle Hook',
    outcome: 'hook',
    hookStatus: decision.hookStatus,
    reason: decision.reason,
    ...(callBackDelay !== undefined ? { callBackDelay } : {}),
    ...(promotion ? { promotion } : {}),
    actions: [
      {
        cluster,
        service,
        ...(site ? { site } : {}),
        stage: hook.lifecycleStage,
        serviceDeploymentArn: hook.resourceArn,
        targetServiceRevisionArn: hook.target,
        ...rest,
      },
    ],
  };
};

/** Watches one traffic-shift step: firing alarms fail it; the bake holds it. */
const watchShift = async (
  hook: LifecycleHookInput,
  firstAt: string,
  pipelines: ReturnType<typeof pipelinesForService>,
  site: Site | undefined,
  deps: AdmissionDeps,
): Promise<Decision> => {
  const names = [
    ...new Set([
      ...pipelines.flatMap((p) => (Array.isArray(p.alarms) ? p.alarms : p.alarms.names)),
      ...deps.config.admission.alarms,
    ]),
  ];
  const firing = names.length > 0 ? await deps.alarms.firing(names, site) : [];
  if (firing.length > 0)
    return {
      hookStatus: 'FAILED',
      reason: `alarm ${firing.join(', ')} in ALARM during ${hook.lifecycleStage}`,
    };
  const bakeMs = parseDuration(deps.config.admission.bake) ?? 0;
  const remaining = Date.parse(firstAt) + bakeMs - deps.clock.now().getTime();
  if (remaining > 0)
    return {
      hookStatus: 'IN_PROGRESS',
      callBackDelay: Math.max(1, Math.ceil(Math.min(remaining, 900_000) / 1000)),
      reason: `baking ${hook.lifecycleStage}: ${Math.ceil(remaining / 1000)} s to go, no alarm so far`,
    };
  return {
    hookStatus: 'SUCCEEDED',
    reason: `${hook.lifecycleStage}: no alarm${bakeMs > 0 ? ' through the bake' : ''}`,
  };
};

const judge = async (hook: LifecycleHookInput, deps: AdmissionDeps): Promise<HookOutcome> => {
  const stage = hook.lifecycleStage;
  const context = {
    ...hook,
    serviceArn: hook.executionDetails.serviceArn,
    target: hook.executionDetails.targetServiceRevisionArn,
  };
  const located = locateService(deps, context.serviceArn);
  // Fail closed, with no call: an admission hook never vouches for an account it doesn't know.
  if (!located.known)
    return answer(context, {
      hookStatus: 'FAILED',
      reason: unknownAccountReason(located.account, located.region),
    });
  const { serviceKey, cluster, service, site } = located;
  const previous = await deps.ledger.admissions.get(serviceKey, hook.executionId, stage);
  if (previous && previous.hookStatus !== 'IN_PROGRESS')
    return answer(context, { hookStatus: previous.hookStatus, reason: previous.reason }, site);
  const now = deps.clock.now().toISOString();
  const firstAt = previous?.firstAt ?? now;
  const pipelines = pipelinesForService(deps, site, cluster, service);

  let decision: Decision;
  const deployment = await deps.deployments.describeServiceDeployment(hook.resourceArn, site);
  if (deployment && rollingBack.has(deployment.status))
    decision = {
      hookStatus: 'SUCCEEDED',
      reason: `deployment ${deployment.status}: a rollback is never blocked`,
    };
  else if (stage === 'PRE_SCALE_UP' || stage === 'RECONCILE_SERVICE')
    decision = await admitRevision(hook, { cluster, service, site, serviceKey, pipelines }, deps);
  else if (shiftStages.has(stage)) decision = await watchShift(hook, firstAt, pipelines, site, deps);
  else decision = { hookStatus: 'SUCCEEDED', reason: `nothing to judge at ${stage}` };

  const record: AdmissionRecord = {
    serviceKey,
    executionId: hook.executionId,
    stage,
    serviceDeploymentArn: hook.resourceArn,
    targetServiceRevisionArn: hook.executionDetails.targetServiceRevisionArn,
    hookStatus: decision.hookStatus,
    reason: decision.reason,
    firstAt,
    at: now,
  };
  await deps.ledger.admissions.put(record);
  deps.log.info('hook decided', {
    executionId: hook.executionId,
    serviceKey,
    stage,
    hookStatus: decision.hookStatus,
    reason: decision.reason,
  });
  return answer(context, decision, site);
};

export const admitDeployment = async (input: unknown, deps: AdmissionDeps): Promise<HookOutcome> => {
  const parsed = lifecycleHookSchema.safeParse(input);
  const raw = (input ?? {}) as {
    lifecycleStage?: unknown;
    resourceArn?: unknown;
    executionDetails?: { serviceArn?: unknown; targetServiceRevisionArn?: unknown };
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const fallback = {
    executionId: executionIdOf(input),
    lifecycleStage: (text(raw.lifecycleStage) || '(none)') as LifecycleHookInput['lifecycleStage'],
    resourceArn: text(raw.resourceArn),
    serviceArn: text(raw.executionDetails?.serviceArn),
    target: text(raw.executionDetails?.targetServiceRevisionArn),
  };
  if (!parsed.success) {
    const reason = `malformed hook payload ${fallback.executionId}: ${formatIssues(parsed.error).join('; ')}`;
    deps.log.warn('hook payload rejected', { executionId: fallback.executionId, reason });
    return answer(fallback, onError(deps.config, reason));
  }
  try {
    return await judge(parsed.data, deps);
  } catch (error) {
    const reason = `${resourceName(fallback.resourceArn) || 'deployment'}: ${errorMessage(error)}`;
    if (error instanceof TransientError) {
      deps.log.warn('hook asked again later', { executionId: fallback.executionId, reason });
      return answer(fallback, {
        hookStatus: 'IN_PROGRESS',
        callBackDelay: retrySeconds,
        reason: `retrying: ${reason}`,
      });
    }
    deps.log.error('hook could not decide', { executionId: fallback.executionId, reason });
    return answer(fallback, onError(deps.config, reason));
  }
};
