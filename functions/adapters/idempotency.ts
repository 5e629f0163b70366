/**
 * Powertools Idempotency on the EventBridge event id, stored in Deckhand's state table, so a duplicate
 * delivery returns the first delivery's outcome instead of acting again.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { createDynamoDbClient, stateTableName } from './aws-clients.ts';
import { eventHandler } from './event-handler.ts';

export const idempotentOnEventId = (functionName: string) =>
  makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: stateTableName(),
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: `idempotency#${functionName}`,
      expiryAttr: 'ttl',
      awsSdkV3Client: createDynamoDbClient(),
    }),
    config: new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: 24 * 60 * 60 }),
  });

/**
 * `eventHandler` whose duplicate deliveries (the same event id) return the first delivery's outcome instead of
 * acting (or counting) again.
 */
export const idempotentEventHandler: typeof eventHandler = (name, deps, useCase) =>
  eventHandler(name, deps, useCase).use(idempotentOnEventId(name));
