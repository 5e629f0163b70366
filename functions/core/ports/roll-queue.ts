/**
 * Where a large deploy hands its rolls: one work item per service, each carried out by the one roll
 * operation in a roll worker (SQS and a Lambda in AWS; in-process under `deckhand replay`).
 */
import type { DeployAction } from '../outcome.ts';
import type { Site } from '../sites.ts';

/** One service's roll, decided and registered by the deploy that queued it; enough to roll and to tell. */
export interface RollWorkItem {
  /** The deploy's event or request id: the rollout's claim, the head's eventId. */
  eventId: string;
  detailType: string;
  pipeline: string;
  cluster: string;
  service: string;
  /** The spoke the service is in (its account, Region and role); absent at the hub's own account and Region. */
  site?: Site;
  /** `serviceKeyOf(cluster, service, site)`. */
  serviceKey: string;
  repository: string;
  digest: string;
  tag: string;
  /** `<repository-uri>@<digest>`. */
  image: string;
  pushedAt: string;
  /** The revision it runs, and the one registered for it. */
  from: string;
  taskDefinition: string;
  /** The Region the push came from, for links in notices. */
  region?: string;
  serviceTags?: DeployAction['serviceTags'];
  breakGlass?: DeployAction['breakGlass'];
}

export interface RollQueue {
  /** Hands the items over durably (all, or a thrown error: the deploy hands its claims back and retries). */
  enqueue(items: readonly RollWorkItem[]): Promise<void>;
}

/** A deploy hitting more than `above` services queues its rolls; smaller ones roll in-process. */
export interface FanOut {
  queue: RollQueue;
  above: number;
}
