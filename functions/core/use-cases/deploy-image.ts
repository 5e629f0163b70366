/**
 * Deploy on image push: ECR "ECR Image Action" (PUSH, SUCCESS) → the matching ECS services run the image,
 * pinned by digest.
 *
 * Primary course:
 *  1. Ignore anything but a successful PUSH with a tag from a configured account; find the pipelines whose
 *     repository lives in that account's registry and whose tag policy matches.
 *  2–4. Plan (deploy/plan.ts): read every target service (batched per cluster) and its head; skip targets
 *     paused after a rollback, already running the digest, or whose head is a newer image (newest wins);
 *     rewrite each current task definition so only the targeted containers' images change, to
 *     `<repository-uri>@<digest>`.
 *  4. Pull access (deploy/pull.ts): a target in another account than the registry's is blocked when the
 *     repository policy doesn't let that account pull.
 *  4a. Judge (deploy/judge.ts): guardrails at the pre-deploy point and the scan gate (IMG-003). A `block`
 *     failure holds the target as `blocked`; a scan not yet complete parks it as `pending` until the scan
 *     event resumes the push.
 *  5. Claim (deploy/claim.ts) (service, digest) in the ledger, so a duplicate delivery does nothing.
 *  6. Register (deploy/register.ts) once per (current revision, containers) group, reusing earlier ones; the
 *     registration is recorded while the services roll, and the roll awaits it before writing a rollout.
 *  7–8. Roll (deploy/roll.ts) each service through the one roll operation: under its lease, re-check
 *     newest-wins, UpdateService, advance the head, record the rollout as `rolling`. A deploy hitting more
 *     services than `fanOut.above` instead queues one work item per service (deploy/fan-out.ts) for the
 *     roll workers (roll-work-item.ts), one revision group at a time (5–8 per group), and answers `queued`.
 *  The ledger is read once up front (deploy/prefetch.ts, one batch read), and a duplicate delivery is
 *  answered from it: the claims are the idempotency record.
 *
 * Alternate courses: `dryRun` stops after step 4a with outcome `planned`; a target the config names but AWS
 * lacks fails alone with a reason; transient AWS failures are thrown (claims handed back first), so the
 * event is retried and then dead-lettered, and the retry resumes from the ledger.
 */
import { type MatchedPipeline, matchingPipelines } from '../config.ts';
import { type EcrImagePush, ecrImageActionSchema, ecrImagePushSchema } from '../events/ecr.ts';
import { parseEvent } from '../events/parse-event.ts';
import { pinnedImage, repositoryUri } from '../image-ref.ts';
import { type DeployAction, type DeployOutcome, rejected } from '../outcome.ts';
import { serviceKeyOf, siteAt, siteOfTarget, unknownAccountReason } from '../sites.ts';
import { claim, recordHeld, releaseClaims } from './deploy/claim.ts';
import { deployAction, type DeployDeps, type Push } from './deploy/context.ts';
import { fanOut, fansOut } from './deploy/fan-out.ts';
import { applyFreezes } from './deploy/freeze.ts';
import { judge } from './deploy/judge.ts';
import { plan } from './deploy/plan.ts';
import { prefetch } from './deploy/prefetch.ts';
import { checkPullAccess } from './deploy/pull.ts';
import { register, registrationGroups } from './deploy/register.ts';
import { roll } from './deploy/roll.ts';

export type { DeployDeps } from './deploy/context.ts';

const ignored = (event: { id: string; 'detail-type': string }, reason: string, deps: DeployDeps) => {
  deps.log.info('push ignored', { eventId: event.id, reason });
  return {
    kind: 'deploy',
    eventId: event.id,
    detailType: event['detail-type'],
    outcome: 'ignored',
    actions: [],
    reason,
  } satisfies DeployOutcome;
};

const summarise = (actions: DeployAction[], dryRun: boolean): Pick<DeployOutcome, 'outcome' | 'reason'> => {
  const listed = (held: DeployAction[]) =>
    held.map((a) => `${a.cluster}/${a.service}: ${a.reason}`).join('; ');
  for (const kind of ['failed', 'blocked', 'pending', 'frozen'] as const) {
    const held = actions.filter((action) => action.status === kind);
    if (held.length > 0) return { outcome: kind, reason: listed(held) };
  }
  if (actions.some((action) => action.status === 'queued')) return { outcome: 'queued' };
  if (actions.some((action) => action.status === 'deployed')) return { outcome: 'deployed' };
  if (dryRun && actions.some((action) => action.status === 'planned')) return { outcome: 'planned' };
  return {
    outcome: 'ignored',
    reason: [...new Set(actions.map((a) => a.reason))].join('; ') || 'nothing to do',
  };
};

const finish = (push: Push, actions: DeployAction[], dryRun: boolean): DeployOutcome => {
  const outcome: DeployOutcome = {
    kind: 'deploy',
    eventId: push.id,
    detailType: push.detailType,
    actions,
    ...summarise(actions, dryRun),
  };
  push.deps.log.info('push handled', { eventId: push.id, outcome: outcome.outcome, actions });
  return outcome;
};

/** Routes an ECR Image Action: only a well-formed successful PUSH reaches deployImage. */
export const handleImageAction = async (input: unknown, deps: DeployDeps): Promise<DeployOutcome> => {
  const action = parseEvent(ecrImageActionSchema, input);
  if (!action.ok) return rejected('deploy', input, action.error, deps.log);
  const { detail } = action.event;
  if (detail['action-type'] !== 'PUSH')
    return ignored(action.event, `action ${detail['action-type']} is not a push`, deps);
  if (detail.result !== 'SUCCESS') return ignored(action.event, `push result ${detail.result}`, deps);
  const push = parseEvent(ecrImagePushSchema, input);
  if (!push.ok) return rejected('deploy', input, push.error, deps.log);
  return deployImage(push.event, deps);
};

export const deployImage = async (event: EcrImagePush, deps: DeployDeps): Promise<DeployOutcome> => {
  const { detail } = event;
  const tag = detail['image-tag'];
  if (!tag) return ignored(event, 'pushed by digest without a tag', deps);
  const repository = detail['repository-name'];
  // A registry speaks only for its own repositories: an account that isn't configured, or that holds no
  // tracked repository of this name, deploys nothing.
  if (!siteAt(deps, event.account, event.region).known)
    return ignored(event, unknownAccountReason(event.account, event.region), deps);
  const pipelines = matchingPipelines(deps, event, repository, tag);
  if (pipelines.length === 0)
    return ignored(event, `no pipeline tracks ${repository}:${tag} in account ${event.account}`, deps);
  return deploy(
    {
      id: event.id,
      detailType: event['detail-type'],
      event,
      pipelines,
      repository,
      repositoryUri: repositoryUri(event.account, event.region, repository),
      digest: detail['image-digest'],
      tag,
      pushedAt: event.time,
    },
    deps,
  );
};

/** A deploy of one image to some pipelines, whoever asks: a push, a promotion, a release, a person. */
export interface DeployRequest extends Pick<
  Push,
  | 'id'
  | 'detailType'
  | 'event'
  | 'breakGlass'
  | 'tag'
  | 'digest'
  | 'repository'
  | 'repositoryUri'
  | 'pushedAt'
> {
  pipelines: MatchedPipeline[];
}

export const deploy = async (request: DeployRequest, deps: DeployDeps): Promise<DeployOutcome> => {
  const { pipelines, ...rest } = request;
  const push: Push = {
    ...rest,
    image: pinnedImage(request.repositoryUri, request.digest),
    targets: pipelines.flatMap((pipeline) =>
      pipeline.pipeline.targets.map((target) => ({
        pipeline,
        config: target,
        cluster: target.cluster,
        service: target.service,
        site: siteOfTarget(deps, target),
        serviceKey: serviceKeyOf(target.cluster, target.service, siteOfTarget(deps, target)),
      })),
    ),
    deps,
    serviceTags: new Map(),
  };

  const prefetched = await prefetch(push);
  const freezes = await applyFreezes(push, prefetched.ledger.freezes);
  const planned = plan({ ...push, targets: freezes.open }, prefetched);
  const pullable = await checkPullAccess(push, planned.candidates);
  const verdicts = await judge(push, pullable.candidates, prefetched.ledger.scans);
  const actions = [...freezes.actions, ...planned.actions, ...pullable.actions, ...verdicts.actions];
  if (deps.dryRun) {
    for (const target of verdicts.planned)
      actions.push(
        deployAction(push, target, 'planned', {
          from: target.snapshot.taskDefinition,
          to: `${target.rewrite.input.family}:(new)`,
        }),
      );
    return finish(push, actions, true);
  }

  await recordHeld(push, verdicts.held);
  const fan = fansOut(push, verdicts.planned.length);
  // A fan-out goes one revision at a time (claim, register, queue), so the workers roll the first services
  // while the rest are still being claimed and registered; a retry resumes the claims this event holds.
  const batches = fan
    ? registrationGroups(verdicts.planned, prefetched).map((group) => group.members)
    : [verdicts.planned];
  for (const planned of batches) {
    const claims = await claim(push, planned, prefetched, { lease: !fan });
    actions.push(...claims.actions);
    let recorded: Promise<void> | undefined;
    try {
      const registered = await register(push, claims.claimed, prefetched);
      recorded = registered.recorded;
      // A roll worker may take its item at once: the rollouts must be `registered` before it does.
      if (fan) await recorded;
      actions.push(
        ...(await (fan
          ? fanOut(push, fan, claims.claimed, registered.arns)
          : roll(push, claims, registered))),
      );
      await recorded;
    } catch (error) {
      // Nothing of this deploy's left in flight before its claims are handed back.
      await recorded?.catch(() => undefined);
      await releaseClaims(push, claims);
      throw error;
    }
  }
  return finish(push, actions, false);
};
