/**
 * The ECS service-deployment front in front of this file's moto, through the real SDK client and the
 * adapter: the three operations moto lacks are answered from seeded state with ECS's documented shapes, bad
 * requests fail the SDK schema check, and every other call still reaches moto in the file's account.
 */
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createEcsClient } from '#adapters/aws-clients.ts';
import { createEcsDeploymentsAdapter } from '#adapters/ecs-deployments.ts';
import { TargetError } from '#core/errors.ts';
import type { EcsDeploymentsPort } from '#core/ports/ecs-deployments.ts';
import { ecsDeploymentArns, useEcsDeploymentsFront } from '#test/helpers/ecs-deployments.ts';
import { schemaViolationName } from '../../scripts/lib/ecs-deployments-front.ts';

const front = useEcsDeploymentsFront();
const arns = () => ecsDeploymentArns('web-cluster', 'web');

let ecs: ECSClient;
let port: EcsDeploymentsPort;
beforeAll(() => {
  ecs = new ECSClient({ maxAttempts: 1 });
  port = createEcsDeploymentsAdapter(createEcsClient());
});

const digest = `sha256:${'ab'.repeat(32)}`;
const hookId = 'ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq';

const seed = () => {
  const { clusterArn, serviceArn, serviceRevisionArn, serviceDeploymentArn } = arns();
  const green = serviceRevisionArn('1485800978477494678');
  const blue = serviceRevisionArn('4980306466373577095');
  const deployment = serviceDeploymentArn('ejGvqq2ilnbKT9qj0vLJe');
  front().putRevision({
    serviceRevisionArn: green,
    serviceArn,
    clusterArn,
    taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:5',
    containerImages: [{ containerName: 'web', imageDigest: digest, image: 'nginx' }],
    createdAt: new Date('2026-11-30T10:00:00.250Z'),
  });
  front().putDeployment({
    serviceDeploymentArn: deployment,
    serviceArn,
    clusterArn,
    status: 'IN_PROGRESS',
    targetServiceRevisionArn: green,
    sourceServiceRevisionArns: [blue],
    lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
    pauseHookId: hookId,
  });
  return { clusterArn, serviceArn, green, blue, deployment };
};

describe('DescribeServiceRevisions', () => {
  it('describes a seeded revision, timestamps as the SDK parses them from epoch seconds', async () => {
    const { green, clusterArn, serviceArn } = seed();
    expect(await port.describeServiceRevision(green, undefined)).toEqual({
      serviceRevisionArn: green,
      serviceArn,
      clusterArn,
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:5',
      containerImages: [{ containerName: 'web', imageDigest: digest, image: 'nginx' }],
    });
    const raw = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [green] }));
    expect(raw.serviceRevisions?.[0]?.createdAt).toEqual(new Date('2026-11-30T10:00:00.250Z'));
    expect(raw.failures).toEqual([]);
  });

  it('answers an unknown revision in failures with reason MISSING, in request order', async () => {
    const { green } = seed();
    const unknown = arns().serviceRevisionArn('1');
    expect(await port.describeServiceRevision(unknown, undefined)).toBeUndefined();
    const raw = await ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [unknown, green] }),
    );
    expect(raw.serviceRevisions?.map((revision) => revision.serviceRevisionArn)).toEqual([green]);
    expect(raw.failures).toEqual([{ arn: unknown, reason: 'MISSING' }]);
  });
});

describe('DescribeServiceDeployments', () => {
  it('describes a seeded deployment with its sources, stage and pause hook', async () => {
    const { deployment, green, blue, clusterArn, serviceArn } = seed();
    expect(await port.describeServiceDeployment(deployment, undefined)).toEqual({
      serviceDeploymentArn: deployment,
      serviceArn,
      clusterArn,
      status: 'IN_PROGRESS',
      targetServiceRevisionArn: green,
      sourceServiceRevisionArns: [blue],
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
    });
    const raw = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deployment] }),
    );
    const [hook] = raw.serviceDeployments?.[0]?.lifecycleHookDetails ?? [];
    expect(hook).toMatchObject({
      hookId,
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      timeoutAction: 'ROLLBACK',
    });
    expect(hook?.expiresAt).toBeInstanceOf(Date);
    expect(hook?.expiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it('answers an unknown deployment in failures with reason MISSING', async () => {
    const unknown = arns().serviceDeploymentArn('nope');
    expect(await port.describeServiceDeployment(unknown, undefined)).toBeUndefined();
    const raw = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [unknown] }));
    expect(raw).toMatchObject({ serviceDeployments: [], failures: [{ arn: unknown, reason: 'MISSING' }] });
  });

  it('refuses more than 20 ARNs as ECS documents', async () => {
    const many = Array.from({ length: 21 }, (_, index) => arns().serviceDeploymentArn(`d${index}`));
    await expect(
      ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: many })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('ContinueServiceDeployment', () => {
  it('records CONTINUE and ROLLBACK in order', async () => {
    const { deployment } = seed();
    const before = front().continued().length;
    await port.continueServiceDeployment(deployment, hookId, 'CONTINUE', undefined);
    await port.continueServiceDeployment(deployment, hookId, 'ROLLBACK', undefined);
    expect(front().continued().slice(before)).toEqual([
      { serviceDeploymentArn: deployment, hookId, action: 'CONTINUE', answer: 'OK' },
      { serviceDeploymentArn: deployment, hookId, action: 'ROLLBACK', answer: 'OK' },
    ]);
  });

  it('answers with the deployment ARN only, and defaults the action to CONTINUE', async () => {
    const { deployment } = seed();
    const raw = await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: deployment, hookId }),
    );
    expect(raw.serviceDeploymentArn).toBe(deployment);
    expect(front().continued().at(-1)).toEqual({
      serviceDeploymentArn: deployment,
      hookId,
      action: 'CONTINUE',
      answer: 'OK',
    });
  });

  it('answers an unknown deployment with ServiceDeploymentNotFoundException, a TargetError for the port', async () => {
    const unknown = arns().serviceDeploymentArn('gone');
    const failure = port.continueServiceDeployment(unknown, hookId, 'CONTINUE', undefined);
    await expect(failure).rejects.toBeInstanceOf(TargetError);
    await expect(failure).rejects.toMatchObject({
      message: expect.stringContaining('ServiceDeploymentNotFoundException'),
      cause: { name: 'ServiceDeploymentNotFoundException', $metadata: { httpStatusCode: 400 } },
    });
    expect(front().continued().at(-1)).toMatchObject({
      serviceDeploymentArn: unknown,
      answer: 'ServiceDeploymentNotFoundException',
    });
  });

  it('refuses a hook the deployment does not have', async () => {
    const { deployment } = seed();
    await expect(
      port.continueServiceDeployment(deployment, 'ecs-pause-other', 'CONTINUE', undefined),
    ).rejects.toMatchObject({
      name: 'TargetError',
      cause: { name: 'InvalidParameterException' },
    });
  });
});

describe('the schema check on requests', () => {
  it('rejects the documented singular request key over the wire, loudly', async () => {
    const { deployment } = seed();
    const before = front().violations().length;
    const response = await fetch(front().url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeServiceDeployments',
      },
      body: JSON.stringify({ serviceDeploymentArn: deployment }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe(schemaViolationName);
    expect(body.message).toContain('has no member "serviceDeploymentArn"');
    expect(body.message).toContain('serviceDeploymentArns: required');
    expect(front().violations().slice(before)).toHaveLength(1);
  });

  it('rejects a value outside the SDK enum sent through the SDK client', async () => {
    const { deployment } = seed();
    await expect(
      ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: deployment,
          hookId,
          action: 'PAUSE' as 'CONTINUE',
        }),
      ),
    ).rejects.toMatchObject({
      name: schemaViolationName,
      message: expect.stringContaining('"PAUSE" is not one of'),
    });
  });
});

describe('everything else', () => {
  it('still reaches moto, in this file’s account', async () => {
    const { forwarded } = front().counts();
    await ecs.send(new CreateClusterCommand({ clusterName: 'through-the-front' }));
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['through-the-front'] }));
    expect(described.clusters?.[0]).toMatchObject({
      clusterName: 'through-the-front',
      clusterArn: `arn:aws:ecs:${process.env.AWS_REGION}:${process.env.DECKHAND_TEST_ACCOUNT}:cluster/through-the-front`,
    });
    expect(front().counts().forwarded).toBe(forwarded + 2);

    const direct = new ECSClient({ endpoint: inject('motoEndpoint') });
    const seen = await direct.send(new DescribeClustersCommand({ clusters: ['through-the-front'] }));
    expect(seen.clusters?.[0]?.status).toBe('ACTIVE');
    expect(process.env.AWS_ENDPOINT_URL).toBe(front().url);
  });
});
