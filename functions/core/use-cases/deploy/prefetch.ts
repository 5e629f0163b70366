/**
 * Prefetch (before steps 2–6): what a deploy reads, read up front. ECS's view of every target (services
 * batched per cluster, each current revision once), then the ledger's in one batch: the ad hoc freezes of
 * the pipelines, each service's pause, head and rollout of this digest, the registrations its rewrite
 * would reuse, and the digest's scan where a pipeline gates on it. The batch needs only the services'
 * current revisions, so it runs while those revisions are described.
 */
import { mapWithConcurrency } from '../../concurrency.ts';
import { TargetError } from '../../errors.ts';
import type { DescribedTaskDefinition, ServiceSnapshot } from '../../ports/ecs.ts';
import type { LedgerView } from '../../ports/stores.ts';
import type { Site } from '../../sites.ts';
import { familyRevision } from '../../task-definition.ts';
import type { Push, Target } from './context.ts';
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
 * The key a registration is recorded and found under: site, current revision, pinned image, and the
 * containers the target names (`*`: those running an image from the repository). That is all the rewrite
 * depends on (a revision never changes), and it is known before the revision is described. Targets naming
 * their containers differently but rewriting the same ones share one registration, recorded under each key
 * (register.ts). A spoke's registrations are keyed apart.
 */
export const registrationKeyOf = (
  push: Pick<Push, 'image'>,
  target: Pick<Target, 'site' | 'config'>,
  taskDefinition: string,
): string => {
  const containers = target.config.containers ? [...target.config.containers].sort().join(',') : '*';
  return `${sitePrefix(target.site)}${familyRevision(taskDefinition)}#${push.image}#${containers}`;
};

/** A current revision as described in its own account and Region. */
export const revisionKeyOf = (site: Site | undefined, taskDefinition: string): string =>
  `${sitePrefix(site)}${taskDefinition}`;

export const prefetch = async (push: Push): Promise<Prefetched> => {
  const { ecs, ledger, concurrency = 5 } = push.deps;
  const snapshots = await describeServices(push);
  // Each current revision once, described where its service runs.
  const revisions = new Map<string, { site: Site | undefined; arn: string }>();
  const registrationKeys = new Map<string, string>();
  for (const target of push.targets) {
    const snapshot = snapshots.get(target.serviceKey);
    if (!snapshot) continue;
    revisions.set(revisionKeyOf(target.site, snapshot.taskDefinition), {
      site: target.site,
      arn: snapshot.taskDefinition,
    });
    registrationKeys.set(target.serviceKey, registrationKeyOf(push, target, snapshot.taskDefinition));
  }
  const serviceKeys = [...new Set(push.targets.map((target) => target.serviceKey))];
  const gated = push.targets.some((target) => target.pipeline.pipeline.scanGate);
  const taskDefinitions = new Map<string, DescribedTaskDefinition | TargetError>();
  const [view, described] = await Promise.allSettled([
    ledger.reads.read({
      freezes: [...new Set(push.targets.map((target) => target.pipeline.pipeline.name))],
      pauses: serviceKeys,
      heads: serviceKeys,
      rollouts: serviceKeys.map((serviceKey) => ({ serviceKey, digest: push.digest })),
      registrations: [...new Set(registrationKeys.values())],
      scans: gated ? [push.digest] : [],
    }),
    mapWithConcurrency([...revisions], concurrency, async ([key, { site, arn }]) => {
      try {
        taskDefinitions.set(key, await ecs.describeTaskDefinition(arn, site));
      } catch (error) {
        if (!(error instanceof TargetError)) throw error;
        taskDefinitions.set(key, error);
      }
    }),
  ]);
  // Both settled, so nothing is left in flight when a failure is thrown.
  if (described.status === 'rejected') throw described.reason;
  if (view.status === 'rejected') throw view.reason;
  return { snapshots, taskDefinitions, registrationKeys, ledger: view.value };
};
