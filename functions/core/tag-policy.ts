/**
 * Tag policies: which pushed tags a pipeline deploys, and which of two tags is newer.
 *   "main-*"              glob (picomatch), the default; no order, so push time decides
 *   "glob:release/*"      the same, explicit
 *   "semver:>=1.2.0 <2"   semver range; a leading "v" is allowed; ordered by semver precedence
 *   "regex:^v(\d+)$"      regular expression; ordered by its capture groups, numerically where both are numbers
 */
import picomatch from 'picomatch';
// semver's functions one by one: its index requires every one of them (~29 KB in a bundle).
import compareVersions from 'semver/functions/compare.js';
import parseVersion from 'semver/functions/parse.js';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';

export type TagPolicyKind = 'glob' | 'semver' | 'regex';

export interface TagPolicy {
  readonly kind: TagPolicyKind;
  readonly source: string;
  matches(tag: string): boolean;
  /** Negative when `a` is older than `b`; undefined when the policy has no order for them. */
  compare(a: string, b: string): number | undefined;
}

export class TagPolicyError extends Error {
  override name = 'TagPolicyError';
}

const globPolicy = (source: string, pattern: string): TagPolicy => {
  const isMatch = picomatch(pattern, { dot: true });
  return { kind: 'glob', source, matches: (tag) => isMatch(tag), compare: () => undefined };
};

const semverPolicy = (source: string, range: string): TagPolicy => {
  const valid = validRange(range);
  if (valid === null) throw new TagPolicyError(`not a semver range: ${range}`);
  const parse = (tag: string) => parseVersion(tag.replace(/^v(?=\d)/, ''));
  return {
    kind: 'semver',
    source,
    matches: (tag) => {
      const version = parse(tag);
      return version !== null && satisfies(version, valid);
    },
    compare: (a, b) => {
      const left = parse(a);
      const right = parse(b);
      return left && right ? compareVersions(left, right) : undefined;
    },
  };
};

const compareCaptures = (
  left: readonly (string | undefined)[],
  right: readonly (string | undefined)[],
): number => {
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const a = left[index] ?? '';
    const b = right[index] ?? '';
    const numeric = /^\d+$/.test(a) && /^\d+$/.test(b);
    const order = numeric ? Math.sign(Number(BigInt(a) - BigInt(b))) : a < b ? -1 : a > b ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
};

const regexPolicy = (source: string, pattern: string): TagPolicy => {
  let expression: RegExp;
  try {
    expression = new RegExp(pattern);
  } catch (error) {
    throw new TagPolicyError(`not a valid regular expression: ${pattern}`, { cause: error });
  }
  const captures = (tag: string) => expression.exec(tag)?.slice(1);
  return {
    kind: 'regex',
    source,
    matches: (tag) => expression.test(tag),
    compare: (a, b) => {
      const left = captures(a);
      const right = captures(b);
      if (!left || !right || (left.length === 0 && right.length === 0)) return undefined;
      return compareCaptures(left, right);
    },
  };
};

export const parseTagPolicy = (source: string): TagPolicy => {
  const separator = source.indexOf(':');
  const prefix = separator > 0 ? source.slice(0, separator) : '';
  const body = source.slice(separator + 1);
  if (prefix === 'semver') return semverPolicy(source, body);
  if (prefix === 'regex') return regexPolicy(source, body);
  if (prefix === 'glob') return globPolicy(source, body);
  return globPolicy(source, source);
};
