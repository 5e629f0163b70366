/**
 * Plan: read each target service and decide whether this push applies to it, and as what revision.
 * Steps 2–4 of the deploy: services batched per cluster; paused, superseded and unchanged targets stop here;
 * the others get their task definition rewritten (only the targeted containers' images change).
 */
import { mapWithConcurrency } from '../../concurrency.ts';
import { TargetError } from '../../errors.ts';
import type { DeployAction } from '../../outcome.ts';
import type { DescribedTaskDefinition, ServiceSnapshot } from '../../ports/ecs.ts';
import { serviceKeyOf } from '../../sites.ts';
import { tagMap } from '../../task-definition.ts';
import { type Rewrite, rewriteTaskDefinition, type ResourceTag } from '../../task-definition.ts';
import { deployAction, headIsNewer, type Push, type Target } from './context.ts';

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

const describeServices = async (push: Push): Promise<Map<string, ServiceSnapshot>> => {
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

export const plan = async (push: Push): Promise<Plan> => {
  const { ecs, ledger, log, concurrency = 5 } = push.deps;
  const snapshots = await describeServices(push);
  const described = new Map<string, Promise<DescribedTaskDefinition>>();
  const result: Plan = { candidates: [], actions: [] };
  const settle = (target: Target, status: DeployAction['status'], extra: Partial<DeployAction>) =>
    result.actions.push(deployAction(push, target, status, extra));

  await mapWithConcurrency(push.targets, concurrency, async (target) => {
    const snapshot = snapshots.get(target.serviceKey);
    if (!snapshot) {
      settle(target, 'failed', {
        reason: `service ${target.service} not found in cluster ${target.cluster}`,
      });
      return;
    }
    const from = snapshot.taskDefinition;
    const pause = await ledger.pauses.get(target.serviceKey);
    if (pause && pause.pipeline === target.pipeline.pipeline.name) {
      settle(target, 'paused', {
        from,
        reason: `automation paused since ${pause.pausedAt} (${pause.reason}); run \`deckhand resume ${pause.pipeline}\``,
      });
      return;
    }
    const head = await ledger.heads.get(target.serviceKey);
    if (head && headIsNewer(head, push, target.pipeline)) {
      settle(target, 'superseded', { from, reason: `newer ${head.tag} already deployed` });
      return;
    }
    const describedKey = `${serviceKeyOf('', '', target.site)}${from}`;
    let current = described.get(describedKey);
    if (!current) {
      current = ecs.describeTaskDefinition(from, target.site);
      described.set(describedKey, current);
    }
    try {
      const { taskDefinition, tags } = await current;
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
        return;
      }
      result.candidates.push({ ...target, snapshot, rewrite, tags });
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      settle(target, 'failed', { from, reason: error.message });
    }
  });
  return result;
};
