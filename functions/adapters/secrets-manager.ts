/** Secret values from Secrets Manager, cached for the life of the container. Values are never logged. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TransientError } from '#core/errors.ts';
import { isTransientAwsError } from './aws-clients.ts';

export interface SecretsPort {
  value(secretArn: string): Promise<string>;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

export const createSecretsAdapter = (client: SecretsManagerClient, ttlMs = 5 * 60_000): SecretsPort => {
  const cache = new Map<string, { value: Promise<string>; until: number }>();
  return {
    value(secretArn) {
      const hit = cache.get(secretArn);
      if (hit && hit.until > Date.now()) return hit.value;
      const value = client
        .send(new GetSecretValueCommand({ SecretId: secretArn }))
        .then(({ SecretString }) => {
          if (!SecretString) throw new SecretError(`secret ${secretArn} has no string value`);
          return SecretString.trim();
        })
        .catch((error: unknown) => {
          cache.delete(secretArn);
          if (error instanceof SecretError) throw error;
          // The message names the secret, never its value.
          const reason = `${(error as { name?: string }).name ?? 'Error'} reading secret ${secretArn}`;
          throw isTransientAwsError(error)
            ? new TransientError(reason, { cause: error })
            : new SecretError(reason, { cause: error });
        });
      cache.set(secretArn, { value, until: Date.now() + ttlMs });
      return value;
    },
  };
};
