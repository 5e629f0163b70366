/**
 * Rolling a service back from its current rollout to an earlier revision, for an alarm in the bake window or
 * a person (`deckhand rollback`). The current rollout is claimed by a conditional transition to
 * `rolled-back` (a duplicate finds it taken), the roll goes through the one roll operation as a correction
 * (it loses to any roll made since the head was read), and the pipeline is paused for the service.
 */
import type { PipelineConfig } from '../config.ts';
import type { RollbackAction } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { RolloutRecord, ServiceHead } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import type { KnownGood } from './known-good.ts';
import { type RollTarget, rollService } from './roll-service.ts';

export interface RollBackDeps {
  ecs: Pick<EcsPort, 'updateService'>;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'pauses'>;
  clock: Clock;
  log: Log;
}

export interface RollBackRequest {
  pipeline: PipelineConfig;
  target: RollTarget;
  current: RolloutRecord;
  /** The head as read with the history: the rollback is decided on its version. */
  head: ServiceHead | undefined;
  to: KnownGood;
  /** Why, e.g. `alarm web-5xx` or `manual rollback by mary`. */
  cause: string;
}

export const rollBack = async (request: RollBackRequest, deps: RollBackDeps): Promise<RollbackAction> => {
  const { pipeline, target, current, head, to, cause } = request;
  const { rollouts, pauses } = deps.ledger;
  const { serviceKey } = target;
  const action = {
    pipeline: pipeline.name,
    cluster: target.cluster,
    service: target.service,
    ...(target.site ? { site: target.site } : {}),
    digest: current.digest,
  };
  const now = deps.clock.now().toISOString();
  const claimed = await rollouts.transition(serviceKey, current.digest, ['rolling', 'succeeded'], {
    status: 'rolled-back',
    rolledBackBy: 'deckhand',
    unhealthy: true,
    reason: cause,
    updatedAt: now,
  });
  if (!claimed) return { ...action, status: 'already-rolled-back', reason: 'already rolled back' };
  const pause = () =>
    pauses.put({
      serviceKey,
      pipeline: pipeline.name,
      digest: current.digest,
      pausedAt: now,
      reason: `${cause} (${current.tag})`,
    });
  if (!to.found) {
    await pause();
    return { ...action, status: 'no-known-good', reason: `${cause}: ${to.reason}; paused, not rolled back` };
  }
  // Hands the claim back: for a retry after a failure, or when a newer roll made the rollback moot.
  const handBack = () =>
    rollouts.transition(serviceKey, current.digest, ['rolled-back'], {
      status: current.status,
      updatedAt: now,
    });
  let result: Awaited<ReturnType<typeof rollService>>;
  try {
    result = await rollService(
      {
        target,
        taskDefinition: to.taskDefinition,
        intent: {
          // Before Deckhand's first rollout the digest that ran is unknown.
          digest: to.digest ?? '',
          tag: to.tag ?? head?.tag ?? '',
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
    await handBack();
    throw error;
  }
  if (result.status !== 'rolled') {
    // A newer roll replaced the bad revision already: it stays marked unhealthy, nothing is undone.
    await handBack();
    return { ...action, status: 'superseded', reason: `not rolled back: ${result.reason}` };
  }
  await pause();
  deps.log.warn('rolled back', { serviceKey, from: current.toTaskDefinition, to: to.taskDefinition, cause });
  return {
    ...action,
    status: 'rolled-back',
    ...(current.toTaskDefinition ? { from: current.toTaskDefinition } : {}),
    to: to.taskDefinition,
    reason: `${cause} (${current.tag}): rolled back to ${to.taskDefinition}; ${pipeline.name} paused for this service`,
  };
};

/** What a service runs now per the ledger: the pipeline's newest rollout that reached ECS. */
export const currentRollout = (
  history: readonly RolloutRecord[],
  pipeline: string,
): RolloutRecord | undefined =>
  history
    .filter((r) => r.pipeline === pipeline && ['rolling', 'succeeded', 'rolled-back'].includes(r.status))
    .at(-1);
