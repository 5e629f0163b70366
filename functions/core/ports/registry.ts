/** What the deploy needs of ECR: a repository's policy, to know whether another account may pull from it. */
import type { Site } from '../sites.ts';

export interface RegistryPort {
  /** The repository policy's JSON text; undefined when the repository has none. Cached by the adapter. */
  repositoryPolicy(repository: string, site: Site | undefined): Promise<string | undefined>;
}
