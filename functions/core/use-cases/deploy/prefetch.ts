/**
 * Prefetch (before steps 2–6): what a deploy reads, read up front. ECS's view of every target (services
 * batched per cluster, each current revision once), then the ledger's in one batch: the ad hoc freezes of
 * the pipelines, each service's pause, head and rollout of this digest, the registrations its rewrite
 * would reuse, and the digest's scan where a pipeline gates on it.
 */
import { mapWithConcurrency } from '../../concurrency.ts';
import { TargetError } from '../../errors.ts';
import type { DescribedTaskDefinition, ServiceSnapshot } from '../../ports/ecs.ts';
import type { LedgerView } from '../../ports/stores.ts';
import type { Site } from '../../sites.ts';
import { familyRevision, targetedContainerNames } from '../../task-definition.ts';
import type { Push } from './context.ts';
import { describeServices } from './plan.ts';

export interface Prefetched {
  /** By service key; a service AWS lacks is absent. */
  snapshots: Map<string, ServiceSnapshot>;
  /** By `revisionKeyOf` (site and revision ARN): the description, or the TargetError that describing it met. */
  taskDefinitions: Map<string, DescribedTaskDefinition | TargetError>;
  /** By service key: the registration its rewrite would reuse. */
  registrationKeys: Map<string, string>;
  ledger: LedgerView;
}

/** `<account>/<region>/` on a spoke, nothing at home: families are per account and Region. */
const sitePrefix = (site: Site | undefined): string => (site ? `${site.account}/${site.region}/` : '');

/**
 * One registration per (site, current revision, digest, targeted containers): a spoke's registrations are
 * keyed apart, and the hub's keep their old keys.
 */
export const registrationKeyOf = (
  site: Site | undefined,
  taskDefinition: string,
  digest: string,
  containers: readonly string[],
) => `${sitePrefix(site)}${familyRevision(taskDefinition)}#${digest}#${[...containers].sort().join(',')}`;

/** A current revision as described in its own account and Region. */
export const revisionKeyOf = (site: Site | undefined, taskDefinition: string): string =>
  `${sitePrefix(site)}${taskDefinition}`;

export const prefetch = async (push: Push): Promise<Prefetched> => {
  const { ecs, ledger, concurrency = 5 } = push.deps;
  const snapshots = await describeServices(push);
  const taskDefinitions = new Map<string, DescribedTaskDefinition | TargetError>();
  // Each current revision once, described where its service runs.
  const revisions = new Map<string, { site: Site | undefined; arn: string }>();
  for (const target of push.targets) {
    const snapshot = snapshots.get(target.serviceKey);
    if (snapshot)
      revisions.set(revisionKeyOf(target.site, snapshot.taskDefinition), {
        site: target.site,
        arn: snapshot.taskDefinition,
      });
  }
  await mapWithConcurrency([...revisions], concurrency, async ([key, { site, arn }]) => {
    try {
      taskDefinitions.set(key, await ecs.describeTaskDefinition(arn, site));
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      taskDefinitions.set(key, error);
    }
  });
  const registrationKeys = new Map<string, string>();
  for (const target of push.targets) {
    const snapshot = snapshots.get(target.serviceKey);
    const described = snapshot && taskDefinitions.get(revisionKeyOf(target.site, snapshot.taskDefinition));
    if (!snapshot || !described || described instanceof TargetError) continue;
    try {
      const containers = targetedContainerNames(described.taskDefinition.containerDefinitions ?? [], {
        repositoryUri: push.repositoryUri,
        containers: target.config.containers,
      });
      registrationKeys.set(
        target.serviceKey,
        registrationKeyOf(target.site, snapshot.taskDefinition, push.digest, containers),
      );
    } catch (error) {
      // Planning meets the same error and fails the target with it.
      if (!(error instanceof TargetError)) throw error;
    }
  }
  const serviceKeys = [...new Set(push.targets.map((target) => target.serviceKey))];
  const gated = push.targets.some((target) => target.pipeline.pipeline.scanGate);
  const view = await ledger.reads.read({
    freezes: [...new Set(push.targets.map((target) => target.pipeline.pipeline.name))],
    pauses: serviceKeys,
    heads: serviceKeys,
    rollouts: serviceKeys.map((serviceKey) => ({ serviceKey, digest: push.digest })),
    registrations: [...new Set(registrationKeys.values())],
    scans: gated ? [push.digest] : [],
  });
  return { snapshots, taskDefinitions, registrationKeys, ledger: view };
};
