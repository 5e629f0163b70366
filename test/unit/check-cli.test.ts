import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import {
  Cluster,
  ContainerImage,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
} from 'aws-cdk-lib/aws-ecs';
import AjvDraft04 from 'ajv-draft-04';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '#cli/deckhand.ts';

/** ajv-draft-04's CommonJS default export, as NodeNext sees it. */
type SchemaValidator = new (options: object) => {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown };
};

const dir = mkdtempSync(join(tmpdir(), 'deckhand-check-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const run = async (...args: string[]) => {
  const lines: string[] = [];
  const status = await main(['check', ...args], (line) => lines.push(line));
  return { status, output: lines.join('\n') };
};

/** A real CDK app, synthesized into a cdk.out: a Fargate service with a privileged sidecar and a public IP. */
const synthesizeApp = (outdir: string): void => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Shop');
  const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new Cluster(stack, 'Cluster', { vpc, clusterName: 'prod-shop' });
  const taskDefinition = new FargateTaskDefinition(stack, 'Task', { memoryLimitMiB: 512 });
  taskDefinition.addContainer('app', {
    image: ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    readonlyRootFilesystem: true,
    user: '1000',
    logging: LogDrivers.awsLogs({ streamPrefix: 'app' }),
  });
  taskDefinition.addContainer('agent', {
    image: ContainerImage.fromRegistry('docker.io/library/busybox:latest'),
    privileged: true,
    essential: false,
  });
  new FargateService(stack, 'Service', { cluster, taskDefinition, assignPublicIp: true, desiredCount: 1 });
  app.synth();
};

describe('deckhand check', () => {
  const cdkOut = join(dir, 'cdk.out');
  const template = join(cdkOut, 'Shop.template.json');
  // A CDK synth takes seconds, more on a busy machine.
  beforeAll(() => synthesizeApp(cdkOut), 60_000);

  it('checks every task definition and service in a CDK-synthesized template, and exits 1 on a block', async () => {
    const { status, output } = await run(template, '--format', 'json');
    expect(status).toBe(1);
    const report = JSON.parse(output);
    const failed = report.findings.filter((f: { status: string }) => f.status !== 'pass');
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'TD-001',
          status: 'fail',
          container: 'agent',
          resource: expect.stringMatching(/^Task/),
        }),
        expect.objectContaining({
          rule: 'SVC-001',
          status: 'warn',
          resource: expect.stringMatching(/^Service/),
        }),
        expect.objectContaining({ rule: 'TD-024', container: 'app' }),
        expect.objectContaining({ rule: 'TD-025', container: 'agent' }),
      ]),
    );
    expect(
      failed.find((f: { rule: string; container?: string }) => f.rule === 'TD-006' && f.container === 'app'),
    ).toBeUndefined();
    expect(report.summary).toMatchObject({
      fail: expect.any(Number),
      warn: expect.any(Number),
      pass: expect.any(Number),
      skip: 0,
    });
    expect(report.findings[0]).toHaveProperty('file', template);
  });

  it('exits 0 when nothing would block, e.g. with TD-001 waived', async () => {
    const config = file(
      'deckhand.config.yaml',
      [
        'guardrails:',
        '  waivers:',
        '    - id: W-7',
        '      rules: [TD-001]',
        '      match: { images: ["docker.io/library/busybox*"] }',
        '      reason: the agent needs device access until it is replaced',
        '      owner: platform',
        '      expires: 2099-01-01',
      ].join('\n'),
    );
    const { status, output } = await run(template, '--config', config, '--format', 'json');
    expect(status).toBe(0);
    expect(JSON.parse(output).findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'TD-001', status: 'skip', waiver: 'W-7' })]),
    );
  });

  it('emits SARIF 2.1.0 that validates against the schema', async () => {
    const { output } = await run(template, '--format', 'sarif');
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const validate = new (AjvDraft04 as unknown as SchemaValidator)({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
    }).compile(schema);
    const sarif = JSON.parse(output);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(
      sarif.runs[0].results.some(
        (r: { ruleId: string; level: string }) => r.ruleId === 'TD-001' && r.level === 'error',
      ),
    ).toBe(true);
  });

  it('reads describe-task-definition output and bare task definitions, and prints text for people', async () => {
    const td = {
      family: 'web',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: 'x/y:1', privileged: true }],
    };
    const described = await run(file('described.json', { taskDefinition: td, tags: [] }));
    expect(described.status).toBe(1);
    expect(described.output).toMatch(/FAIL TD-001 \[high\] app: runs privileged/);
    expect(described.output).not.toContain('\u001b[');
    expect((await run(file('bare.json', td), '--format', 'json')).status).toBe(1);
  });

  it('keeps control characters from the checked files out of the terminal', async () => {
    const td = {
      family: 'web',
      containerDefinitions: [{ name: 'app\u001b[2J\u001b[31m', image: 'x/y:1', privileged: true }],
    };
    const { output } = await run(file('escape.json', td));
    expect(output).not.toContain('\u001b');
    expect(output).toContain('app\\u001b[2J');
  });

  it('exits 2 on malformed JSON, naming the file and position, and on unrecognised input', async () => {
    const broken = file('broken.json', '{\n  "family": "web",\n  oops\n}');
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const malformed = await run(broken);
    expect(malformed.status).toBe(2);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/broken\.json:line 3, column \d+: invalid JSON/);
    stderr.mockRestore();
    expect((await run(file('other.json', { hello: 'world' }))).status).toBe(2);
  });

  it('checks every JSON and YAML file of a cdk.out directory, and says what it skipped and why', async () => {
    writeFileSync(join(cdkOut, 'broken.yaml'), 'Resources: [1, 2\n');
    writeFileSync(join(cdkOut, 'queue.template.yaml'), 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n');
    const { status, output } = await run(cdkOut, '--format', 'json');
    expect(status).toBe(1);
    const report = JSON.parse(output);
    expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set([template]));
    expect(report.checkedFiles).toBe(1);
    const skipped = Object.fromEntries(
      report.skipped.map((s: { file: string; reason: string }) => [
        s.file.slice(cdkOut.length + 1),
        s.reason,
      ]),
    );
    expect(skipped).toMatchObject({
      'manifest.json': expect.stringMatching(/^not a task definition/),
      'tree.json': expect.stringMatching(/^not a task definition/),
      'Shop.assets.json': expect.stringMatching(/^not a task definition/),
      'broken.yaml': expect.stringMatching(/^invalid YAML/),
      'queue.template.yaml': 'no ECS task definitions or services',
      'cdk.out': 'not a JSON or YAML file',
    });
    const text = await run(cdkOut);
    expect(text.output).toContain(`skipped ${join(cdkOut, 'broken.yaml')}: invalid YAML`);
  });

  it('takes globs, exits on the worst finding, and refuses a directory with nothing to check', async () => {
    const glob = await run(join(cdkOut, '*.template.*'), '--format', 'json');
    expect(glob.status).toBe(1);
    expect(JSON.parse(glob.output).checkedFiles).toBe(1);
    const warnOnly = mkdtempSync(join(tmpdir(), 'deckhand-warn-'));
    writeFileSync(
      join(warnOnly, 'td.json'),
      JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'x/y:1' }] }),
    );
    writeFileSync(join(warnOnly, 'notes.txt'), 'hello');
    expect((await run(warnOnly)).status).toBe(0);
    writeFileSync(
      join(warnOnly, 'privileged.json'),
      JSON.stringify({
        family: 'p',
        containerDefinitions: [{ name: 'p', image: 'x/y:1', privileged: true }],
      }),
    );
    expect((await run(warnOnly)).status).toBe(1);
    const empty = mkdtempSync(join(tmpdir(), 'deckhand-empty-'));
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await run(empty)).status).toBe(2);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/nothing to check/);
    stderr.mockRestore();
  });

  it('lists skipped files as notes in SARIF', async () => {
    const sarif = JSON.parse((await run(cdkOut, '--format', 'sarif')).output);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'note',
          locations: [{ physicalLocation: { artifactLocation: { uri: join(cdkOut, 'manifest.json') } } }],
        }),
      ]),
    );
  });
});
