/**
 * Null means absent, everywhere: describe output saved by other tools carries explicit nulls in any optional
 * field, and the guardrails, `deckhand check`, the rewrite and drift must judge it as if the field were missing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '#cli/check.ts';
import { withoutNulls } from '#core/absent.ts';
import { diffTaskDefinitions } from '#core/drift/diff.ts';
import { evaluateService, evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { guardrailsSchema } from '#core/guardrails/policy.ts';
import { ruleCatalogue } from '#core/guardrails/catalogue.ts';
import type { ServiceShape, TaskDefinitionShape } from '#core/guardrails/types.ts';
import { rewriteTaskDefinition } from '#core/task-definition.ts';

const numRuns = Math.ceil(Number(process.env.FUZZ_RUNS ?? 10_000) / 20);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const now = new Date('2026-11-24T12:00:00Z');
const everyRuleBlocks = guardrailsSchema.parse({
  profile: 'restricted',
  requiredTagKeys: ['team'],
  rules: Object.fromEntries(ruleCatalogue.map((rule) => [rule.id, 'block'])),
});
const scope = { point: 'ci' as const, subject: { images: [] }, now };

/** A field that is there, explicitly null, or missing. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(arb, fc.constant(null), fc.constant(undefined));
const text = fc.constantFrom('0', 'root', '1000:0', 'app', '', 'awslogs', 'host', 'ENABLED', 'x');
const list = <T>(arb: fc.Arbitrary<T>) => maybe(fc.array(maybe(arb), { maxLength: 3 }));
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  maybe(fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, maybe(a)]))));

const container = fc.record(
  Object.fromEntries(
    Object.entries({
      name: fc.constantFrom('app', 'sidecar'),
      image: fc.constantFrom('nginx', 'public.ecr.aws/a/b@sha256:' + 'a'.repeat(64), 'x/y:1'),
      essential: fc.boolean(),
      user: text,
      privileged: fc.boolean(),
      readonlyRootFilesystem: fc.boolean(),
      memory: fc.integer({ min: 0, max: 4096 }),
      environment: list(record({ name: text, value: text })),
      secrets: list(record({ name: text, valueFrom: text })),
      command: list(text),
      entryPoint: list(text),
      dockerLabels: maybe(fc.dictionary(fc.constantFrom('a', 'b'), maybe(text))),
      logConfiguration: record({
        logDriver: text,
        options: maybe(fc.dictionary(fc.constantFrom('mode', 'awslogs-group'), maybe(text))),
      }),
      portMappings: list(record({ containerPort: fc.nat(), hostPort: fc.nat() })),
      linuxParameters: record({
        capabilities: record({ add: list(text), drop: list(text) }),
        devices: list(record({ hostPath: text })),
      }),
      systemControls: list(record({ namespace: text, value: text })),
      dockerSecurityOptions: list(text),
      healthCheck: record({ command: list(text) }),
    }).map(([k, a]) => [k, maybe(a as fc.Arbitrary<unknown>)]),
  ),
);

const taskDefinition = fc.record({
  taskDefinitionArn: maybe(fc.constant('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3')),
  family: maybe(fc.constant('web')),
  networkMode: maybe(fc.constantFrom('awsvpc', 'bridge', 'host', 'none')),
  pidMode: maybe(fc.constantFrom('host', 'task')),
  ipcMode: maybe(fc.constantFrom('host', 'task', 'none')),
  taskRoleArn: maybe(fc.constant('arn:aws:iam::123456789012:role/r')),
  executionRoleArn: maybe(fc.constant('arn:aws:iam::123456789012:role/r')),
  memory: maybe(fc.constantFrom('512', 1024)),
  requiresCompatibilities: list(fc.constantFrom('FARGATE', 'EC2')),
  runtimePlatform: record({ operatingSystemFamily: fc.constantFrom('LINUX', 'WINDOWS_SERVER_2022_CORE') }),
  containerDefinitions: list(container),
  volumes: list(
    record({
      name: text,
      host: record({ sourcePath: fc.constantFrom('/data', '/var/run/docker.sock') }),
      efsVolumeConfiguration: record({ transitEncryption: text, fileSystemId: text }),
    }),
  ),
});

const service = fc.record({
  serviceName: maybe(fc.constant('web')),
  launchType: maybe(fc.constantFrom('FARGATE', 'EC2')),
  platformVersion: maybe(fc.constantFrom('LATEST', '1.3.0')),
  platformFamily: maybe(fc.constant('LINUX')),
  capacityProviderStrategy: list(record({ capacityProvider: fc.constantFrom('FARGATE_SPOT', 'x') })),
  networkConfiguration: record({ awsvpcConfiguration: record({ assignPublicIp: text }) }),
  enableExecuteCommand: maybe(fc.boolean()),
  deploymentConfiguration: record({
    deploymentCircuitBreaker: record({ enable: fc.boolean(), rollback: fc.boolean() }),
  }),
  taskSets: list(record({ id: text, networkConfiguration: record({}) })),
  tags: list(record({ key: text, value: text })),
});

/** JSON drops the `undefined` fields and keeps the nulls, as a saved describe output would. */
const asSaved = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('withoutNulls', () => {
  it('removes null fields and list items at any depth, and leaves the input alone', () => {
    const input = { a: null, b: [1, null, { c: null, d: 'x' }], e: { f: null }, g: new Date(0) };
    expect(withoutNulls(input)).toEqual({ b: [1, { d: 'x' }], e: {}, g: new Date(0) });
    expect(input.a).toBeNull();
  });
});

describe('null-laden input is judged, never an error', () => {
  it('every rule decides on generated task definitions with random nulls', async () => {
    await fc.assert(
      fc.asyncProperty(taskDefinition, maybe(fc.array(maybe(record({ key: text })))), async (td, tags) => {
        const report = await evaluateTaskDefinition(
          asSaved(td) as TaskDefinitionShape,
          asSaved(tags ?? []) as never,
          everyRuleBlocks,
          scope,
        );
        expect(report.findings.filter((f) => f.status === 'error')).toEqual([]);
      }),
      { numRuns, seed },
    );
  });

  it('every service rule decides on generated services with random nulls', () => {
    fc.assert(
      fc.property(service, (svc) => {
        const report = evaluateService(asSaved(svc) as ServiceShape, everyRuleBlocks, scope);
        expect(report.findings.filter((f) => f.status === 'error')).toEqual([]);
      }),
      { numRuns, seed },
    );
  });

  it('judges null exactly as absent', async () => {
    await fc.assert(
      fc.asyncProperty(taskDefinition, async (td) => {
        const saved = asSaved(td) as TaskDefinitionShape;
        const judged = async (input: TaskDefinitionShape) =>
          (await evaluateTaskDefinition(input, [], everyRuleBlocks, scope)).findings.map(
            (f) => `${f.rule} ${f.status} ${f.container ?? ''} ${f.message}`,
          );
        expect(await judged(saved)).toEqual(await judged(withoutNulls(saved)));
      }),
      { numRuns: Math.ceil(numRuns / 4), seed },
    );
  });

  it('describe output with every optional field null: no error from deckhand check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-nulls-'));
    const file = join(dir, 'described.json');
    writeFileSync(
      file,
      JSON.stringify({
        taskDefinition: {
          family: 'web',
          networkMode: null,
          pidMode: null,
          ipcMode: null,
          memory: null,
          volumes: null,
          runtimePlatform: null,
          containerDefinitions: [
            {
              name: 'app',
              image: 'x/y:1',
              user: null,
              readonlyRootFilesystem: null,
              healthCheck: null,
              environment: [{ name: 'A', value: null }, null],
              linuxParameters: { capabilities: null, devices: null },
              logConfiguration: { logDriver: 'awslogs', options: null },
              portMappings: null,
              memory: null,
            },
          ],
        },
        tags: null,
      }),
    );
    const lines: string[] = [];
    await check({ files: [file], format: 'json', color: false }, (line) => lines.push(line));
    const report = JSON.parse(lines.join('\n')) as { summary: { error: number }; findings: unknown[] };
    expect(report.summary.error).toBe(0);
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'TD-004', status: 'warn', message: 'runs as root (user absent)' }),
        expect.objectContaining({ rule: 'TD-006', message: expect.stringContaining('absent') }),
      ]),
    );
  });

  it('the rewrite never sends a null back, and drift sees null and absent as equal', () => {
    const described = {
      family: 'web',
      taskRoleArn: null,
      cpu: '256',
      containerDefinitions: [{ name: 'app', image: 'repo/app:1', user: null, command: null }],
    };
    const { input } = rewriteTaskDefinition(described, [], {
      repositoryUri: 'repo/app',
      digest: `sha256:${'b'.repeat(64)}`,
    });
    expect(JSON.stringify(input)).not.toContain('null');
    expect(input).not.toHaveProperty('taskRoleArn');
    expect(
      diffTaskDefinitions(
        { family: 'web', containerDefinitions: [{ name: 'app', image: 'x' }] },
        described as never,
        [],
      ),
    ).toEqual(['containerDefinitions.app.image', 'cpu']);
  });
});
