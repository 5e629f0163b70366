import { describe, expect, it } from 'vitest';
import { evaluateService, evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { parseImageName, registryAllowed } from '#core/guardrails/image-name.ts';
import { guardrailsSchema } from '#core/guardrails/policy.ts';
import { isRootUser } from '#core/guardrails/task-rules.ts';
import type { ServiceShape, TaskDefinitionShape } from '#core/guardrails/types.ts';
import { ruleCatalogue } from '#core/guardrails/catalogue.ts';

const now = new Date('2026-11-24T12:00:00Z');
const strict = guardrailsSchema.parse({
  rules: Object.fromEntries(ruleCatalogue.map((rule) => [rule.id, 'block'])),
  requiredTagKeys: ['team'],
  environments: { production: { clusters: ['prod*'], production: true } },
});
const scope = (cluster = 'dev') => ({ point: 'ci' as const, cluster, subject: { cluster, images: [] }, now });

/** A task definition that passes every TD rule; cases change one thing. */
const compliant = (): TaskDefinitionShape => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  memory: '1024',
  taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
  containerDefinitions: [
    {
      name: 'app',
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`,
      essential: true,
      user: '1000',
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: 'awslogs', options: { mode: 'non-blocking' } },
      healthCheck: { command: ['CMD', 'true'] },
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' }],
      environment: [{ name: 'MODE', value: 'production' }],
    },
  ],
});

const statuses = async (
  td: TaskDefinitionShape,
  cluster = 'dev',
  tags = [{ key: 'team', value: 'payments' }],
) => {
  const report = await evaluateTaskDefinition(td, tags, strict, scope(cluster));
  const byRule = new Map<string, string[]>();
  for (const f of report.findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f.status]);
  return {
    report,
    byRule,
    failed: [...new Set(report.findings.filter((f) => f.status === 'fail').map((f) => f.rule))].sort(),
  };
};

const withApp = (patch: Record<string, unknown>): TaskDefinitionShape => {
  const td = compliant();
  Object.assign(td.containerDefinitions?.[0] ?? {}, patch);
  return td;
};

describe('the compliant baseline', () => {
  it('passes every task-definition rule', async () => {
    const { failed, report } = await statuses(compliant());
    expect(failed).toEqual([]);
    expect(report.blocked).toBe(false);
    expect(new Set(report.findings.map((f) => f.rule)).size).toBe(28);
  });
});

describe('task-definition rules fail where the catalogue says', () => {
  const cases: [string, string, TaskDefinitionShape][] = [
    ['TD-001', 'privileged (spelled right, unlike CKV_AWS_334)', withApp({ privileged: true })],
    ['TD-002', 'host network', { ...compliant(), networkMode: 'host' }],
    ['TD-004', 'absent user counts as root', withApp({ user: undefined })],
    [
      'TD-005',
      'Windows ContainerAdministrator',
      {
        ...withApp({ user: 'ContainerAdministrator' }),
        runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
      },
    ],
    [
      'TD-006',
      'readonlyRootFilesystem absent fails (ECS.5 semantics)',
      withApp({ readonlyRootFilesystem: undefined }),
    ],
    ['TD-007', 'task-level host pidMode', { ...compliant(), pidMode: 'host' }],
    ['TD-008', 'host ipcMode', { ...compliant(), ipcMode: 'host' }],
    [
      'TD-009',
      'AWS key name holding a literal in plain env',
      withApp({ environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'not-a-placeholder' }] }),
    ],
    ['TD-011', 'no log driver', withApp({ logConfiguration: undefined })],
    [
      'TD-012',
      'blocking log mode',
      withApp({ logConfiguration: { logDriver: 'awslogs', options: { mode: 'blocking' } } }),
    ],
    [
      'TD-013',
      'no memory limit on EC2',
      { ...compliant(), requiresCompatibilities: ['EC2'], memory: undefined },
    ],
    ['TD-013', 'memory below the 6 MiB floor', withApp({ memory: 3 })],
    ['TD-013', 'memory zero', withApp({ memory: 0 })],
    ['TD-014', 'bridge mode (networkMode absent)', { ...compliant(), networkMode: undefined }],
    [
      'TD-016',
      'execution role is the task role',
      { ...compliant(), executionRoleArn: 'arn:aws:iam::123456789012:role/web-task' },
    ],
    ['TD-017', 'SYS_ADMIN added', withApp({ linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } })],
    [
      'TD-019',
      'host path volume',
      { ...compliant(), volumes: [{ name: 'data', host: { sourcePath: '/data' } }] },
    ],
    [
      'TD-020',
      'host port in bridge mode',
      { ...withApp({ portMappings: [{ containerPort: 80, hostPort: 8080 }] }), networkMode: 'bridge' },
    ],
    ['TD-021', 'host device', withApp({ linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } })],
    ['TD-022', 'unsafe sysctl', withApp({ systemControls: [{ namespace: 'kernel.msgmax', value: '1' }] })],
    ['TD-023', 'apparmor unconfined', withApp({ dockerSecurityOptions: ['apparmor:unconfined'] })],
    ['TD-024', 'mutable tag', withApp({ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2.3' })],
    [
      'TD-025',
      'registry not allowed',
      withApp({ image: `docker.io/library/nginx@sha256:${'b'.repeat(64)}` }),
    ],
    [
      'TD-027',
      'secret from another account',
      withApp({ secrets: [{ name: 'X', valueFrom: 'arn:aws:ssm:eu-west-1:999999999999:parameter/x' }] }),
    ],
    ['TD-028', 'essential container without a health check', withApp({ healthCheck: undefined })],
  ];
  it.each(cases)('%s: %s', async (rule, _why, td) => {
    const { failed } = await statuses(td);
    expect(failed).toContain(rule);
  });

  it('TD-003: host mode with a root user, not when privileged', async () => {
    expect((await statuses({ ...withApp({ user: '0' }), networkMode: 'host' })).failed).toContain('TD-003');
    expect(
      (await statuses({ ...withApp({ user: '0', privileged: true }), networkMode: 'host' })).byRule.get(
        'TD-003',
      ),
    ).toEqual(['pass']);
  });

  it('TD-013: 6 MiB and more is a usable limit, also when a template gives it as text', async () => {
    expect((await statuses(withApp({ memory: 6 }))).byRule.get('TD-013')).toEqual(['pass']);
    expect((await statuses(withApp({ memory: '512' }))).byRule.get('TD-013')).toEqual(['pass']);
    const { report } = await statuses(withApp({ memory: 5 }));
    expect(report.findings.find((f) => f.rule === 'TD-013')?.message).toBe(
      "memory 5 MiB is below ECS's 6 MiB floor: not a usable hard limit",
    );
  });

  it('TD-026: required tag keys missing', async () => {
    expect((await statuses(compliant(), 'dev', [])).failed).toEqual(['TD-026']);
  });

  it('TD-002 is high severity in production', async () => {
    const { report } = await statuses({ ...compliant(), networkMode: 'host' }, 'prod-eu');
    expect(report.findings.find((f) => f.rule === 'TD-002')?.severity).toBe('high');
  });

  it('TD-015 checks every EFS volume, not just the first (CKV_AWS_97 bug)', async () => {
    const td = {
      ...compliant(),
      volumes: [
        { name: 'a', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } },
        { name: 'b', efsVolumeConfiguration: { fileSystemId: 'fs-2' } },
      ],
    };
    expect((await statuses(td)).byRule.get('TD-015')).toEqual(['pass', 'fail']);
  });

  it('TD-019 is critical for the Docker socket and /proc', async () => {
    const td = {
      ...compliant(),
      volumes: [
        { name: 'sock', host: { sourcePath: '/var/run/docker.sock' } },
        { name: 'p', host: { sourcePath: '/proc/' } },
      ],
    };
    const { report } = await statuses(td);
    expect(report.findings.filter((f) => f.rule === 'TD-019').map((f) => f.severity)).toEqual([
      'critical',
      'critical',
    ]);
  });

  it('TD-007 reads pidMode at task level only (CKV_AWS_335 read it per container)', async () => {
    expect((await statuses(withApp({ pidMode: 'host' }))).byRule.get('TD-007')).toEqual(['pass']);
  });

  it('evaluates every container, never stopping at the first', async () => {
    const td = compliant();
    td.containerDefinitions?.push({
      ...structuredClone(td.containerDefinitions[0]),
      name: 'sidecar',
      privileged: true,
    });
    td.containerDefinitions?.push({
      ...structuredClone(td.containerDefinitions[0]),
      name: 'third',
      privileged: true,
    });
    const { report } = await statuses(td);
    expect(
      report.findings.filter((f) => f.rule === 'TD-001' && f.status === 'fail').map((f) => f.container),
    ).toEqual(['sidecar', 'third']);
  });

  it('evaluates what it knows of a task definition with unknown fields', async () => {
    const { failed } = await statuses({
      ...compliant(),
      futureField: { x: 1 },
      containerDefinitions: [{ ...(compliant().containerDefinitions?.[0] ?? {}), newKnob: true }],
    });
    expect(failed).toEqual([]);
  });

  it('TD-018 and no-new-privileges apply under the restricted profile only', async () => {
    const restricted = guardrailsSchema.parse({ ...strict, profile: 'restricted' });
    const report = await evaluateTaskDefinition(compliant(), [{ key: 'team' }], restricted, scope());
    expect(
      report.findings
        .filter((f) => f.status === 'fail')
        .map((f) => f.rule)
        .sort(),
    ).toEqual(['TD-018', 'TD-023']);
  });
});

describe('root user parsing is anchored', () => {
  it.each([
    ['0', true],
    ['root', true],
    ['0:0', true],
    ['root:x', true],
    ['0:1000', true],
    [undefined, true],
    ['', true],
    ['1000', false],
    ['10', false],
    ['app', false],
    ['1000:0', false],
    ['rooty', false],
    ['100:root', false],
  ])('user %s → root %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });
});

describe('TD-010 secret values, found by secretlint', () => {
  // Assembled at run time so no scanner flags this file; none contains EXAMPLE, which scanners ignore.
  const awsKey = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzzzzzzzzzz'].join('/');
  const slack = ['xoxb', '123456789012', '1234567890123', 'abcdefghijABCDEFGHIJabcd'].join('-');
  const github = `ghp_${'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5'}`;
  const body = 'MIIEowIBAAKCAQEA7bq98k2l3m4n5o6p7q8r9s0t1u2v3w4x5y6z7A8B9C0D1E2F3'.repeat(3);
  const privateKey = ['-----BEGIN RSA PRIVATE', `KEY-----\n${body}\n-----END RSA PRIVATE`, 'KEY-----'].join(
    ' ',
  );

  it.each([
    [
      'an AWS secret access key in env',
      { environment: [{ name: 'LEGACY_AWS_SECRET_ACCESS_KEY', value: awsKey }] },
      'environment[LEGACY_AWS_SECRET_ACCESS_KEY]',
    ],
    ['a Slack token in command', { command: ['run', `--token=${slack}`] }, 'command[1]'],
    ['a GitHub token in entryPoint', { entryPoint: [`sh -c GITHUB=${github}`] }, 'entryPoint[0]'],
    ['a private key in a docker label', { dockerLabels: { key: privateKey } }, 'dockerLabels[key]'],
  ])('finds %s, without echoing it', async (_what, patch, field) => {
    const { report } = await statuses(withApp(patch));
    const finding = report.findings.find((f) => f.rule === 'TD-010' && f.status === 'fail');
    expect(finding?.message).toContain(field);
    expect(JSON.stringify(report)).not.toContain(awsKey);
    expect(JSON.stringify(report)).not.toContain(slack);
  });

  it('passes ordinary values', async () => {
    expect(
      (
        await statuses(withApp({ environment: [{ name: 'URL', value: 'https://example.com/x' }] }))
      ).byRule.get('TD-010'),
    ).toEqual(['pass']);
  });
});

describe('service rules', () => {
  const good: ServiceShape = {
    serviceName: 'web',
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } },
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    tags: [{ key: 'team', value: 'payments' }],
  };
  const failed = (service: ServiceShape, cluster = 'dev') =>
    evaluateService(service, strict, scope(cluster))
      .findings.filter((f) => f.status === 'fail')
      .map((f) => f.rule);

  it('passes a compliant service', () => {
    expect(failed(good, 'prod-1')).toEqual([]);
  });
  it.each([
    ['SVC-001', { networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }],
    [
      'SVC-002',
      {
        taskSets: [
          { id: 'ts-1', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } },
        ],
      },
    ],
    ['SVC-003', { platformVersion: '1.3.0' }],
    [
      'SVC-003',
      {
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
        platformVersion: '1.3.0',
      },
    ],
    ['SVC-004', { tags: [] }],
    ['SVC-006', { deploymentConfiguration: {} }],
  ])('%s fails', (rule, patch) => {
    expect(failed({ ...good, ...patch })).toEqual([rule]);
  });
  it('SVC-005 fails ECS Exec only in production', () => {
    expect(failed({ ...good, enableExecuteCommand: true }, 'dev')).toEqual([]);
    expect(failed({ ...good, enableExecuteCommand: true }, 'prod-eu')).toEqual(['SVC-005']);
  });
});

describe('image references', () => {
  it('parses host, port, path, tag and digest', () => {
    expect(parseImageName('localhost:5000/team/web:1.0@sha256:abc')).toEqual({
      registry: 'localhost:5000',
      path: 'team/web',
      tag: '1.0',
      digest: 'sha256:abc',
    });
    expect(parseImageName('nginx')).toEqual({ registry: 'docker.io', path: 'nginx' });
  });
  it('matches allowed registries on segment boundaries', () => {
    const image = (ref: string) => parseImageName(ref) ?? { registry: '', path: '' };
    expect(registryAllowed(image('ghcr.io/acme/web:1'), ['ghcr.io/acme'])).toBe(true);
    expect(registryAllowed(image('ghcr.io/acme-evil/web:1'), ['ghcr.io/acme'])).toBe(false);
    expect(registryAllowed(image('public.ecr.aws.evil.com/x:1'), ['public.ecr.aws'])).toBe(false);
    expect(registryAllowed(image('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1'), ['ecr'])).toBe(true);
  });
});
