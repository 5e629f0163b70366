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
import { type DeckhandConfig, pipelinesForService } from '../config.ts';
import { failingSince } from '../metrics/dora.ts';
import { type EcsServiceEvent, ecsServiceEventSchema } from '../events/ecs.ts';
import { acceptEvent } from '../events/parse-event.ts';
import { repositoryUri } from '../image-ref.ts';
import { rootOf, startPromotions } from '../promotions/start.ts';
import { type DeploymentOutcome, type RolloutAction } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { RolloutRecord } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import { type Home, type KnownService, placeOf, registryOf, trustService } from '../sites.ts';

export interface FollowDeps {
  config: DeckhandConfig;
  home: Home;
  ledger: Pick<Ledger, 'rollouts' | 'promotions'>;
  clock: Clock;
  log: Log;
}

const circuitBreaker = /circuit breaker.*roll(ing)? back/i;

export const followServiceEvent = async (input: unknown, deps: FollowDeps): Promise<DeploymentOutcome> => {
  const accepted = acceptEvent('deployment', ecsServiceEventSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const trust = trustService(deps, event, event.resources[0] ?? '');
  if (!trust.trusted) return { ...base, outcome: 'ignored', actions: [], reason: trust.reason };
  const { serviceKey, cluster, service, site } = trust.service;
  if (pipelinesForService(deps, site, cluster, service).length === 0) {
    return { ...base, outcome: 'ignored', actions: [], reason: `${serviceKey} is in no pipeline` };
  }
  const name = event.detail.eventName;
  if (name.startsWith('SERVICE_DEPLOYMENT_')) return followDeployment(event, trust.service, deps);
  const action: RolloutAction = {
    cluster,
    service,
    ...(site ? { site } : {}),
    status: name,
    byDeckhand: false,
    ...(event.detail.reason ? { reason: event.detail.reason } : {}),
  };
  const alert = /IMPAIRED|FAILURE|FAILED|UNHEALTHY/.test(name);
  deps.log.info('service event', { eventId: event.id, serviceKey, eventName: name });
  return {
    ...base,
    outcome: alert ? 'alerted' : 'recorded',
    actions: [action],
    reason: `${serviceKey}: ${name}`,
  };
};

const followDeployment = async (
  event: EcsServiceEvent,
  { serviceKey, cluster, service, site }: KnownService,
  deps: FollowDeps,
): Promise<DeploymentOutcome> => {
  const { detail } = event;
  const name = detail.eventName;
  const deploymentId = detail.deploymentId ?? '';
  const at = detail.updatedAt ?? event.time;
  const base = { kind: 'deployment' as const, eventId: event.id, detailType: event['detail-type'] };
  const rollouts = await deps.ledger.rollouts.list(serviceKey);
  const ours = rollouts.find((r) => r.deploymentId !== undefined && r.deploymentId === deploymentId);
  // The rollout ECS is acting on now: the newest one still rolling.
  const active = rollouts.filter((r) => r.status === 'rolling').at(-1);
  const now = deps.clock.now().toISOString();
  const reply = (
    outcome: DeploymentOutcome['outcome'],
    record: RolloutRecord | undefined,
    status: string,
    reason: string,
    ended?: RolloutAction['ended'],
  ): DeploymentOutcome => {
    deps.log.info('deployment event', {
      eventId: event.id,
      serviceKey,
      eventName: name,
      deploymentId,
      status,
    });
    return {
      ...base,
      outcome,
      actions: [
        {
          cluster,
          service,
          ...(site ? { site } : {}),
          deploymentId,
          ...(record
            ? { rollout: { digest: record.digest, tag: record.tag, pipeline: record.pipeline } }
            : {}),
          status,
          byDeckhand: record !== undefined,
          reason,
          ...(ended ? { ended } : {}),
        },
      ],
      reason: `${serviceKey}: ${reason}`,
    };
  };

  if (name === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && circuitBreaker.test(detail.reason ?? '')) {
    const target = ours?.status === 'rolling' ? ours : active;
    if (target) {
      await deps.ledger.rollouts.transition(serviceKey, target.digest, ['rolling'], {
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
      const moved = await deps.ledger.rollouts.transition(serviceKey, rolledBack.digest, ['rolling'], {
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
        moved ? { result: 'rolled-back', pushedAt: rolledBack.pushedAt, at: now } : undefined,
      );
    }
    if (ours) {
      const moved = await deps.ledger.rollouts.transition(serviceKey, ours.digest, ['rolling'], {
        status: 'succeeded',
        completedAt: at,
        updatedAt: now,
      });
      // A proven digest starts its way to the pipelines that promote from this one.
      const root = rootOf(deps.config, ours.pipeline);
      const registry = placeOf(deps, root && registryOf(deps, root));
      const uri = ours.image
        ? ours.image.slice(0, ours.image.lastIndexOf('@'))
        : root?.repository && repositoryUri(registry.account, registry.region, root.repository);
      if (moved && uri) await startPromotions(ours, uri, deps);
      const since = failingSince(rollouts, ours.pipeline, at);
      return reply(
        'recorded',
        ours,
        moved ? 'succeeded' : ours.status,
        moved ? 'deployment completed' : `already ${ours.status}`,
        moved
          ? { result: 'succeeded', pushedAt: ours.pushedAt, at, ...(since ? { failingSince: since } : {}) }
          : undefined,
      );
    }
  }
  if (name === 'SERVICE_DEPLOYMENT_FAILED' && (ours ?? active)) {
    const target = (ours ?? active) as RolloutRecord;
    const moved = await deps.ledger.rollouts.transition(serviceKey, target.digest, ['rolling'], {
      status: 'failed',
      unhealthy: true,
      reason: detail.reason ?? 'deployment failed',
      updatedAt: now,
    });
    return reply(
      'alerted',
      target,
      'failed',
      detail.reason ?? 'deployment failed',
      moved ? { result: 'failed', pushedAt: target.pushedAt, at: now } : undefined,
    );
  }
  if (ours) return reply('recorded', ours, ours.status, name);
  await deps.ledger.rollouts.recordForeign(serviceKey, {
    deploymentId,
    eventName: name,
    at,
    ...(detail.reason ? { reason: detail.reason } : {}),
  });
  return reply('recorded', undefined, name, `${name}: not by Deckhand`);
};
