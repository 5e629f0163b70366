/**
 * Register (step 6): one revision per (site, current revision, digest, targeted containers), shared by every
 * service that runs that revision, and reused when a retry or another event with the same digest asks again.
 * A new revision is recorded with its services' rollouts moved to `registered`, in one write.
 */
import type { PlannedTarget, Push } from './context.ts';
import { type Prefetched, registrationKeyOf } from './prefetch.ts';

/** The registered revision per service key. */
export const register = async (
  push: Push,
  claimed: readonly PlannedTarget[],
  prefetched: Prefetched,
): Promise<Map<string, string>> => {
  const { ecs, ledger, clock, log } = push.deps;
  const groups = Map.groupBy(claimed, (target) =>
    registrationKeyOf(
      target.site,
      target.snapshot.taskDefinition,
      push.digest,
      target.rewrite.targetedContainers,
    ),
  );
  const registered = new Map<string, string>();
  for (const [key, members] of groups) {
    // Claims of a revision already registered were recorded `registered` with it.
    let arn = prefetched.ledger.registrations.get(key);
    if (!arn) {
      const first = members[0] as PlannedTarget;
      arn = (await ecs.registerTaskDefinition(first.rewrite.input, first.site)).taskDefinitionArn;
      await ledger.registrations.put(key, arn, {
        rollouts: members.map((member) => ({ serviceKey: member.serviceKey, digest: push.digest })),
        updatedAt: clock.now().toISOString(),
      });
      log.info('task definition registered', {
        taskDefinition: arn,
        services: members.map((m) => m.serviceKey),
        digest: push.digest,
      });
    }
    for (const member of members) registered.set(member.serviceKey, arn);
  }
  return registered;
};
