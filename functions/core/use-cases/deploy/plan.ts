/**
 * Plan: read each target service and decide whether this push applies to it, and as what revision.
 * Steps 2–4 of the deploy: services batched per cluster; paused, superseded and unchanged targets stop here;
 * the others get their task definition rewritten (only the targeted containers' images change).
 */
import { TargetError } from '../../errors.ts';
import type { DeployAction } from '../../outcome.ts';
import type { ServiceSnapshot } from '../../ports/ecs.ts';
import { rolloutId } from '../../ports/stores.ts';
import { serviceKeyOf } from '../../sites.ts';
import { tagMap } from '../../task-definition.ts';
import { type Rewrite, rewriteTaskDefinition, type ResourceTag } from '../../task-definition.ts';
import { deployAction, headIsNewer, type Push, type Target } from './context.ts';
import { type Prefetched, revisionKeyOf } from './prefetch.ts';

/** A target this push would change: its current state and the revision to register. */
export interface Candidate extends Target {
  snapshot: ServiceSnapshot;
  rewrite: Rewrite;
  tags: ResourceTag[];
}

export interface Plan {
  candidates: Candidate[];
  /** Targets settled while planning: failed, paused, superseded, unchanged. */
  actions: DeployAction[];
}

export const describeServices = async (push: Push): Promise<Map<string, ServiceSnapshot>> => {
  const snapshots = new Map<string, ServiceSnapshot>();
  const byCluster = Map.groupBy(push.targets, (target) => serviceKeyOf(target.cluster, '', target.site));
  for (const members of byCluster.values()) {
    const { cluster, site } = members[0] as Target;
    const names = [...new Set(members.map((m) => m.service))];
    for (const [name, snapshot] of await push.deps.ecs.describeServices(cluster, names, site)) {
      snapshots.set(serviceKeyOf(cluster, name, site), snapshot);
      push.serviceTags.set(serviceKeyOf(cluster, name, site), tagMap(snapshot.tags));
    }
  }
  return snapshots;
};

/** The rollout of this digest that this very event already rolled (a redelivery is answered from it). */
const rolledByThisEvent = (push: Push, target: Target, prefetched: Prefetched) => {
  const rollout = prefetched.ledger.rollouts.get(rolloutId(target.serviceKey, push.digest));
  const done = ['rolling', 'succeeded', 'rolled-back'];
  return rollout?.eventId === push.id && rollout.toTaskDefinition && done.includes(rollout.status)
    ? rollout
    : undefined;
};

export const plan = (push: Push, prefetched: Prefetched): Plan => {
  const { log } = push.deps;
  const { snapshots, taskDefinitions } = prefetched;
  const { pauses, heads } = prefetched.ledger;
  const result: Plan = { candidates: [], actions: [] };
  const settle = (target: Target, status: DeployAction['status'], extra: Partial<DeployAction>) =>
    result.actions.push(deployAction(push, target, status, extra));

  for (const target of push.targets) {
    const snapshot = snapshots.get(target.serviceKey);
    if (!snapshot) {
      settle(target, 'failed', {
        reason: `service ${target.service} not found in cluster ${target.cluster}`,
      });
      continue;
    }
    const from = snapshot.taskDefinition;
    const rolled = rolledByThisEvent(push, target, prefetched);
    if (rolled) {
      const { fromTaskDefinition, toTaskDefinition, deploymentId } = rolled;
      settle(target, 'deployed', {
        from: fromTaskDefinition,
        to: toTaskDefinition,
        ...(deploymentId ? { deploymentId } : {}),
        again: true,
      });
      continue;
    }
    const pause = pauses.get(target.serviceKey);
    if (pause && pause.pipeline === target.pipeline.pipeline.name) {
      settle(target, 'paused', {
        from,
        reason: `automation paused since ${pause.pausedAt} (${pause.reason}); run \`deckhand resume ${pause.pipeline}\``,
      });
      continue;
    }
    const head = heads.get(target.serviceKey);
    if (head && headIsNewer(head, push, target.pipeline)) {
      settle(target, 'superseded', { from, reason: `newer ${head.tag} already deployed` });
      continue;
    }
    try {
      const current = taskDefinitions.get(revisionKeyOf(target.site, from));
      if (current === undefined || current instanceof TargetError)
        throw current ?? new TargetError(`task definition ${from} not described`);
      const { taskDefinition, tags } = current;
      const rewrite = rewriteTaskDefinition(taskDefinition, tags, {
        repositoryUri: push.repositoryUri,
        digest: push.digest,
        containers: target.config.containers,
      });
      if (rewrite.unknownFields.length > 0)
        log.warn('task definition has fields Deckhand cannot register', {
          taskDefinition: from,
          fields: rewrite.unknownFields,
        });
      if (rewrite.changedContainers.length === 0) {
        settle(target, 'unchanged', { from, reason: `already running ${push.digest}` });
        continue;
      }
      result.candidates.push({ ...target, snapshot, rewrite, tags });
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      settle(target, 'failed', { from, reason: error.message });
    }
  }
  return result;
};
