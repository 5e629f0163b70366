/**
 * Pull access (step 4, before judging): a target in an account other than the registry's can run the image
 * only if the repository policy lets that account pull. Deckhand reads the policy (cached per repository and
 * account by the adapter) and blocks such a target with the reason, instead of letting its tasks fail with
 * CannotPullContainerError.
 */
import { registryOfUri } from '../../image-ref.ts';
import { pullAccess } from '../../images/pull-access.ts';
import type { DeployAction } from '../../outcome.ts';
import { placeOf, siteAt } from '../../sites.ts';
import { deployAction, type Push } from './context.ts';
import type { Candidate } from './plan.ts';

export const checkPullAccess = async (
  push: Push,
  candidates: readonly Candidate[],
): Promise<{ candidates: Candidate[]; actions: DeployAction[] }> => {
  const { deps } = push;
  const registry = registryOfUri(push.repositoryUri);
  const where = registry && siteAt(deps, registry.account, registry.region);
  const passed: Candidate[] = [];
  const actions: DeployAction[] = [];
  for (const candidate of candidates) {
    const account = placeOf(deps, candidate.site).account;
    // Same account, or a registry Deckhand has no role in (its policy can't be read): nothing to check.
    if (!registry || !where?.known || account === registry.account) {
      passed.push(candidate);
      continue;
    }
    const policy = await deps.registry.repositoryPolicy(registry.repository, where.site);
    const verdict = pullAccess(policy, account, deps.config.organizationId);
    if (verdict.allowed) passed.push(candidate);
    else
      actions.push(
        deployAction(push, candidate, 'blocked', {
          from: candidate.snapshot.taskDefinition,
          reason: `account ${account} may not pull ${registry.repository} from account ${registry.account}: ${verdict.reason}`,
        }),
      );
  }
  return { candidates: passed, actions };
};
