/**
 * Rollout follow-through: ECS deployment and service events move Deckhand's rollouts to their end.
 *
 * Primary course:
 *  1. Parse an "ECS Deployment State Change" or "ECS Service Action"; route on the event name, since newer
 *     names appear under both detail-types.
 *  2. Find the service's rollouts in the ledger; match the deployment by the id UpdateService returned.
 *  3. IN_PROGRESS with a circuit-breaker reason → the service's rolling rollout is being rolled back by ECS.
 *     COMPLETED → that rollout is `rolled-back` (by ECS) if it was, else `succeeded`. FAILED → `failed`.
 *  4. A deployment Deckhand did not start is recorded as "not by Deckhand" (drift reads it).
 *  5. Service actions: task-start impairment and placement failures alert; steady state is recorded.
 *
 * Alternate courses: a service outside every pipeline is `ignored`; a malformed event is `rejected`.
 */
import { logger } from '#commons/powertools.ts';
import { type DeckhandConfig, pipelinesForService } from '../config.ts';
import { type EcsServiceEvent, ecsServiceEventSchema, serviceKeyFromArn } from '../events/ecs.ts';
import { parseEvent } from '../events/parse-event.ts';
import { type Outcome, rejected } from '../outcome.ts';
import type { Clock, LedgerPort, RolloutRecord } from '../ports.ts';

export interface FollowDeps {
  config: DeckhandConfig;
  ledger: LedgerPort;
  clock: Clock;
}

export interface RolloutAction {
  cluster: string;
  service: string;
  deploymentId?: string;
  digest?: string;
  status: string;
  byDeckhand: boolean;
  reason?: string;
}

export type FollowOutcome = Outcome<RolloutAction>;

const circuitBreaker = /circuit breaker.*roll(ing)? back/i;

export const followServiceEvent = async (input: unknown, deps: FollowDeps): Promise<FollowOutcome> => {
  const parsed = parseEvent(ecsServiceEventSchema, input);
  if (!parsed.ok) return rejected(input, parsed.error);
  const { event } = parsed;
  const serviceKey = serviceKeyFromArn(event.resources[0] ?? '');
  const [cluster = '', service = ''] = serviceKey.split('/');
  const base = { eventId: event.id, detailType: event['detail-type'] };
  if (pipelinesForService(deps.config, cluster, service).length === 0) {
    return { ...base, outcome: 'ignored', actions: [], reason: `${serviceKey} is in no pipeline` };
  }
  const name = event.detail.eventName;
  if (name.startsWith('SERVICE_DEPLOYMENT_'))
    return followDeployment(event, serviceKey, cluster, service, deps);
  const action: RolloutAction = {
    cluster,
    service,
    status: name,
    byDeckhand: false,
    ...(event.detail.reason ? { reason: event.detail.reason } : {}),
  };
  const alert = /IMPAIRED|FAILURE|FAILED|UNHEALTHY/.test(name);
  logger.info('service event', { eventId: event.id, serviceKey, eventName: name });
  return {
    ...base,
    outcome: alert ? 'alerted' : 'recorded',
    actions: [action],
    reason: `${serviceKey}: ${name}`,
  };
};

const followDeployment = async (
  event: EcsServiceEvent,
  serviceKey: string,
  cluster: string,
  service: string,
  deps: FollowDeps,
): Promise<FollowOutcome> => {
  const { detail } = event;
  const name = detail.eventName;
  const deploymentId = detail.deploymentId ?? '';
  const at = detail.updatedAt ?? event.time;
  const base = { eventId: event.id, detailType: event['detail-type'] };
  const rollouts = await deps.ledger.listRollouts(serviceKey);
  const ours = rollouts.find((r) => r.deploymentId !== undefined && r.deploymentId === deploymentId);
  // The rollout ECS is acting on now: the newest one still rolling.
  const active = rollouts.filter((r) => r.status === 'rolling').at(-1);
  const now = deps.clock.now().toISOString();
  const reply = (
    outcome: FollowOutcome['outcome'],
    record: RolloutRecord | undefined,
    status: string,
    reason: string,
  ): FollowOutcome => {
    logger.info('deployment event', { eventId: event.id, serviceKey, eventName: name, deploymentId, status });
    return {
      ...base,
      outcome,
      actions: [
        {
          cluster,
          service,
          deploymentId,
          ...(record ? { digest: record.digest } : {}),
          status,
          byDeckhand: record !== undefined,
          reason,
        },
      ],
      reason: `${serviceKey}: ${reason}`,
    };
  };

  if (name === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && circuitBreaker.test(detail.reason ?? '')) {
    const target = ours?.status === 'rolling' ? ours : active;
    if (target) {
      await deps.ledger.transitionRollout(serviceKey, target.digest, ['rolling'], {
        rollingBack: true,
        reason: detail.reason ?? '',
        updatedAt: now,
      });
      return reply('recorded', target, 'rolling-back', 'ECS circuit breaker is rolling the deployment back');
    }
  }
  if (name === 'SERVICE_DEPLOYMENT_COMPLETED') {
    const rolledBack = rollouts.filter((r) => r.status === 'rolling' && r.rollingBack).at(-1);
    if (rolledBack) {
      await deps.ledger.transitionRollout(serviceKey, rolledBack.digest, ['rolling'], {
        status: 'rolled-back',
        rolledBackBy: 'ecs',
        unhealthy: true,
        reason: 'rolled back by ECS (deployment circuit breaker)',
        updatedAt: now,
      });
      return reply(
        'rolled-back',
        rolledBack,
        'rolled-back',
        'rolled back by ECS (deployment circuit breaker), not a success',
      );
    }
    if (ours) {
      const moved = await deps.ledger.transitionRollout(serviceKey, ours.digest, ['rolling'], {
        status: 'succeeded',
        completedAt: at,
        updatedAt: now,
      });
      return reply(
        'recorded',
        ours,
        moved ? 'succeeded' : ours.status,
        moved ? 'deployment completed' : `already ${ours.status}`,
      );
    }
  }
  if (name === 'SERVICE_DEPLOYMENT_FAILED' && (ours ?? active)) {
    const target = (ours ?? active) as RolloutRecord;
    await deps.ledger.transitionRollout(serviceKey, target.digest, ['rolling'], {
      status: 'failed',
      unhealthy: true,
      reason: detail.reason ?? 'deployment failed',
      updatedAt: now,
    });
    return reply('alerted', target, 'failed', detail.reason ?? 'deployment failed');
  }
  if (ours) return reply('recorded', ours, ours.status, name);
  await deps.ledger.recordForeignDeployment(serviceKey, {
    deploymentId,
    eventName: name,
    at,
    ...(detail.reason ? { reason: detail.reason } : {}),
  });
  return reply('recorded', undefined, name, `${name}: not by Deckhand`);
};
