/**
 * Secret values from Secrets Manager through Powertools Parameters, cached for `maxAgeSeconds`. Values are
 * never logged, and errors name the secret's ARN, never its value.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { TransientError } from '#core/errors.ts';
import { isTransientAwsError, retryConfig } from './aws-clients.ts';

export interface SecretsPort {
  value(secretArn: string): Promise<string>;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

export interface SecretsAdapterOptions {
  /** How long a value is reused before it is read again; default 5 minutes. */
  maxAgeSeconds?: number;
  /** Default: a provider over a SecretsManagerClient with Deckhand's retry policy (honours AWS_ENDPOINT_URL). */
  provider?: SecretsProvider;
}

export const createSecretsAdapter = (options: SecretsAdapterOptions = {}): SecretsPort => {
  const maxAge = options.maxAgeSeconds ?? 5 * 60;
  const provider =
    options.provider ?? new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...retryConfig }) });
  // Concurrent readers of one secret share a single request; the provider caches the value after that.
  const reading = new Map<string, Promise<string>>();

  const read = async (secretArn: string): Promise<string> => {
    let value: unknown;
    try {
      value = await provider.get(secretArn, { maxAge });
    } catch (error) {
      // The provider wraps the SDK's error in a GetParameterError; classify the SDK's own.
      const failure = error instanceof GetParameterError && error.cause !== undefined ? error.cause : error;
      const reason = `${(failure as { name?: string } | undefined)?.name ?? 'Error'} reading secret ${secretArn}`;
      throw isTransientAwsError(failure)
        ? new TransientError(reason, { cause: failure })
        : new SecretError(reason, { cause: failure });
    }
    if (typeof value !== 'string' || value.trim() === '')
      throw new SecretError(`secret ${secretArn} has no string value`);
    return value.trim();
  };

  return {
    value(secretArn) {
      const pending = reading.get(secretArn);
      if (pending) return pending;
      const value = read(secretArn).finally(() => reading.delete(secretArn));
      reading.set(secretArn, value);
      return value;
    },
  };
};
