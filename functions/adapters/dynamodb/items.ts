/** What the ledger table's items look like: the key attributes, `ttl`, and the record around them. */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, NativeAttributeValue>;
export interface Key {
  pk: string;
  sk: string;
}

/** An update named a record that does not exist; the in-memory stores throw the same. */
export class RecordNotFoundError extends Error {
  override name = 'RecordNotFoundError';
}

/** Records that explain history (rollouts, registrations, scans, audits) live a little over a year. */
export const recordRetentionDays = 400;

export const servicePk = (serviceKey: string): string => `svc#${serviceKey}`;
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The stored record without the table's own attributes. */
export const strip = <T>(item: Item): T => {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
  return rest as T;
};
