/**
 * The Secrets Manager adapter (Powertools Parameters over a mocked SDK client): caching by maxAge, one request
 * for concurrent readers, and errors that name the secret but never carry its value.
 */
import {
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretsAdapter, SecretError } from '#adapters/secrets-manager.ts';
import { TransientError } from '#core/errors.ts';

const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack/payments-AbCdEf';
const value = 'xoxb-1111-2222-secret-value';
const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1 });

const secretsMock = mockClient(SecretsManagerClient);
const adapter = (maxAgeSeconds?: number) =>
  createSecretsAdapter({
    provider: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: 'eu-west-1' }) }),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
  });

/** The error `value()` rejects with. */
const failureOf = async (promise: Promise<string>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the read succeeded');
};

beforeEach(() => {
  secretsMock.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createSecretsAdapter', () => {
  it('reads the secret once, trimmed, and reuses it until maxAge passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsMock.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: `${value}\n` });
    const secrets = adapter(60);
    expect(await secrets.value(arn)).toBe(value);
    expect(await secrets.value(arn)).toBe(value);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    vi.advanceTimersByTime(61_000);
    expect(await secrets.value(arn)).toBe(value);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('makes one request for concurrent readers of the same secret', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: value });
    const secrets = adapter();
    const values = await Promise.all([secrets.value(arn), secrets.value(arn), secrets.value(arn)]);
    expect(values).toEqual([value, value, value]);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('maps throttling and 5xx to a TransientError naming the secret, with the SDK error as cause', async () => {
    const throttled = new SecretsManagerServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: metadata(400),
      message: 'Rate exceeded',
    });
    const internal = new InternalServiceError({ message: 'internal', $metadata: metadata(500) });
    secretsMock.on(GetSecretValueCommand).rejectsOnce(throttled).rejectsOnce(internal);
    const secrets = adapter();
    for (const cause of [throttled, internal]) {
      const error = await failureOf(secrets.value(arn));
      expect(error).toBeInstanceOf(TransientError);
      expect(error.message).toBe(`${cause.name} reading secret ${arn}`);
      expect(error.cause).toBe(cause);
    }
  });

  it('does not cache a failure: the next read asks again', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejectsOnce(new InternalServiceError({ message: 'internal', $metadata: metadata(500) }))
      .resolves({ SecretString: value });
    const secrets = adapter();
    await expect(secrets.value(arn)).rejects.toBeInstanceOf(TransientError);
    expect(await secrets.value(arn)).toBe(value);
  });

  it('maps a missing secret to a SecretError', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "can't find the secret", $metadata: metadata(400) }));
    const error = await failureOf(adapter().value(arn));
    expect(error).toBeInstanceOf(SecretError);
    expect(error.message).toBe(`ResourceNotFoundException reading secret ${arn}`);
  });

  it('rejects a binary or empty secret with a SecretError that names the ARN, never the value', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretBinary: new TextEncoder().encode(value) })
      .resolvesOnce({ SecretString: '  ' });
    const secrets = adapter(0);
    for (let read = 0; read < 2; read += 1) {
      const error = await failureOf(secrets.value(arn));
      expect(error).toBeInstanceOf(SecretError);
      expect(error.message).toBe(`secret ${arn} has no string value`);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(value);
    }
  });
});
