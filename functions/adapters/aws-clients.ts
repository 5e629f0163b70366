/**
 * SDK v3 clients with Deckhand's retry policy. The endpoint comes from the standard SDK environment
 * (`AWS_ENDPOINT_URL`), which is how tests and the demo reach moto.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Adaptive retries back off on throttling; the attempts stay well inside a Lambda timeout. */
export const retryConfig = { maxAttempts: 6, retryMode: 'adaptive' } as const;

export const createCloudWatchClient = (): CloudWatchClient => new CloudWatchClient({ ...retryConfig });
export const createEcsClient = (): ECSClient => new ECSClient({ ...retryConfig });
export const createEcrClient = (): ECRClient => new ECRClient({ ...retryConfig });
export const createDynamoDbClient = (): DynamoDBClient => new DynamoDBClient({ ...retryConfig });
export const createDocumentClient = (
  client: DynamoDBClient = createDynamoDbClient(),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The state table's name: set by the stack in Lambda; a fixed local default for the CLI and tests. */
export const stateTableName = (): string => process.env.DECKHAND_TABLE ?? 'deckhand-state';

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
  'ServiceUnavailable',
  'ServerException',
  'InternalServerError',
  'InternalFailure',
  'LimitExceededException',
]);

/** True when retrying later may succeed: throttling, 5xx, network faults. */
export const isTransientAwsError = (error: unknown): boolean => {
  const failure = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (!failure || typeof failure !== 'object') return false;
  if (failure.$retryable) return true;
  if (failure.name && throttlingNames.has(failure.name)) return true;
  const status = failure.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // No HTTP status at all: a socket, DNS or timeout fault, or moto's 500 mis-parsed as a SyntaxError.
  return (
    status === undefined &&
    (failure.name === 'SyntaxError' ||
      /ECONN|ETIMEDOUT|socket|network/i.test(String((error as Error).message)))
  );
};
