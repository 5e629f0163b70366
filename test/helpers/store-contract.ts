/**
 * What the store contract files (test/integration/store-contract*.test.ts) share: the time they start at, and
 * the moto table with raw reads and writes around the stores.
 */
import { GetCommand, type NativeAttributeValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll } from 'vitest';
import { createDocumentClient, createDynamoDbClient } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';

export const start = '2026-11-24T10:00:00.000Z';
/** `start` plus `minutes`, as ISO. */
export const at = (minutes: number): string => new Date(Date.parse(start) + minutes * 60_000).toISOString();
/** A `ttl` value: epoch seconds. */
export const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
export const days = (n: number): number => n * 24 * 60 * 60;

/**
 * The file's table on moto (each test file runs in an account of its own), created before its tests. Tests
 * share it, so each uses fresh keys.
 */
export const motoTable = () => {
  const tableName = 'deckhand-store-contract';
  const documents = createDocumentClient();
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), tableName);
  });
  const raw = async (pk: string, sk: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true })))
      .Item;
  const putRaw = (item: Record<string, NativeAttributeValue>) =>
    documents.send(new PutCommand({ TableName: tableName, Item: item }));
  return { tableName, documents, raw, putRaw };
};
