import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { testAccount, testRegion } from '../helpers/aws.ts';

describe('moto over real HTTP', () => {
  const ecs = new ECSClient({});

  it('creates a cluster, registers a task definition, creates a service and reads them back', async () => {
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'roundtrip' }));
    expect(cluster?.clusterArn).toBe(`arn:aws:ecs:${testRegion()}:${testAccount()}:cluster/roundtrip`);

    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', memory: 256, essential: true },
        ],
        tags: [{ key: 'deckhand:team', value: 'payments' }],
      }),
    );
    expect(taskDefinition?.revision).toBe(1);

    await ecs.send(
      new CreateServiceCommand({
        cluster: 'roundtrip',
        serviceName: 'web',
        taskDefinition: taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
      }),
    );
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'roundtrip', services: ['web'] }),
    );
    expect(services?.[0]?.desiredCount).toBe(2);

    const readBack = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }),
    );
    expect(readBack.taskDefinition?.containerDefinitions?.[0]?.image).toBe('public.ecr.aws/nginx/nginx:1.27');
    expect(readBack.tags).toEqual([{ key: 'deckhand:team', value: 'payments' }]);
  });

  it('keeps each test file in its own account', async () => {
    // Other files create clusters in parallel on the same server; this account sees only its own.
    const { clusterArns } = await ecs.send(new ListClustersCommand({}));
    expect(clusterArns).toEqual([`arn:aws:ecs:${testRegion()}:${testAccount()}:cluster/roundtrip`]);
  });
});
