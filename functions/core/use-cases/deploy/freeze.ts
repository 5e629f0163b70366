/**
 * Freeze (before planning): a pipeline inside a freeze window deploys nothing. Its targets are `frozen`, the
 * deploy is held (one per pipeline and digest) and released by the timers when the window ends. A
 * break-glass deploy passes a freeze, never a `block` guardrail, and says so loudly.
 */
import { freezeOf } from '../../freeze/active.ts';
import type { DeployAction } from '../../outcome.ts';
import type { Freeze } from '../../ports/records.ts';
import { deployAction, type Push, type Target } from './context.ts';

/** `adHoc`: the ad hoc freezes of the push's pipelines, as prefetched. */
export const applyFreezes = async (
  push: Push,
  adHoc: readonly Freeze[],
): Promise<{ open: Target[]; actions: DeployAction[] }> => {
  const { config, ledger, clock, log } = push.deps;
  const now = clock.now();
  const pipelines = [...new Set(push.targets.map((t) => t.pipeline.pipeline))];
  const frozen = new Map(
    pipelines.flatMap((pipeline) => {
      const freeze = freezeOf(config, pipeline, adHoc, now);
      return freeze ? [[pipeline.name, freeze] as const] : [];
    }),
  );
  if (frozen.size === 0) return { open: push.targets, actions: [] };
  if (push.breakGlass) {
    log.warn('break-glass deploy passes a freeze', {
      id: push.id,
      pipelines: [...frozen.keys()],
      by: push.breakGlass.by,
      reason: push.breakGlass.reason,
    });
    return { open: push.targets, actions: [] };
  }
  const actions: DeployAction[] = [];
  for (const [pipeline, freeze] of frozen) {
    await ledger.freezes.hold({
      pipeline,
      digest: push.digest,
      tag: push.tag,
      repository: push.repository,
      repositoryUri: push.repositoryUri,
      pushedAt: push.pushedAt,
      requestId: push.id,
      heldAt: now.toISOString(),
      reason: freeze.reason,
    });
    log.info('deploy held by a freeze', { id: push.id, pipeline, until: freeze.until.toISOString() });
    for (const target of push.targets.filter((t) => t.pipeline.pipeline.name === pipeline))
      actions.push(
        deployAction(push, target, 'frozen', {
          reason: `frozen until ${freeze.until.toISOString()}: ${freeze.reason}; held, released when the freeze ends`,
        }),
      );
  }
  return { open: push.targets.filter((t) => !frozen.has(t.pipeline.pipeline.name)), actions };
};
