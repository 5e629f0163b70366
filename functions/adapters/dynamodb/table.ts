/**
 * The one DynamoDB table every ledger store shares. A failed write condition is returned as a value
 * (false, or the item that blocked the write) rather than thrown, and transient AWS failures become
 * TransientError so EventBridge retries the event. Undefined attributes are dropped by the document
 * client (`removeUndefinedValues`, see aws-clients.ts).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransientError } from '#core/errors.ts';
import type { Clock } from '#core/ports/clock.ts';
import { isTransientAwsError } from '../aws-clients.ts';
import { type Condition, conditionParams, keyCondition, type Range, setFields } from './expressions.ts';
import { epochSeconds, type Item, type Key, strip } from './items.ts';

/** One write of a transaction; `check` only tests its condition. */
export type Write =
  | { put: Item & Key; condition?: Condition }
  | { update: Key; fields: Record<string, unknown>; condition?: Condition }
  | { delete: Key; condition?: Condition }
  | { check: Key; condition: Condition };

/** A cancelled transaction: which writes' conditions failed (by index), with the items that failed them. */
export interface Cancelled {
  written: false;
  failed: boolean[];
  held: (Item | undefined)[];
}

/** DynamoDB's limits: 100 writes per transaction, 100 keys per batch read. */
export const transactionLimit = 100;
const batchGetLimit = 100;

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
  /** All the writes (at most 100) or none; a failed condition answers which, a conflict is transient. */
  transact(writes: readonly Write[]): Promise<{ written: true } | Cancelled>;
  /** The items that exist among `keys` (with their keys), in no particular order: 100 keys a round trip. */
  batchGet(keys: readonly Key[]): Promise<Item[]>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const transactItem = (TableName: string, write: Write): TransactItem => {
  const onFailure = write.condition ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {};
  if ('put' in write)
    return { Put: { TableName, Item: write.put, ...conditionParams(write.condition), ...onFailure } };
  if ('delete' in write)
    return { Delete: { TableName, Key: write.delete, ...conditionParams(write.condition), ...onFailure } };
  if ('check' in write)
    return {
      ConditionCheck: {
        TableName,
        Key: write.check,
        ...conditionParams(write.condition),
        ConditionExpression: write.condition.expression,
        ...onFailure,
      },
    };
  const set = setFields(write.fields);
  if (!set.expression)
    throw new Error(`DynamoDB UpdateItem ${write.update.pk} ${write.update.sk}: nothing to set`);
  return {
    Update: {
      TableName,
      Key: write.update,
      UpdateExpression: set.expression,
      ...conditionParams(write.condition, set),
      ...onFailure,
    },
  };
};

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

    async transact(writes) {
      const where = writes.map((write) => Object.values(write)[0] as Key).find(Boolean) ?? 'transaction';
      try {
        await send('TransactWriteItems', where, () =>
          documents.send(
            new TransactWriteCommand({
              TransactItems: writes.map((write) => transactItem(TableName, write)),
            }),
          ),
        );
        return { written: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // A conflict with another transaction or a throttle on one item: the whole write may pass later.
        if (
          reasons.some((reason) => reason.Code && !['None', 'ConditionalCheckFailed'].includes(reason.Code))
        )
          throw new TransientError(`DynamoDB TransactWriteItems: ${error.message}`, { cause: error });
        return {
          written: false,
          failed: writes.map((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed'),
          // As for a single write, the document client leaves the failing item in wire format.
          held: writes.map((_, index) => {
            const item = reasons[index]?.Item;
            return item ? unmarshall(item) : undefined;
          }),
        };
      }
    },

    async batchGet(keys) {
      const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
      const found: Item[] = [];
      for (let start = 0; start < unique.length; start += batchGetLimit) {
        let pending: Key[] = unique.slice(start, start + batchGetLimit);
        // Keys DynamoDB left unprocessed (throughput, size) are asked again after a short backoff.
        for (let attempt = 0; pending.length > 0; attempt += 1) {
          if (attempt > 0) await clock.sleep(Math.min(1000, 50 * 2 ** attempt));
          const asked = pending;
          const page = await send('BatchGetItem', `${asked.length} keys`, () =>
            documents.send(
              new BatchGetCommand({ RequestItems: { [TableName]: { Keys: asked, ConsistentRead: true } } }),
            ),
          );
          found.push(...(page.Responses?.[TableName] ?? []));
          pending = (page.UnprocessedKeys?.[TableName]?.Keys ?? []) as Key[];
          if (attempt >= 8 && pending.length > 0)
            throw new TransientError(`DynamoDB BatchGetItem: ${pending.length} keys left unprocessed`);
        }
      }
      return found;
    },
  };
};
