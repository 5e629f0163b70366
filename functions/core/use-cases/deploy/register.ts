/**
 * Register (step 6): one revision per (current revision, digest, targeted containers), shared by every
 * service that runs that revision, and reused when a retry or another event with the same digest asks again.
 */
import { familyRevision } from '../../task-definition.ts';
import type { PlannedTarget, Push } from './context.ts';

/** Families are per account and Region: a spoke's registrations are keyed apart (the hub's keep their old keys). */
const sitePrefix = (target: PlannedTarget): string =>
  target.site ? `${target.site.account}/${target.site.region}/` : '';

/** The registered revision per service key. */
export const register = async (
  push: Push,
  claimed: readonly PlannedTarget[],
): Promise<Map<string, string>> => {
  const { ecs, ledger, clock, log } = push.deps;
  const groups = Map.groupBy(
    claimed,
    (target) =>
      `${sitePrefix(target)}${familyRevision(target.snapshot.taskDefinition)}#${push.digest}#${[...target.rewrite.targetedContainers].sort().join(',')}`,
  );
  const registered = new Map<string, string>();
  for (const [key, members] of groups) {
    let arn = await ledger.registrations.get(key);
    if (!arn) {
      const first = members[0] as PlannedTarget;
      arn = (await ecs.registerTaskDefinition(first.rewrite.input, first.site)).taskDefinitionArn;
      await ledger.registrations.put(key, arn);
      log.info('task definition registered', {
        taskDefinition: arn,
        services: members.map((m) => m.serviceKey),
        digest: push.digest,
      });
    }
    for (const member of members) {
      registered.set(member.serviceKey, arn);
      await ledger.rollouts.update(member.serviceKey, push.digest, {
        status: 'registered',
        toTaskDefinition: arn,
        updatedAt: clock.now().toISOString(),
      });
    }
  }
  return registered;
};
