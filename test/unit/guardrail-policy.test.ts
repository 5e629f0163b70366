import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';
import { evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { guardrailsSchema, resolveRule } from '#core/guardrails/policy.ts';
import type { TaskDefinitionShape } from '#core/guardrails/types.ts';

const now = new Date('2026-11-24T12:00:00Z');
const privileged = (): TaskDefinitionShape => ({
  family: 'web',
  networkMode: 'awsvpc',
  volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }],
  containerDefinitions: [{ name: 'app', image: 'ghcr.io/acme/web:1', privileged: true }],
});
const scope = (cluster: string, service = 'web') => ({
  point: 'pre-deploy' as const,
  cluster,
  subject: { cluster, service, family: 'web', images: ['ghcr.io/acme/web:1'] },
  now,
});
const statusOf = async (guardrails: unknown, rule: string, cluster = 'staging') => {
  const report = await evaluateTaskDefinition(
    privileged(),
    [],
    guardrailsSchema.parse(guardrails),
    scope(cluster),
  );
  return { report, findings: report.findings.filter((f) => f.rule === rule) };
};

describe('modes', () => {
  it('resolves defaults, then global, environment and pipeline overrides, with a point override winning', () => {
    const guardrails = guardrailsSchema.parse({
      rules: { 'TD-006': 'audit' },
      environments: { prod: { clusters: ['prod-*'], production: true, rules: { 'TD-006': 'block' } } },
    });
    expect(resolveRule(guardrails, 'TD-006', 'warn', { point: 'ci', cluster: 'dev' }).mode).toBe('audit');
    expect(resolveRule(guardrails, 'TD-006', 'warn', { point: 'ci', cluster: 'prod-eu' })).toEqual({
      mode: 'block',
      onError: 'fail',
    });
    expect(
      resolveRule(guardrails, 'TD-006', 'warn', {
        point: 'runtime',
        cluster: 'prod-eu',
        pipelineRules: { 'TD-006': { mode: 'block', points: { runtime: 'audit' }, remediate: 'rollback' } },
      }),
    ).toEqual({ mode: 'audit', onError: 'fail', remediate: 'rollback' });
  });

  it('off evaluates nothing; warn reports warn and does not block; block fails and blocks', async () => {
    expect((await statusOf({ rules: { 'TD-001': 'off' } }, 'TD-001')).findings).toEqual([]);
    const warned = await statusOf({ rules: { 'TD-001': 'warn', 'TD-019': 'warn' } }, 'TD-001');
    expect(warned.findings.map((f) => [f.status, f.mode])).toEqual([['warn', 'warn']]);
    const blocked = await statusOf({}, 'TD-001');
    expect(blocked.findings.map((f) => f.status)).toEqual(['fail']);
    expect(blocked.report.blocked).toBe(true);
  });

  it('rejects unknown rule ids in the config, naming the path', () => {
    expect(() => parseConfig({ guardrails: { rules: { 'TD-999': 'block' } } }, 'test')).toThrow(ConfigError);
  });
});

describe('waivers', () => {
  const waiver = (patch: Record<string, unknown>) => ({
    id: 'W-1',
    rules: ['TD-001'],
    match: { clusters: ['staging'] },
    reason: 'legacy agent needs it until the Q1 migration',
    owner: 'platform',
    expires: '2026-12-31',
    ...patch,
  });

  it('turns a matching failure into skip with the waiver id', async () => {
    const { findings, report } = await statusOf(
      { waivers: [waiver({})], rules: { 'TD-019': 'warn' } },
      'TD-001',
    );
    expect(findings.map((f) => [f.status, f.waiver])).toEqual([['skip', 'W-1']]);
    expect(report.blocked).toBe(false);
  });

  it('does not apply outside its match', async () => {
    expect((await statusOf({ waivers: [waiver({})] }, 'TD-001', 'production')).findings[0]?.status).toBe(
      'fail',
    );
  });

  it('ignores an expired waiver and reports it', async () => {
    const { findings, report } = await statusOf({ waivers: [waiver({ expires: '2026-11-01' })] }, 'TD-001');
    expect(findings[0]?.status).toBe('fail');
    expect(findings[0]?.message).toMatch(/waiver W-1 expired/);
    expect(report.expiredWaivers).toEqual(['W-1']);
  });

  it('never waives a critical finding by wildcard, only by naming the rule', async () => {
    const wildcard = await statusOf({ waivers: [waiver({ rules: ['*'] })] }, 'TD-019');
    expect(wildcard.findings.map((f) => [f.severity, f.status])).toEqual([['critical', 'fail']]);
    expect((await statusOf({ waivers: [waiver({ rules: ['*'] })] }, 'TD-001')).findings[0]?.status).toBe(
      'skip',
    );
    expect((await statusOf({ waivers: [waiver({ rules: ['TD-019'] })] }, 'TD-019')).findings[0]?.status).toBe(
      'skip',
    );
  });

  it('requires an expiry and a reason', () => {
    const issues = (() => {
      try {
        parseConfig(
          { guardrails: { waivers: [{ id: 'W', rules: ['TD-001'], reason: 'short', owner: 'x' }] } },
          't',
        );
      } catch (error) {
        return (error as ConfigError).issues.join('\n');
      }
      return '';
    })();
    expect(issues).toMatch(/guardrails\.waivers\[0\]\.reason/);
    expect(issues).toMatch(/guardrails\.waivers\[0\]\.expires/);
  });
});
