/**
 * SDK v3 clients with Deckhand's retry policy. The endpoint comes from the standard SDK environment
 * (`AWS_ENDPOINT_URL`), which is how tests and the demo reach moto.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SiteClientConfig } from './site-clients.ts';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';

/**
 * Standard retries (exponential backoff with jitter, a retry quota), inside a Lambda timeout. Not `adaptive`:
 * its one client-side rate limiter per client slows every action once any is throttled, and the ECS
 * adapter already paces each action to ECS's documented per-action limits (`ecsThrottles`).
 */
export const retryConfig = { maxAttempts: 6, retryMode: 'standard' } as const;

/** At a spoke (`site` from site-clients.ts): its Region and, in another account, the assumed role. */
export const createCloudWatchClient = (site?: SiteClientConfig): CloudWatchClient =>
  new CloudWatchClient({ ...retryConfig, ...site });
export const createEcsClient = (site?: SiteClientConfig): ECSClient =>
  new ECSClient({ ...retryConfig, ...site });
export const createEcrClient = (site?: SiteClientConfig): ECRClient =>
  new ECRClient({ ...retryConfig, ...site });
export const createDynamoDbClient = (): DynamoDBClient => new DynamoDBClient({ ...retryConfig });
export const createSqsClient = (): SQSClient => new SQSClient({ ...retryConfig });
export const createDocumentClient = (
  client: DynamoDBClient = createDynamoDbClient(),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The state table's name: set by the stack in Lambda; a fixed local default for the CLI and tests. */
export const stateTableName = (): string => process.env.DECKHAND_TABLE ?? 'deckhand-state';

type SdkError = Parameters<typeof isTransientError>[0];

/**
 * True when retrying later may succeed, classified as the SDK's own retry strategy does: throttling (by error
 * code, 429 or the `$retryable` trait), transient faults (500/502/503/504, timeouts, network errors such as
 * ECONNRESET, ETIMEDOUT or ENOTFOUND, also when they are the `cause`), and any other 5xx.
 */
export const isTransientAwsError = (error: unknown): boolean => {
  if (!error || typeof error !== 'object') return false;
  const failure = error as SdkError;
  return isThrottlingError(failure) || isTransientError(failure) || isServerError(failure);
};
