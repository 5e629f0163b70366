/**
 * Fan-out (steps 7–8 of a large deploy): instead of rolling in-process, one work item per claimed and
 * registered service goes to the roll queue; the roll workers carry them out through the one roll
 * operation. The claims stay `registered`, so a worker (or a redelivered item) finds its rollout there.
 */
import type { DeployAction } from '../../outcome.ts';
import type { FanOut, RollWorkItem } from '../../ports/roll-queue.ts';
import { deployAction, type PlannedTarget, type Push } from './context.ts';

export const workItem = (push: Push, target: PlannedTarget, taskDefinition: string): RollWorkItem => ({
  eventId: push.id,
  detailType: push.detailType,
  pipeline: target.pipeline.pipeline.name,
  cluster: target.cluster,
  service: target.service,
  // The worker rolls the service where it runs: a spoke's item carries its account, Region and role.
  ...(target.site ? { site: target.site } : {}),
  serviceKey: target.serviceKey,
  repository: push.repository,
  digest: push.digest,
  tag: push.tag,
  image: push.image,
  pushedAt: push.pushedAt,
  from: target.snapshot.taskDefinition,
  taskDefinition,
  ...(push.event ? { region: push.event.region } : {}),
  ...(push.serviceTags.has(target.serviceKey)
    ? { serviceTags: push.serviceTags.get(target.serviceKey) }
    : {}),
  ...(push.breakGlass ? { breakGlass: push.breakGlass } : {}),
});

export const fanOut = async (
  push: Push,
  fan: FanOut,
  claimed: readonly PlannedTarget[],
  registered: ReadonlyMap<string, string>,
): Promise<DeployAction[]> => {
  const items = claimed.map((target) => workItem(push, target, registered.get(target.serviceKey) as string));
  await fan.queue.enqueue(items);
  push.deps.log.info('rolls queued', { id: push.id, digest: push.digest, services: items.length });
  return claimed.map((target) => {
    const findings = target.findings.length > 0 ? { findings: target.findings } : {};
    return deployAction(push, target, 'queued', {
      from: target.snapshot.taskDefinition,
      to: registered.get(target.serviceKey),
      reason: 'handed to the roll workers',
      ...findings,
    });
  });
};

/** Whether these planned targets are many enough to fan out. */
export const fansOut = (push: Push, planned: number): FanOut | undefined => {
  const fan = push.deps.fanOut;
  return fan && planned > fan.above ? fan : undefined;
};
