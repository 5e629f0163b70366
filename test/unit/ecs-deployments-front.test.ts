/**
 * The front's schema check (scripts/lib/ecs-deployments-front.ts) on its own: made-up members, wrong types,
 * ISO timestamps and unknown enum values fail; AWS's documented examples pass once their CLI-rendered ISO
 * timestamps are turned back into the wire's epoch seconds, which shows the check holds AWS's own shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EcsDeploymentsFront,
  requestViolations,
  responseViolations,
  SchemaViolationError,
} from '../../scripts/lib/ecs-deployments-front.ts';

/**
 * Verbatim (parsed) copies of the documented examples collected in /work/shared/payloads (see its
 * SOURCES.md): the CLI and API-reference examples for the three operations.
 */
const documented: Record<string, Record<string, unknown>> = {
  'ecs-describe-service-revisions.awsdocs.json': {
    serviceRevisions: [
      {
        serviceRevisionArn:
          'arn:aws:ecs:us-east-1:123456789012:service-revision/example-cluster/example-service/1485800978477494678',
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/example-cluster/example-service',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/example-cluster',
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/webserver:5',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0d0eab1bb38d5ca64', 'subnet-0db5010045995c2d5'],
            securityGroups: ['sg-02556bf85a191f59a'],
            assignPublicIp: 'ENABLED',
          },
        },
        containerImages: [
          {
            containerName: 'aws-otel-collector',
            imageDigest: 'sha256:7a1b3560655071bcacd66902c20ebe9a69470d5691fe3bd36baace7c2f3c4640',
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.32.0',
          },
          {
            containerName: 'web',
            imageDigest: 'sha256:28402db69fec7c17e179ea87882667f1e054391138f77ffaf0c3eb388efc3ffb',
            image: 'nginx',
          },
        ],
        guardDutyEnabled: false,
        serviceConnectConfiguration: { enabled: false },
        createdAt: '2024-10-31T08:03:29.302000-04:00',
      },
    ],
    failures: [],
  },
  'ecs-describe-service-deployments.awsdocs.json': {
    serviceDeployments: [
      {
        serviceDeploymentArn:
          'arn:aws:ecs:us-east-1:123456789012:service-deployment/example-cluster/example-service/ejGvqq2ilnbKT9qj0vLJe',
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/example-cluster/example-service',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/example-cluster',
        createdAt: '2024-10-31T08:03:30.917000-04:00',
        startedAt: '2024-10-31T08:03:32.510000-04:00',
        finishedAt: '2024-10-31T08:05:04.527000-04:00',
        updatedAt: '2024-10-31T08:05:04.527000-04:00',
        sourceServiceRevisions: [],
        targetServiceRevision: {
          arn: 'arn:aws:ecs:us-east-1:123456789012:service-revision/example-cluster/example-service/1485800978477494678',
          requestedTaskCount: 1,
          runningTaskCount: 1,
          pendingTaskCount: 0,
        },
        status: 'SUCCESSFUL',
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          alarms: { alarmNames: [], rollback: false, enable: false },
        },
        deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 },
        alarms: { status: 'DISABLED' },
      },
    ],
    failures: [],
  },
  'ecs-describe-service-deployments.apiref-example1.awsdocs.json': {
    serviceDeployments: [
      {
        serviceDeploymentArn:
          'arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/NCWGC2ZR-taawPAYrIaU5',
        serviceArn: 'arn:aws:ecs:us-west-2:123456789012:service/example/sd-example',
        clusterArn: 'arn:aws:ecs:us-west-2:123456789012:cluster/example',
        updatedAt: '2024-09-10T16:49:35.57Z',
        targetServiceRevision: {
          arn: 'arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373577095',
          requestedTaskCount: 0,
          runningTaskCount: 0,
          pendingTaskCount: 0,
        },
        status: 'PENDING',
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: false, rollback: false },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
        },
      },
    ],
    failures: [],
  },
  'ecs-describe-service-deployments.apiref-example2-paused-hook.awsdocs.json': {
    serviceDeployments: [
      {
        serviceDeploymentArn:
          'arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/xyz789ABC123',
        serviceArn: 'arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service',
        clusterArn: 'arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster',
        updatedAt: '2026-05-06T16:05:00.00Z',
        targetServiceRevision: {
          arn: 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1234567890123456789',
          requestedTaskCount: 2,
          runningTaskCount: 2,
          pendingTaskCount: 0,
        },
        status: 'IN_PROGRESS',
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          strategy: 'BLUE_GREEN',
          lifecycleHooks: [
            {
              targetType: 'PAUSE',
              lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
              timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
            },
          ],
        },
        lifecycleHookDetails: [
          {
            hookId: 'ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq',
            targetType: 'PAUSE',
            status: 'AWAITING_ACTION',
            expiresAt: '2026-05-06T16:03:00.00Z',
            timeoutAction: 'ROLLBACK',
          },
        ],
      },
    ],
    failures: [],
  },
  'ecs-describe-service-deployments.pause-hooks-fragment.awsdocs.json': {
    serviceDeployments: [
      {
        lifecycleHookDetails: [
          {
            hookId: 'ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw',
            targetType: 'PAUSE',
            status: 'AWAITING_ACTION',
            expiresAt: '2024-01-15T12:00:00Z',
            timeoutAction: 'ROLLBACK',
          },
        ],
      },
    ],
  },
  'ecs-continue-service-deployment.response.awsdocs.json': {
    serviceDeploymentArn:
      'arn:aws:ecs:us-east-1:123456789012:service-deployment/MyCluster/MyService/abc123DEF456',
  },
  'ecs-continue-service-deployment.devguide-cli-response.awsdocs.json': {
    serviceDeploymentArn:
      'arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PPzHXINuP28',
  },
  'ecs-continue-service-deployment.awsdocs.json': {
    serviceDeploymentArn:
      'arn:aws:ecs:us-east-1:123456789012:service-deployment/MyCluster/MyService/abc123DEF456',
    hookId: 'ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq',
    action: 'CONTINUE',
  },
  'ecs-continue-service-deployment.rollback-request.awsdocs.json': {
    serviceDeploymentArn:
      'arn:aws:ecs:us-east-1:123456789012:service-deployment/MyCluster/MyService/abc123DEF456',
    hookId: 'ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq',
    action: 'ROLLBACK',
  },
};

/** The API reference's DescribeServiceRevisions example as published: its closing lines are duplicated. */
const revisionsApiRefAsPublished =
  '{\n    "serviceRevisions": [\n        {\n            "serviceRevisionArn": "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373577095",\n            "serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/example/sd-example",\n            "clusterArn": "arn:aws:ecs:us-west-2:123456789012:cluster/example",\n            "taskDefinition": "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:1",\n            "launchType": "FARGATE",\n            "platformVersion": "1.4.0",\n            "platformFamily": "DockerLinux",\n            "networkConfiguration": {\n                "awsvpcConfiguration": {\n                    "subnets": [\n                        "subnet-0a4040e73895f04e1"\n                    ],\n                    "securityGroups": [\n                        "sg-09605d60a6bc1b296"\n                    ],\n                    "assignPublicIp": "ENABLED"\n                }\n            },\n            "createdAt": "2024-09-10T16:49:26.39Z"\n        }\n    ],\n    "failures": []\n}\n    ],\n    "failures": []\n}\n';

const collectedDir = '/work/shared/payloads';

/** The CLI renders timestamps as ISO strings; the awsJson1_1 wire carries epoch seconds. */
const isoToEpochSeconds = (value: unknown): unknown => {
  if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  )
    return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(isoToEpochSeconds);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isoToEpochSeconds(item)]));
  return value;
};

const sample = (file: string): Record<string, unknown> => {
  const body = documented[file];
  if (!body) throw new Error(`no inline copy of ${file}`);
  return structuredClone(body);
};

const deployment = () => ({
  serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/s/abc',
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/c/s',
  clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/c',
  status: 'IN_PROGRESS',
  createdAt: 1_790_000_000.5,
  targetServiceRevision: { arn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/s/2' },
});

describe('the documented examples', () => {
  it.each([
    ['ecs-describe-service-revisions.awsdocs.json', 'DescribeServiceRevisions'],
    ['ecs-describe-service-deployments.awsdocs.json', 'DescribeServiceDeployments'],
    ['ecs-describe-service-deployments.apiref-example1.awsdocs.json', 'DescribeServiceDeployments'],
    [
      'ecs-describe-service-deployments.apiref-example2-paused-hook.awsdocs.json',
      'DescribeServiceDeployments',
    ],
    ['ecs-describe-service-deployments.pause-hooks-fragment.awsdocs.json', 'DescribeServiceDeployments'],
    ['ecs-continue-service-deployment.response.awsdocs.json', 'ContinueServiceDeployment'],
    ['ecs-continue-service-deployment.devguide-cli-response.awsdocs.json', 'ContinueServiceDeployment'],
  ] as const)('%s is a valid %s response once its timestamps are epoch seconds', (file, operation) => {
    expect(responseViolations(operation, isoToEpochSeconds(sample(file)))).toEqual([]);
  });

  it('the API reference revision example, with its duplicated closing lines cut, is valid too', () => {
    const end = revisionsApiRefAsPublished.indexOf('\n}') + 2;
    const body = JSON.parse(revisionsApiRefAsPublished.slice(0, end));
    expect(() => JSON.parse(revisionsApiRefAsPublished)).toThrow();
    expect(responseViolations('DescribeServiceRevisions', isoToEpochSeconds(body))).toEqual([]);
  });

  it('as the CLI renders them (ISO timestamps) they are not the wire format', () => {
    expect(
      responseViolations('DescribeServiceRevisions', sample('ecs-describe-service-revisions.awsdocs.json')),
    ).toEqual([
      expect.stringMatching(/^\$\.serviceRevisions\[0\]\.createdAt: expected a timestamp in epoch seconds/),
    ]);
  });

  it.each([
    'ecs-continue-service-deployment.awsdocs.json',
    'ecs-continue-service-deployment.rollback-request.awsdocs.json',
  ])('the request %s is a valid ContinueServiceDeployment request', (file) => {
    expect(requestViolations('ContinueServiceDeployment', sample(file))).toEqual([]);
  });

  it('the API reference sample request body (singular serviceDeploymentArn) is not a valid request', () => {
    const arn =
      'arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/NCWGC2ZR-taawPAYrIaU5';
    expect(requestViolations('DescribeServiceDeployments', { serviceDeploymentArn: arn })).toEqual([
      '$.serviceDeploymentArn: DescribeServiceDeploymentsRequest has no member "serviceDeploymentArn"',
      '$.serviceDeploymentArns: required by DescribeServiceDeploymentsRequest, missing',
    ]);
  });

  it('the inline copies match the collected files (../shared/payloads, beside the clone in CI too)', () => {
    for (const [file, body] of Object.entries(documented))
      expect(JSON.parse(readFileSync(join(collectedDir, file), 'utf8')), file).toEqual(body);
    expect(
      readFileSync(
        join(collectedDir, 'ecs-describe-service-revisions.apiref-example1.awsdocs.invalid-json.txt'),
        'utf8',
      ),
    ).toBe(revisionsApiRefAsPublished);
  });
});

describe('the schema check', () => {
  it('accepts a well-formed deployment response', () => {
    expect(
      responseViolations('DescribeServiceDeployments', { serviceDeployments: [deployment()], failures: [] }),
    ).toEqual([]);
  });

  it('rejects a made-up member, wherever it is nested', () => {
    const made = { ...deployment(), madeUp: 1 };
    const nested = { ...deployment(), targetServiceRevision: { arn: 'x', revisionNumber: 3 } };
    expect(responseViolations('DescribeServiceDeployments', { serviceDeployments: [made] })).toEqual([
      '$.serviceDeployments[0].madeUp: ServiceDeployment has no member "madeUp"',
    ]);
    expect(responseViolations('DescribeServiceDeployments', { serviceDeployments: [nested] })).toEqual([
      '$.serviceDeployments[0].targetServiceRevision.revisionNumber: ServiceRevisionSummary has no member "revisionNumber"',
    ]);
    expect(
      responseViolations('ContinueServiceDeployment', { serviceDeploymentArn: 'a', status: 'OK' }),
    ).toEqual(['$.status: ContinueServiceDeploymentResponse has no member "status"']);
  });

  it('rejects wrong types, nulls, ISO timestamps and values outside the SDK enums', () => {
    const problems = responseViolations('DescribeServiceDeployments', {
      serviceDeployments: [
        {
          ...deployment(),
          status: 'DONE',
          lifecycleStage: 'BAKE',
          updatedAt: '2026-11-30T10:00:00Z',
          statusReason: null,
          sourceServiceRevisions: { arn: 'x' },
          lifecycleHookDetails: [{ hookId: 'h', targetType: 'PAUSE', status: 'WAITING', expiresAt: 1 }],
        },
      ],
      failures: [{ arn: 'a', reason: 7 }],
    });
    expect(problems).toEqual([
      expect.stringContaining('$.serviceDeployments[0].updatedAt: expected a timestamp in epoch seconds'),
      expect.stringContaining(
        '$.serviceDeployments[0].sourceServiceRevisions: expected a ServiceRevisionsSummaryList list',
      ),
      expect.stringContaining('$.serviceDeployments[0].status: "DONE" is not one of'),
      '$.serviceDeployments[0].statusReason: null is not a value (leave the member out)',
      expect.stringContaining('$.serviceDeployments[0].lifecycleStage: "BAKE" is not one of'),
      expect.stringContaining(
        '$.serviceDeployments[0].lifecycleHookDetails[0].status: "WAITING" is not one of',
      ),
      expect.stringContaining('$.failures[0].reason: expected a string'),
    ]);
  });

  it('checks requests: required members, list types and the action enum', () => {
    expect(requestViolations('DescribeServiceRevisions', { serviceRevisionArns: 'arn' })).toEqual([
      '$.serviceRevisionArns: expected a list, got string',
    ]);
    expect(
      requestViolations('ContinueServiceDeployment', { serviceDeploymentArn: 'a', action: 'PAUSE' }),
    ).toEqual([
      '$.hookId: required by ContinueServiceDeploymentRequest, missing',
      expect.stringContaining('$.action: "PAUSE" is not one of'),
    ]);
    expect(
      requestViolations('ContinueServiceDeployment', { serviceDeploymentArn: 'a', hookId: 'h' }),
    ).toEqual([]);
  });
});

describe('seeding the front', () => {
  let front: EcsDeploymentsFront;
  beforeAll(async () => {
    front = await EcsDeploymentsFront.start('http://127.0.0.1:9');
  });
  afterAll(() => front.close());

  const ids = {
    serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/c/s',
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/c',
  };

  it('refuses a revision the front would answer with a made-up field', () => {
    const revision = {
      ...ids,
      serviceRevisionArn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/s/1',
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      containerImages: [{ containerName: 'app', imageDigest: 'sha256:00', tag: 'v1' }],
    };
    expect(() => front.putRevision(revision)).toThrow(SchemaViolationError);
    expect(() => front.putRevision(revision)).toThrow(
      '$.serviceRevisions[].containerImages[0].tag: ContainerImage has no member "tag"',
    );
  });

  it('refuses a deployment with a status ECS does not have', () => {
    expect(() =>
      front.putDeployment({
        ...ids,
        serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/s/x',
        status: 'PAUSED',
      }),
    ).toThrow(/status: "PAUSED" is not one of/);
  });
});
