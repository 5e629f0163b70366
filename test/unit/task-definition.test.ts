import { RegisterTaskDefinitionRequest$, TaskDefinition$ } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { TargetError } from '#core/errors.ts';
import {
  READ_ONLY_FIELDS,
  REGISTERABLE_FIELDS,
  rewriteTaskDefinition,
  type TaskDefinition,
} from '#core/task-definition.ts';

const uri = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
const digest = `sha256:${'ab'.repeat(32)}`;
const pinned = `${uri}@${digest}`;

/** Member names of an SDK schema (the 5th slot of a structure schema tuple). */
const membersOf = (schema: unknown): string[] => [...((schema as unknown[])[4] as string[])];

/** A described task definition that sets every field the API allows, plus AWS's read-only ones. */
const everyField = (): TaskDefinition => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
  family: 'web',
  revision: 7,
  status: 'ACTIVE',
  taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
  networkMode: 'awsvpc',
  containerDefinitions: [
    {
      name: 'app',
      image: `${uri}:1.3.0`,
      essential: true,
      cpu: 256,
      memory: 512,
      portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
      environment: [{ name: 'MODE', value: 'prod' }],
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' }],
      healthCheck: { command: ['CMD', 'true'], interval: 30, retries: 3, timeout: 5, startPeriod: 10 },
      readonlyRootFilesystem: true,
      user: '1000',
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
      logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
      dependsOn: [{ containerName: 'log-router', condition: 'START' }],
      ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
      dockerLabels: { team: 'payments' },
      restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
      versionConsistency: 'enabled',
    },
    {
      name: 'log-router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      essential: true,
      firelensConfiguration: { type: 'fluentbit' },
    },
  ],
  volumes: [
    { name: 'scratch', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } },
  ],
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  pidMode: 'task',
  ipcMode: 'none',
  proxyConfiguration: {
    type: 'APPMESH',
    containerName: 'envoy',
    properties: [{ name: 'AppPorts', value: '8080' }],
  },
  inferenceAccelerators: [{ deviceName: 'device1', deviceType: 'eia2.medium' }],
  ephemeralStorage: { sizeInGiB: 30 },
  runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
  enableFaultInjection: true,
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-iam-role' }],
  compatibilities: ['EC2', 'FARGATE'],
  registeredAt: '2026-11-01T00:00:00.000Z',
  registeredBy: 'arn:aws:iam::123456789012:role/deployer',
  deregisteredAt: undefined,
  deleteRequestedAt: undefined,
});

describe('the field lists', () => {
  it('cover RegisterTaskDefinition input exactly (tags travel beside the task definition)', () => {
    expect([...REGISTERABLE_FIELDS, 'tags'].sort()).toEqual(membersOf(RegisterTaskDefinitionRequest$).sort());
  });

  it('cover every field DescribeTaskDefinition returns', () => {
    const described = membersOf(TaskDefinition$).sort();
    expect([...REGISTERABLE_FIELDS, ...READ_ONLY_FIELDS].sort()).toEqual(described);
  });
});

describe('rewriteTaskDefinition', () => {
  it('copies every registerable field, strips read-only ones, and pins only the targeted container', () => {
    const current = everyField();
    const tags = [
      { key: 'team', value: 'payments' },
      { key: 'aws:cloudformation:stack-name', value: 'web' },
    ];
    const rewrite = rewriteTaskDefinition(current, tags, { repositoryUri: uri, digest });

    const expected: Record<string, unknown> = {};
    for (const field of REGISTERABLE_FIELDS) expected[field] = current[field];
    const containers = structuredClone(current.containerDefinitions ?? []);
    (containers[0] as { image: string }).image = pinned;
    expected.containerDefinitions = containers;
    expected.tags = [{ key: 'team', value: 'payments' }];

    expect(rewrite.input).toEqual(expected);
    expect(Object.keys(rewrite.input).sort()).toEqual([...REGISTERABLE_FIELDS, 'tags'].sort());
    expect(rewrite.changedContainers).toEqual(['app']);
    expect(rewrite.unknownFields).toEqual([]);
  });

  it('never aliases the input, so the described revision stays untouched', () => {
    const current = everyField();
    const before = structuredClone(current);
    const rewrite = rewriteTaskDefinition(current, [], { repositoryUri: uri, digest });
    (rewrite.input.volumes as unknown[]).push({ name: 'extra' });
    expect(current).toEqual(before);
  });

  it('updates only the named containers when the target names them', () => {
    const current = everyField();
    const sidecarImage = `${uri}:agent`;
    (current.containerDefinitions ?? [])[1]!.image = sidecarImage;
    const rewrite = rewriteTaskDefinition(current, [], { repositoryUri: uri, digest, containers: ['app'] });
    expect(rewrite.input.containerDefinitions.map((c) => c.image)).toEqual([pinned, sidecarImage]);
  });

  it('reports nothing to change when the container already runs the digest', () => {
    const current = everyField();
    (current.containerDefinitions ?? [])[0]!.image = pinned;
    expect(rewriteTaskDefinition(current, [], { repositoryUri: uri, digest }).changedContainers).toEqual([]);
  });

  it('reports fields it does not know instead of sending them', () => {
    const current = { ...everyField(), futureField: { on: true } };
    expect(rewriteTaskDefinition(current, [], { repositoryUri: uri, digest }).unknownFields).toEqual([
      'futureField',
    ]);
  });

  it('fails the target when a named container is missing or no container uses the repository', () => {
    expect(() =>
      rewriteTaskDefinition(everyField(), [], { repositoryUri: uri, digest, containers: ['worker'] }),
    ).toThrow(TargetError);
    expect(() => rewriteTaskDefinition(everyField(), [], { repositoryUri: `${uri}-other`, digest })).toThrow(
      /no container runs an image from/,
    );
  });
});
