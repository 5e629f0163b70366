/**
 * Roll one queued service (a roll worker's work item, from a deploy that fanned out).
 *
 * Primary course:
 *  1. Read the item's rollout: it must still be this deploy's claim (`claimed` or `registered`); otherwise
 *     the item was carried out already (a redelivery) or taken over, and nothing is rolled.
 *  2. Roll the service through the one roll operation with the deploy's precedence (newest image wins),
 *     under a lease of this delivery's own, so two copies of one item never roll at once; a copy that finds
 *     the head already holding this very roll stops there.
 *  3. Answer a deploy outcome for the one service (`deployed`, `superseded`, `failed`), told as a push is.
 *
 * The service is rolled where it runs: an item for a spoke carries its site, which must still be configured
 * (its role is taken from the config) and match the item's service key.
 *
 * Alternate courses: a pipeline no longer in the config, or a site that isn't (or doesn't match the service
 * key), fails the item for good (logged, not retried);
 * transient failures (a busy lease, AWS errors) are thrown, so the queue redelivers the item alone.
 */
import type { MatchedPipeline } from '../config.ts';
import type { DeployAction, DeployOutcome, DeployStatus } from '../outcome.ts';
import type { RollWorkItem } from '../ports/roll-queue.ts';
import { rollService } from '../rollouts/roll-service.ts';
import { serviceKeyOf, type Site, siteAt } from '../sites.ts';
import { parseTagPolicy } from '../tag-policy.ts';
import { type DeployDeps, headIsNewer, rollOwner } from './deploy/context.ts';

export type RollWorkerDeps = Pick<DeployDeps, 'config' | 'home' | 'ecs' | 'ledger' | 'clock' | 'log'>;

const answer = (
  item: RollWorkItem,
  status: DeployStatus,
  extra: Partial<DeployAction>,
  log: RollWorkerDeps['log'],
): DeployOutcome => {
  const action: DeployAction = {
    pipeline: item.pipeline,
    cluster: item.cluster,
    service: item.service,
    image: item.image,
    tag: item.tag,
    status,
    ...(item.site ? { site: item.site } : {}),
    from: item.from,
    ...(item.serviceTags ? { serviceTags: item.serviceTags } : {}),
    ...(item.breakGlass ? { breakGlass: item.breakGlass } : {}),
    ...extra,
  };
  const outcome: DeployOutcome = {
    kind: 'deploy',
    eventId: item.eventId,
    detailType: item.detailType,
    outcome: status === 'deployed' || status === 'failed' ? status : 'ignored',
    actions: [action],
    ...(status === 'deployed' ? {} : { reason: `${item.serviceKey}: ${extra.reason ?? status}` }),
  };
  log.info('work item rolled', { eventId: item.eventId, serviceKey: item.serviceKey, status });
  return outcome;
};

/** The configured site an item names (its role from the config, not the message), if it matches the key. */
const siteOf = (
  item: RollWorkItem,
  deps: RollWorkerDeps,
): { ok: true; site: Site | undefined } | { ok: false; reason: string } => {
  const where = item.site
    ? siteAt(deps, item.site.account, item.site.region)
    : { known: true as const, site: undefined };
  if (!where.known)
    return { ok: false, reason: `account ${item.site?.account} in ${item.site?.region} is not configured` };
  if (serviceKeyOf(item.cluster, item.service, where.site) !== item.serviceKey)
    return { ok: false, reason: `service key ${item.serviceKey} does not match the item's site` };
  return { ok: true, site: where.site };
};

/** `delivery` names this delivery of the item (its lease owner): two copies never hold one lease. */
export const rollWorkItem = async (
  item: RollWorkItem,
  delivery: string,
  deps: RollWorkerDeps,
): Promise<DeployOutcome> => {
  const { config, ledger, log } = deps;
  const rollout = await ledger.rollouts.get(item.serviceKey, item.digest);
  if (rollout?.eventId === item.eventId && ['rolling', 'succeeded', 'rolled-back'].includes(rollout.status))
    return answer(
      item,
      'deployed',
      { to: rollout.toTaskDefinition ?? item.taskDefinition, again: true },
      log,
    );
  if (rollout?.eventId !== item.eventId || !['claimed', 'registered'].includes(rollout.status)) {
    const reason = rollout ? `rollout ${rollout.status} by event ${rollout.eventId}` : 'no rollout';
    return answer(item, 'unchanged', { reason }, log);
  }
  const pipeline = config.pipelines.find((p) => p.name === item.pipeline);
  if (!pipeline) {
    log.error('work item names no configured pipeline', { eventId: item.eventId, pipeline: item.pipeline });
    return answer(item, 'failed', { reason: `pipeline ${item.pipeline} is not in the config` }, log);
  }
  const site = siteOf(item, deps);
  if (!site.ok) {
    log.error('work item names an unknown site', { eventId: item.eventId, serviceKey: item.serviceKey });
    return answer(item, 'failed', { reason: site.reason }, log);
  }
  const matched: MatchedPipeline = { pipeline, policy: parseTagPolicy(pipeline.tags) };
  const push = { digest: item.digest, tag: item.tag, pushedAt: item.pushedAt };
  const result = await rollService(
    {
      target: { serviceKey: item.serviceKey, cluster: item.cluster, service: item.service, site: site.site },
      taskDefinition: item.taskDefinition,
      intent: {
        digest: item.digest,
        tag: item.tag,
        pipeline: item.pipeline,
        pushedAt: item.pushedAt,
        eventId: item.eventId,
      },
      precedence: { kind: 'newest-image', headIsNewer: (head) => headIsNewer(head, push, matched) },
      owner: `${rollOwner({ id: item.eventId, digest: item.digest })}#${delivery}`,
      rollout: { digest: item.digest },
    },
    deps,
  );
  if (result.status === 'rolled')
    return answer(
      item,
      'deployed',
      { to: result.taskDefinition, ...(result.deploymentId ? { deploymentId: result.deploymentId } : {}) },
      log,
    );
  return answer(item, result.status, { reason: result.reason }, log);
};
