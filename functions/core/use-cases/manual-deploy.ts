/**
 * A person deploys or rolls back: `deckhand deploy <pipeline> <tag|digest>` and
 * `deckhand rollback <pipeline> [--to <digest>]`.
 *
 * Primary course (deploy):
 *  1. Find the image the ledger knows for that tag or digest in the pipeline's repository (a rollout or a
 *     promotion of it), so the pinned reference is the one that ran before.
 *  2. Deploy it through the same path as a push; `--break-glass` (with who and why) passes a freeze, never a
 *     `block` guardrail, and is logged and announced as such.
 * Primary course (rollback):
 *  1. For each target, the pipeline's current rollout; the revision to go to: `--to`'s rollout, else the last
 *     known-good one.
 *  2. Roll back through the one roll operation and pause the pipeline for the service, as an alarm would.
 *
 * Alternate courses: an image the ledger does not know is refused (ImageNotKnownError); a target with
 * nothing to roll back from says so.
 */
import { TargetError } from '../errors.ts';
import type { DeployOutcome, RollbackAction } from '../outcome.ts';
import type { Ledger } from '../ports/stores.ts';
import { repositoryOf } from '../promotions/start.ts';
import { type KnownGood, lastKnownGood } from '../rollouts/known-good.ts';
import { currentRollout, rollBack } from '../rollouts/roll-back.ts';
import { serviceKeyOf, siteOfTarget } from '../sites.ts';
import { parseTagPolicy } from '../tag-policy.ts';
import type { DeployDeps } from './deploy/context.ts';
import { deploy } from './deploy-image.ts';

export class ImageNotKnownError extends TargetError {
  override name = 'ImageNotKnownError';
}

export interface ManualDeps extends DeployDeps {
  ledger: DeployDeps['ledger'] & Pick<Ledger, 'promotions'>;
}

const pipelineOf = (deps: ManualDeps, name: string) => {
  const pipeline = deps.config.pipelines.find((p) => p.name === name);
  if (!pipeline) throw new ImageNotKnownError(`no pipeline named ${name}`);
  return pipeline;
};

/** The image a tag or digest names, as the ledger saw it held, promoted or deployed from the same repository. */
const findImage = async (deps: ManualDeps, pipeline: string, ref: string) => {
  const repository = repositoryOf(deps.config, pipeline);
  const related = deps.config.pipelines.filter((p) => repositoryOf(deps.config, p.name) === repository);
  // A push held by a freeze is the usual break-glass case: the ledger knows it only as held.
  const held = (await deps.ledger.freezes.held()).find(
    (h) => h.repository === repository && (h.digest === ref || h.tag === ref),
  );
  if (held) return held;
  for (const p of related) {
    for (const promotion of await deps.ledger.promotions.list(p.name))
      if (promotion.digest === ref || promotion.tag === ref) return promotion;
    for (const target of p.targets) {
      const key = serviceKeyOf(target.cluster, target.service, siteOfTarget(deps, target));
      const found = (await deps.ledger.rollouts.list(key))
        .filter((r) => (r.digest === ref || r.tag === ref) && r.image)
        .at(-1);
      if (found?.image)
        return {
          ...found,
          repository: repository ?? '',
          repositoryUri: found.image.slice(0, found.image.lastIndexOf('@')),
        };
    }
  }
  throw new ImageNotKnownError(
    `${ref} was never deployed or promoted from ${repository ?? 'this pipeline’s repository'}: push it, or name a digest Deckhand has seen`,
  );
};

export const manualDeploy = async (
  request: { pipeline: string; ref: string; by: string; breakGlass?: string },
  deps: ManualDeps,
): Promise<DeployOutcome> => {
  const pipeline = pipelineOf(deps, request.pipeline);
  const image = await findImage(deps, pipeline.name, request.ref);
  const now = deps.clock.now().toISOString();
  return deploy(
    {
      id: `manual:${pipeline.name}:${image.digest}:${now}`,
      detailType: request.breakGlass ? 'Deckhand Break-Glass Deploy' : 'Deckhand Manual Deploy',
      pipelines: [{ pipeline, policy: parseTagPolicy(pipeline.tags) }],
      digest: image.digest,
      tag: image.tag,
      repository: image.repository,
      repositoryUri: image.repositoryUri,
      // A person's deploy is the newest word on the service, whatever the image's own push time.
      pushedAt: now,
      ...(request.breakGlass ? { breakGlass: { by: request.by, reason: request.breakGlass } } : {}),
    },
    deps,
  );
};

export const manualRollback = async (
  request: { pipeline: string; to?: string; by: string },
  deps: ManualDeps,
): Promise<RollbackAction[]> => {
  const pipeline = pipelineOf(deps, request.pipeline);
  const actions: RollbackAction[] = [];
  for (const target of pipeline.targets) {
    const site = siteOfTarget(deps, target);
    const serviceKey = serviceKeyOf(target.cluster, target.service, site);
    const [history, head] = await Promise.all([
      deps.ledger.rollouts.list(serviceKey),
      deps.ledger.heads.get(serviceKey),
    ]);
    const current = currentRollout(history, pipeline.name);
    const base = {
      pipeline: pipeline.name,
      cluster: target.cluster,
      service: target.service,
      ...(site ? { site } : {}),
    };
    if (!current || current.status === 'rolled-back') {
      actions.push({
        ...base,
        status: 'already-rolled-back',
        reason: 'nothing Deckhand deployed to roll back from',
      });
      continue;
    }
    const chosen = request.to
      ? history.filter((r) => r.digest === request.to && r.toTaskDefinition).at(-1)
      : undefined;
    const to: KnownGood = !request.to
      ? lastKnownGood(history, current)
      : chosen?.toTaskDefinition
        ? {
            found: true,
            taskDefinition: chosen.toTaskDefinition,
            digest: chosen.digest,
            tag: chosen.tag,
            source: 'rollout',
          }
        : { found: false, reason: `${request.to} never ran on ${serviceKey}` };
    actions.push(
      await rollBack(
        {
          pipeline,
          target: { serviceKey, cluster: target.cluster, service: target.service, site },
          current,
          head,
          to,
          cause: `manual rollback by ${request.by}`,
        },
        deps,
      ),
    );
  }
  return actions;
};
