/** Expression builders for the ledger table's requests: each placeholder scheme is written once, here. */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

/** A condition with its placeholders; `#f<n>`, `:v<n>`, `:pk`, `:from` and `:to` are taken. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, NativeAttributeValue>;
}
/** Which items of a partition: a sort-key prefix or an inclusive sort-key range. */
export type Range = { beginsWith: string } | { between: readonly [string, string] };

/** Placeholders for `attribute IN (<list>)`. */
export const valueList = (prefix: string, values: readonly NativeAttributeValue[]) => ({
  list: values.map((_, index) => `:${prefix}${index}`).join(', '),
  values: Object.fromEntries(values.map((value, index) => [`:${prefix}${index}`, value])),
});

interface Placeholders {
  names: Record<string, string>;
  values: Record<string, NativeAttributeValue>;
}

/** The condition and the placeholders of it and of `set`; DynamoDB rejects empty placeholder maps. */
export const conditionParams = (condition?: Condition, set: Placeholders = { names: {}, values: {} }) => {
  const names = { ...condition?.names, ...set.names };
  const values = { ...condition?.values, ...set.values };
  return {
    ...(condition ? { ConditionExpression: condition.expression } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
};

/** `SET #f0 = :v0, …` over the defined fields; undefined fields are left alone, not removed. */
export const setFields = (fields: Record<string, unknown>): Placeholders & { expression?: string } => {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    expression: entries.length > 0 ? `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}` : undefined,
    names: Object.fromEntries(entries.map(([field], i) => [`#f${i}`, field])),
    values: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value as NativeAttributeValue])),
  };
};

export const keyCondition = (pk: string, range: Range | undefined) => {
  if (!range) return { expression: 'pk = :pk', values: { ':pk': pk } };
  if ('beginsWith' in range)
    return {
      expression: 'pk = :pk AND begins_with(sk, :from)',
      values: { ':pk': pk, ':from': range.beginsWith },
    };
  const [from, to] = range.between;
  return {
    expression: 'pk = :pk AND sk BETWEEN :from AND :to',
    values: { ':pk': pk, ':from': from, ':to': to },
  };
};
