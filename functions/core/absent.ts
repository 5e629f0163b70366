/**
 * Null means absent. Describe output saved by many tools, hand-written JSON and YAML (`key:` with no value)
 * carry explicit nulls; everything Deckhand judges, rewrites or diffs goes through here first, so no rule,
 * rewrite or drift check ever has to tell `null` from a missing key.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * A copy of `value` with every null object field and null list item removed, at any depth. Dates and other
 * class instances are kept as they are; the input is never changed.
 */
export const withoutNulls = <T>(value: T): T => {
  if (Array.isArray(value))
    return value.filter((item) => item !== null).map((item: unknown) => withoutNulls(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null) out[key] = withoutNulls(inner);
  }
  return out as T;
};
