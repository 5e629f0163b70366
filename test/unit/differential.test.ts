/**
 * Differential tests against the field: the ECS task-definition and service cases of checkov's, prowler's and
 * trivy-checks' own test suites (test/fixtures/differential, sources in SOURCES.md), each judged by the
 * Deckhand rule it maps to. Deckhand's verdict must equal theirs, except where a known difference says why
 * not; there the test asserts Deckhand's own answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleCatalogue } from '#core/guardrails/catalogue.ts';
import { parseCloudFormationYaml } from '#core/guardrails/cfn-yaml.ts';
import { knownDifferences, type Verdict } from '#core/guardrails/differences.ts';
import { evaluateService, evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { subjectsOf } from '#core/guardrails/inputs.ts';
import { guardrailsSchema } from '#core/guardrails/policy.ts';
import type { Finding, ServiceShape, TaskDefinitionShape } from '#core/guardrails/types.ts';

interface Case {
  id: string;
  repository: string;
  path: string;
  commit: string;
  license: string;
  resource: string;
  check: string;
  rules: string[];
  expected: Verdict;
  format: 'cloudformation-yaml' | 'task-definition' | 'service';
  input: unknown;
}

const dir = join(import.meta.dirname, '../fixtures/differential');
const { cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] };
const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

// Every rule blocks, so a violation is a `fail` whatever the default mode.
const guardrails = guardrailsSchema.parse({
  rules: Object.fromEntries(ruleCatalogue.map((rule) => [rule.id, 'block'])),
});
const scope = { point: 'ci' as const, subject: { images: [] }, now: new Date('2026-11-24T12:00:00Z') };

const findingsFor = async (c: Case): Promise<Finding[]> => {
  if (c.format === 'service') return evaluateService(c.input as ServiceShape, guardrails, scope).findings;
  if (c.format === 'task-definition')
    return (await evaluateTaskDefinition(c.input as TaskDefinitionShape, [], guardrails, scope)).findings;
  const subject = subjectsOf(parseCloudFormationYaml(c.input as string)).find(
    (s) => s.resource === c.resource,
  );
  if (subject?.kind !== 'task-definition') throw new Error(`${c.id}: no task definition ${c.resource}`);
  return (await evaluateTaskDefinition(subject.taskDefinition, subject.tags, guardrails, scope)).findings;
};

/** A resource fails when any finding of the mapped rules does; an `error` never counts as a pass. */
const verdictOf = (findings: Finding[], rules: string[]): Verdict =>
  findings.some((f) => rules.includes(f.rule) && f.status !== 'pass' && f.status !== 'skip')
    ? 'fail'
    : 'pass';

const differenceFor = (id: string) => knownDifferences.find((d) => d.cases.includes(id));

describe('the differential suite', () => {
  it('has at least 40 third-party cases from all three suites, each with its source', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.repository))).toEqual(
      new Set(['bridgecrewio/checkov', 'prowler-cloud/prowler', 'aquasecurity/trivy-checks']),
    );
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(['Apache-2.0', 'MIT']).toContain(c.license);
      expect(sources).toContain(
        `| ${c.id} | ${c.repository} | ${c.path} (${c.resource}) | ${c.commit} | ${c.license} |`,
      );
    }
  });

  it('lists every known difference in the README rule notes, each backed by its cases', () => {
    for (const d of knownDifferences) {
      expect(d.theirs).not.toBe(d.ours);
      for (const id of d.cases) {
        const c = cases.find((candidate) => candidate.id === id);
        expect(c, id).toBeDefined();
        expect(c?.expected).toBe(d.theirs);
        expect(c?.rules).toContain(d.rule);
        expect(readme).toContain(`\`${id}\``);
      }
      expect(readme).toContain(d.reason);
    }
  });
});

describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const difference = differenceFor(c.id);
  const expected = difference ? difference.ours : c.expected;
  it(`${c.rules.join('+')} says ${expected}${difference ? ` (they say ${c.expected}: known difference)` : ''}`, async () => {
    const findings = await findingsFor(c);
    expect(findings.filter((f) => f.status === 'error')).toEqual([]);
    expect(verdictOf(findings, c.rules)).toBe(expected);
  });
});
