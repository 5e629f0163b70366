/**
 * Roll (steps 7–8): each claimed service goes through the one roll operation, with the push's precedence
 * (newest image wins), and its rollout moves to `rolling` with the deployment id.
 */
import { mapWithConcurrency } from '../../concurrency.ts';
import type { DeployAction } from '../../outcome.ts';
import { rollService } from '../../rollouts/roll-service.ts';
import type { Claims } from './claim.ts';
import type { Registered } from './register.ts';
import { deployAction, headIsNewer, type PlannedTarget, type Push, rollOwner } from './context.ts';

export const roll = (
  push: Push,
  { claimed, leased }: Pick<Claims, 'claimed' | 'leased'>,
  registered: Registered,
): Promise<DeployAction[]> =>
  mapWithConcurrency(claimed, push.deps.concurrency ?? 5, async (target: PlannedTarget) => {
    const from = target.snapshot.taskDefinition;
    const findings = target.findings.length > 0 ? { findings: target.findings } : {};
    const result = await rollService(
      {
        target,
        taskDefinition: registered.arns.get(target.serviceKey) as string,
        intent: {
          digest: push.digest,
          tag: push.tag,
          pipeline: target.pipeline.pipeline.name,
          pushedAt: push.pushedAt,
          eventId: push.id,
        },
        precedence: { kind: 'newest-image', headIsNewer: (head) => headIsNewer(head, push, target.pipeline) },
        owner: rollOwner(push),
        rollout: { digest: push.digest, recording: registered.recorded },
        ...(leased.has(target.serviceKey) ? { leased: { head: leased.get(target.serviceKey) } } : {}),
      },
      push.deps,
    );
    if (result.status === 'rolled')
      return deployAction(push, target, 'deployed', {
        from,
        to: result.taskDefinition,
        ...(result.deploymentId ? { deploymentId: result.deploymentId } : {}),
        ...findings,
      });
    return deployAction(push, target, result.status, { from, reason: result.reason, ...findings });
  });
