/**
 * Register (step 6): one revision per group of services that would register the same one (same site,
 * current revision and rewritten containers), reused when a retry or another event with the same image asks
 * again. A new revision is recorded under each of its group's registration keys (prefetch.ts), with the
 * group's rollouts moved to `registered`, in one write that runs while the services roll.
 */
import type { PlannedTarget, Push } from './context.ts';
import { type Prefetched, revisionKeyOf } from './prefetch.ts';

export interface RegistrationGroup {
  members: PlannedTarget[];
  /** The members' registration keys: more than one where targets name their containers differently. */
  keys: string[];
  /** The revision already registered under one of the keys. */
  arn: string | undefined;
}

export const registrationGroups = (
  planned: readonly PlannedTarget[],
  prefetched: Prefetched,
): RegistrationGroup[] => {
  const groups = Map.groupBy(
    planned,
    (target) =>
      `${revisionKeyOf(target.site, target.snapshot.taskDefinition)}#${[...target.rewrite.targetedContainers].sort().join(',')}`,
  );
  return [...groups.values()].map((members) => {
    const keys = [...new Set(members.map((m) => prefetched.registrationKeys.get(m.serviceKey) as string))];
    return { members, keys, arn: keys.map((key) => prefetched.ledger.registrations.get(key)).find(Boolean) };
  });
};

export interface Registered {
  /** The registered revision per service key. */
  arns: Map<string, string>;
  /**
   * The new registrations, being recorded with their rollouts while the services roll (UpdateService needs
   * only the ARN): the roll awaits this before it writes a rollout, and the deploy before it answers.
   */
  recorded: Promise<void>;
}

export const register = async (
  push: Push,
  claimed: readonly PlannedTarget[],
  prefetched: Prefetched,
): Promise<Registered> => {
  const { ecs, ledger, clock, log } = push.deps;
  const arns = new Map<string, string>();
  const writes: Promise<void>[] = [];
  try {
    for (const { members, keys, arn: known } of registrationGroups(claimed, prefetched)) {
      // Claims of a revision already registered were recorded `registered` with it.
      let arn = known;
      if (!arn) {
        const first = members[0] as PlannedTarget;
        arn = (await ecs.registerTaskDefinition(first.rewrite.input, first.site)).taskDefinitionArn;
        const write = ledger.registrations.put(keys, arn, {
          rollouts: members.map((member) => ({ serviceKey: member.serviceKey, digest: push.digest })),
          updatedAt: clock.now().toISOString(),
        });
        // Handled where it is awaited; until then a failure is not an unhandled rejection.
        write.catch(() => undefined);
        writes.push(write);
        log.info('task definition registered', {
          taskDefinition: arn,
          services: members.map((m) => m.serviceKey),
          digest: push.digest,
        });
      }
      for (const member of members) arns.set(member.serviceKey, arn);
    }
  } catch (error) {
    await Promise.allSettled(writes);
    throw error;
  }
  const recorded = Promise.all(writes).then(() => undefined);
  recorded.catch(() => undefined);
  return { arns, recorded };
};
