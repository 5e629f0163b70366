/** RegistryPort over ECR: repository policies, read once per repository and account, then kept a while. */
import { type ECRClient, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { TargetError, TransientError } from '#core/errors.ts';
import type { RegistryPort } from '#core/ports/registry.ts';
import type { Site } from '#core/sites.ts';
import { isTransientAwsError } from './aws-clients.ts';

/** Policies change rarely; a changed one is seen within this long by a warm function. */
const policyMaxAgeMs = 5 * 60_000;

export const createRegistryAdapter = (clientAt: (site: Site | undefined) => ECRClient): RegistryPort => {
  const cache = new Map<string, { at: number; policy: Promise<string | undefined> }>();
  const read = async (repository: string, site: Site | undefined): Promise<string | undefined> => {
    try {
      const answer = await clientAt(site).send(
        new GetRepositoryPolicyCommand({ repositoryName: repository }),
      );
      return answer.policyText;
    } catch (error) {
      if ((error as { name?: string }).name === 'RepositoryPolicyNotFoundException') return undefined;
      if (isTransientAwsError(error))
        throw new TransientError(`GetRepositoryPolicy ${repository}: ${(error as Error).message}`, {
          cause: error,
        });
      throw new TargetError(
        `cannot read the policy of repository ${repository}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  return {
    repositoryPolicy(repository, site) {
      const key = `${site?.account ?? ''}/${site?.region ?? ''}/${repository}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < policyMaxAgeMs) return hit.policy;
      const policy = read(repository, site);
      cache.set(key, { at: Date.now(), policy });
      // A failed read is not kept: the next deploy asks again.
      policy.catch(() => cache.delete(key));
      return policy;
    },
  };
};
