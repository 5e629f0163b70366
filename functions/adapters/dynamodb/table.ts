/**
 * The one DynamoDB table every ledger store shares. A failed write condition is returned as a value
 * (false, or the item that blocked the write) rather than thrown, and transient AWS failures become
 * TransientError so EventBridge retries the event. Undefined attributes are dropped by the document
 * client (`removeUndefinedValues`, see aws-clients.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransientError } from '#core/errors.ts';
import type { Clock } from '#core/ports/clock.ts';
import { isTransientAwsError } from '../aws-clients.ts';
import { type Condition, conditionParams, keyCondition, type Range, setFields } from './expressions.ts';
import { epochSeconds, type Item, type Key, strip } from './items.ts';

export interface LedgerTable {
  readonly clock: Clock;
  /** The `ttl` attribute: epoch seconds `days` after `from` (default: now). */
  ttl(days: number, from?: Date): number;
  get<T>(key: Key): Promise<T | undefined>;
  /** Writes if `condition` holds (no condition: always); otherwise `held` is the item that blocked it. */
  put(item: Item & Key, condition?: Condition): Promise<{ written: boolean; held?: Item }>;
  /** SETs the defined fields (at least one) if `condition` holds (none: always); false when it did not. */
  update(key: Key, fields: Record<string, unknown>, condition?: Condition): Promise<boolean>;
  /** Deletes if `condition` holds (no condition: always); false when it did not hold. */
  delete(key: Key, condition?: Condition): Promise<boolean>;
  /** The partition's items in sort-key order (or descending), every page unless `limit` is given. */
  query<T>(pk: string, range?: Range, options?: { descending?: boolean; limit?: number }): Promise<T[]>;
}

export const createLedgerTable = (
  documents: DynamoDBDocumentClient,
  TableName: string,
  clock: Clock,
): LedgerTable => {
  const send = async <T>(operation: string, where: Key | string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || !isTransientAwsError(error)) throw error;
      const target = typeof where === 'string' ? where : `${where.pk} ${where.sk}`;
      const message = `DynamoDB ${operation} ${target}: ${(error as Error).message}`;
      throw new TransientError(message, { cause: error });
    }
  };

  /** A write whose failed condition is `{ ok: false }`, with the item that failed it if returned. */
  const attempt = async (operation: string, key: Key, request: () => Promise<unknown>) => {
    try {
      await send(operation, key, request);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not unmarshall an error's item: ALL_OLD comes back in wire format.
      return { ok: false, ...(error.Item ? { held: unmarshall(error.Item) } : {}) };
    }
  };

  return {
    clock,
    ttl: (days, from = clock.now()) => epochSeconds(from) + days * 24 * 60 * 60,

    async get<T>(key: Key) {
      const { Item: item } = await send('GetItem', key, () =>
        documents.send(new GetCommand({ TableName, Key: key, ConsistentRead: true })),
      );
      return item ? strip<T>(item) : undefined;
    },

    async put(item, condition) {
      const { ok, held } = await attempt('PutItem', item, () =>
        documents.send(
          new PutCommand({
            TableName,
            Item: item,
            ...conditionParams(condition),
            ...(condition ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
          }),
        ),
      );
      return { written: ok, ...(held ? { held } : {}) };
    },

    async update(key, fields, condition) {
      const set = setFields(fields);
      // An update without an UpdateExpression is not portable (moto rejects it): callers check first.
      if (!set.expression) throw new Error(`DynamoDB UpdateItem ${key.pk} ${key.sk}: nothing to set`);
      const { ok } = await attempt('UpdateItem', key, () =>
        documents.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: set.expression,
            ...conditionParams(condition, set),
          }),
        ),
      );
      return ok;
    },

    async delete(key, condition) {
      const { ok } = await attempt('DeleteItem', key, () =>
        documents.send(new DeleteCommand({ TableName, Key: key, ...conditionParams(condition) })),
      );
      return ok;
    },

    async query<T>(pk: string, range?: Range, options: { descending?: boolean; limit?: number } = {}) {
      const { expression, values } = keyCondition(pk, range);
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await send('Query', pk, () =>
          documents.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: expression,
              ExpressionAttributeValues: values,
              ConsistentRead: true,
              ScanIndexForward: !options.descending,
              Limit: options.limit,
              ExclusiveStartKey: start,
            }),
          ),
        );
        items.push(...(page.Items ?? []));
        // A limited query wants its first items only; otherwise follow the 1 MB pages to the end.
        start = options.limit === undefined ? page.LastEvaluatedKey : undefined;
      } while (start);
      return items.map((item) => strip<T>(item));
    },
  };
};
