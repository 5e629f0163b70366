import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagPolicy, TagPolicyError } from '#core/tag-policy.ts';

describe('glob policies', () => {
  it('is the default and matches with picomatch semantics', () => {
    const policy = parseTagPolicy('main-*');
    expect(policy.kind).toBe('glob');
    expect(policy.matches('main-1a2b')).toBe(true);
    expect(policy.matches('feature-1')).toBe(false);
    expect(policy.matches('main-a/b')).toBe(false);
  });

  it('accepts an explicit glob: prefix and matches every tag with *', () => {
    expect(parseTagPolicy('glob:release/*').matches('release/7')).toBe(true);
    expect(parseTagPolicy('*').matches('.hidden')).toBe(true);
  });

  it('has no order, so push time decides', () => {
    expect(parseTagPolicy('main-*').compare('main-2', 'main-1')).toBeUndefined();
  });
});

describe('semver policies', () => {
  const policy = parseTagPolicy('semver:>=1.2.0 <2');

  it('matches tags in the range, with or without a leading v', () => {
    expect(policy.matches('1.2.0')).toBe(true);
    expect(policy.matches('v1.9.3')).toBe(true);
    expect(policy.matches('2.0.0')).toBe(false);
    expect(policy.matches('1.1.9')).toBe(false);
    expect(policy.matches('latest')).toBe(false);
  });

  it('orders by semver precedence, not by string', () => {
    expect(policy.compare('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(policy.compare('v1.2.0', '1.2.1')).toBeLessThan(0);
    expect(policy.compare('1.3.0-rc.1', '1.3.0')).toBeLessThan(0);
    expect(policy.compare('1.3.0', 'v1.3.0')).toBe(0);
  });

  it('has no order when a tag is not a version', () => {
    expect(policy.compare('1.3.0', 'latest')).toBeUndefined();
  });

  it('rejects an invalid range', () => {
    expect(() => parseTagPolicy('semver:>>nonsense')).toThrow(TagPolicyError);
  });

  it('orders any two versions antisymmetrically', () => {
    const version = fc
      .tuple(fc.nat(50), fc.nat(50), fc.nat(50))
      .map(([major, minor, patch]) => `${major}.${minor}.${patch}`);
    const any = parseTagPolicy('semver:*');
    fc.assert(
      fc.property(version, version, (a, b) => {
        const ab = any.compare(a, b) ?? Number.NaN;
        const ba = any.compare(b, a) ?? Number.NaN;
        return Math.sign(ab) === -Math.sign(ba) && (ab === 0) === (a === b);
      }),
    );
  });
});

describe('regex policies', () => {
  it('matches by the expression', () => {
    const policy = parseTagPolicy(String.raw`regex:^v\d+$`);
    expect(policy.matches('v12')).toBe(true);
    expect(policy.matches('v12-rc')).toBe(false);
  });

  it('orders by capture groups, numerically where both are numbers', () => {
    const policy = parseTagPolicy(String.raw`regex:^build-(\d+)-(\w+)$`);
    expect(policy.compare('build-10-a', 'build-9-z')).toBeGreaterThan(0);
    expect(policy.compare('build-10-a', 'build-10-b')).toBeLessThan(0);
    expect(policy.compare('build-99999999999999999999-a', 'build-99999999999999999998-a')).toBe(1);
  });

  it('has no order without capture groups', () => {
    expect(parseTagPolicy(String.raw`regex:^v\d+$`).compare('v1', 'v2')).toBeUndefined();
  });

  it('orders numeric captures like the numbers they are', () => {
    const policy = parseTagPolicy(String.raw`regex:^r(\d+)$`);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        return policy.compare(`r${a}`, `r${b}`) === Math.sign(a - b);
      }),
    );
  });

  it('rejects an invalid expression', () => {
    expect(() => parseTagPolicy('regex:(unclosed')).toThrow(TagPolicyError);
  });
});
