/**
 * The one roll operation: every path that changes what a service runs comes through here (deploy,
 * promotion, alarm rollback, remediation, drift reconcile).
 *
 * Primary course:
 *  1. Take the service's lease, so the re-check and UpdateService below are not interleaved with another roll
 *     (or come with it: a leased claim took it while the head was at the version it read).
 *  2. Re-read the head (a replay of the very roll it holds stops here) and apply the request's precedence: a push loses to a head holding a newer image; a
 *     correction (rollback, remediation, reconcile) loses to any roll made since it read the head.
 *  3. UpdateService with forceNewDeployment, so returning to an earlier revision still starts a deployment.
 *  4. Advance the head (version + 1, conditional on the version read in step 2).
 *  5. Record the rollout the roll carries out as `rolling`, with its deployment id: 4 and 5 are one write,
 *     which frees the lease too.
 *
 * Alternate courses: a lost race is `superseded` (and so is its rollout); ECS refusing the update for good
 * (TargetError) is `failed`; a lease still held after the retries, or a head written behind the lease, throws
 * LockBusyError, so the event is retried.
 */
import { LockBusyError, TargetError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { ServiceHead } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import type { Site } from '../sites.ts';

export interface RollTarget {
  serviceKey: string;
  cluster: string;
  service: string;
  /** The spoke the service is in; undefined at the hub's own account and Region. */
  site: Site | undefined;
}

/** What the head says once the roll wins. */
export type RollIntent = Pick<ServiceHead, 'digest' | 'tag' | 'pipeline' | 'pushedAt' | 'eventId'>;

export type Precedence =
  /** A push or promotion: loses to a head that holds a newer image (the pipeline's order decides). */
  | { kind: 'newest-image'; headIsNewer: (head: ServiceHead) => boolean }
  /** A correction decided from the head at `version`: loses if anyone rolled the service since. */
  | { kind: 'head-version'; version: number | undefined };

export interface RollRequest {
  target: RollTarget;
  taskDefinition: string;
  intent: RollIntent;
  precedence: Precedence;
  /** Names the decision: a retry of the same decision re-enters its own lease. */
  owner: string;
  /**
   * The rollout this roll carries out, moved to `rolling`, `superseded` or `failed` with it. `recording`: an
   * earlier write of it still in flight (a deploy records its registration while UpdateService runs), which
   * the roll awaits before writing the rollout, so the writes land in order.
   */
  rollout?: { digest: string; recording?: Promise<void> };
  /** `owner` already holds the lease, taken while the head was `head` (a leased claim): no second read. */
  leased?: { head: ServiceHead | undefined };
}

export type RollResult =
  | { status: 'rolled'; taskDefinition: string; deploymentId?: string; head: ServiceHead }
  | { status: 'superseded'; reason: string }
  | { status: 'failed'; reason: string };

export interface RollDeps {
  ecs: Pick<EcsPort, 'updateService'>;
  ledger: Pick<Ledger, 'heads' | 'rollouts'>;
  clock: Clock;
  log: Log;
}

export const leaseMs = 60_000;
const leaseAttempts = 8;

const lostTo = (precedence: Precedence, head: ServiceHead | undefined): string | undefined => {
  if (precedence.kind === 'newest-image')
    return head && precedence.headIsNewer(head)
      ? `newer ${head.tag} already deployed (event ${head.eventId})`
      : undefined;
  if (head?.version === precedence.version) return undefined;
  return head
    ? `the service was rolled to ${head.tag || head.taskDefinition} by ${head.eventId} since this was decided`
    : 'the service has no head any more';
};

const sameRoll = (head: ServiceHead, { intent, taskDefinition }: RollRequest): boolean =>
  head.eventId === intent.eventId && head.digest === intent.digest && head.taskDefinition === taskDefinition;

export const rollService = async (request: RollRequest, deps: RollDeps): Promise<RollResult> => {
  const { target, taskDefinition, intent, rollout } = request;
  const { heads, rollouts } = deps.ledger;
  let leased = request.leased !== undefined;
  for (let attempt = 0; attempt < leaseAttempts && !leased; attempt += 1) {
    leased = await heads.acquireLease(target.serviceKey, request.owner, leaseMs);
    if (!leased) await deps.clock.sleep(Math.min(2000, 100 * 2 ** attempt));
  }
  if (!leased) throw new LockBusyError(`service ${target.serviceKey} is being rolled by another event`);
  const stamp = () => deps.clock.now().toISOString();
  let released = false;
  try {
    const head = request.leased ? request.leased.head : await heads.get(target.serviceKey);
    // The same decision already won (a redelivered work item, a retry): the service is not rolled twice.
    if (request.precedence.kind === 'newest-image' && head && sameRoll(head, request)) {
      deps.log.info('roll already made', { serviceKey: target.serviceKey, owner: request.owner });
      return { status: 'rolled', taskDefinition, head };
    }
    const lost = lostTo(request.precedence, head);
    if (lost) {
      if (rollout) {
        await rollout.recording;
        await rollouts.update(target.serviceKey, rollout.digest, {
          status: 'superseded',
          reason: lost,
          updatedAt: stamp(),
        });
      }
      deps.log.info('roll superseded', { serviceKey: target.serviceKey, owner: request.owner, reason: lost });
      return { status: 'superseded', reason: lost };
    }
    let deploymentId: string | undefined;
    try {
      ({ deploymentId } = await deps.ecs.updateService(
        target.cluster,
        target.service,
        taskDefinition,
        target.site,
      ));
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      if (rollout) {
        await rollout.recording;
        await rollouts.update(target.serviceKey, rollout.digest, {
          status: 'failed',
          reason: error.message,
          updatedAt: stamp(),
        });
      }
      return { status: 'failed', reason: error.message };
    }
    const next: ServiceHead = {
      serviceKey: target.serviceKey,
      ...intent,
      taskDefinition,
      version: (head?.version ?? 0) + 1,
      updatedAt: stamp(),
    };
    // Head, rollout and lease in one write.
    const patch = {
      status: 'rolling' as const,
      toTaskDefinition: taskDefinition,
      ...(deploymentId ? { deploymentId } : {}),
      updatedAt: next.updatedAt,
    };
    const commit = {
      owner: request.owner,
      ...(rollout ? { rollout: { digest: rollout.digest, patch } } : {}),
    };
    await rollout?.recording;
    if (!(await heads.advance(next, head?.version, commit)))
      throw new LockBusyError(`head of ${target.serviceKey} changed while leased`);
    released = true;
    deps.log.info('service rolled', {
      serviceKey: target.serviceKey,
      taskDefinition,
      digest: intent.digest,
      deploymentId,
      by: intent.eventId,
    });
    return { status: 'rolled', taskDefinition, ...(deploymentId ? { deploymentId } : {}), head: next };
  } finally {
    if (!released) await heads.releaseLease(target.serviceKey, request.owner);
  }
};
