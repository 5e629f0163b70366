/** What the steps of a deploy share: the push, its targets, and the deps. */
import type { DeckhandConfig, MatchedPipeline, TargetConfig } from '../../config.ts';
import type { EcrImagePush } from '../../events/ecr.ts';
import type { Finding } from '../../guardrails/types.ts';
import type { DeployAction, DeployStatus } from '../../outcome.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EcsPort, ServiceSnapshot } from '../../ports/ecs.ts';
import type { Log } from '../../ports/log.ts';
import type { FanOut } from '../../ports/roll-queue.ts';
import type { ServiceHead } from '../../ports/records.ts';
import type { RegistryPort } from '../../ports/registry.ts';
import type { Ledger } from '../../ports/stores.ts';
import type { Home, Site } from '../../sites.ts';
import type { Rewrite } from '../../task-definition.ts';

export interface DeployDeps {
  config: DeckhandConfig;
  /** The hub's own account and Region: targets without an account are there. */
  home: Home;
  ecs: EcsPort;
  /** Repository policies, for targets in another account than the registry's. */
  registry: RegistryPort;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'registrations' | 'scans' | 'pauses' | 'freezes' | 'reads'>;
  clock: Clock;
  log: Log;
  dryRun?: boolean;
  /** Parallel services per push; ECS's own rate limits are enforced by the adapter. */
  concurrency?: number;
  /** Where a deploy hitting many services queues its rolls; without it every deploy rolls in-process. */
  fanOut?: FanOut;
}

export interface Target {
  pipeline: MatchedPipeline;
  config: TargetConfig;
  cluster: string;
  service: string;
  /** The spoke the service is in; undefined at the hub's own account and Region. */
  site: Site | undefined;
  serviceKey: string;
}

/** A target that passed planning and the guardrails: what it runs, and the revision it would run. */
export interface PlannedTarget extends Target {
  snapshot: ServiceSnapshot;
  rewrite: Rewrite;
  findings: Finding[];
}

/** A target the guardrails held back: recorded, and (pending) parked until its scan. */
export interface HeldTarget {
  target: Target;
  status: 'blocked' | 'pending';
  findings: Finding[];
  from: string;
}

/** What is being deployed, and why: a push, a promotion, a release from a freeze, a person. */
export interface Push {
  /** The event or request id: the ledger's idempotency key for this deploy. */
  id: string;
  detailType: string;
  /** The ECR event, when a push: parked while its scan runs. */
  event?: EcrImagePush;
  /** A break-glass deploy passes a freeze (never a `block` guardrail), recorded with who and why. */
  breakGlass?: { by: string; reason: string };
  tag: string;
  digest: string;
  repository: string;
  repositoryUri: string;
  /** `<repository-uri>@<digest>`. */
  image: string;
  pushedAt: string;
  targets: Target[];
  deps: DeployDeps;
  /** Each service's tags, as planning read them, so the notifier routes by team tag without a re-read. */
  serviceTags: Map<string, Record<string, string>>;
}

export const deployAction = (
  push: Push,
  target: Target,
  status: DeployStatus,
  extra: Partial<DeployAction> = {},
): DeployAction => ({
  pipeline: target.pipeline.pipeline.name,
  cluster: target.cluster,
  service: target.service,
  ...(target.site ? { site: target.site } : {}),
  image: push.image,
  tag: push.tag,
  status,
  ...(push.serviceTags.has(target.serviceKey)
    ? { serviceTags: push.serviceTags.get(target.serviceKey) }
    : {}),
  ...(push.breakGlass ? { breakGlass: push.breakGlass } : {}),
  ...extra,
});

/** The roll's lease owner for this deploy: a retry of the same deploy re-enters its own lease. */
export const rollOwner = (push: Pick<Push, 'id' | 'digest'>): string => `${push.id}#${push.digest}`;

/** True when `head` holds a newer image than this push, by the tag policy's order, else by push time. */
export const headIsNewer = (
  head: ServiceHead,
  push: Pick<Push, 'digest' | 'tag' | 'pushedAt'>,
  pipeline: MatchedPipeline,
): boolean => {
  if (head.digest === push.digest) return false;
  if (head.pipeline === pipeline.pipeline.name) {
    const order = pipeline.policy.compare(push.tag, head.tag);
    if (order !== undefined) return order < 0;
  }
  return push.pushedAt < head.pushedAt;
};
