/** Two pipelines whose services share one task-definition family, pushed at the same time, against moto. */
import { writeFileSync } from 'node:fs';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { pushEvent } from '../helpers/events.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const session = cliSession('interleave');
const config = session.config;
const replay = async (event: unknown) => (await session.replay(event)).outcome;
const appImage = async (service: string) => {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }));
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: services?.[0]?.taskDefinition }),
  );
  return taskDefinition?.containerDefinitions?.find((c) => c.name === 'app')?.image;
};

describe('interleaved pushes for two pipelines sharing a family', () => {
  const digests: Record<string, string> = {};
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    for (const repository of ['api', 'jobs']) {
      await seed.repository(repository);
      digests[repository] = await seed.pushImage(repository, '2.0.0');
    }
    await seed.cluster('prod');
    // Both services run the same family: its app image comes from `api` for one pipeline, `jobs` for the other.
    const td = await seed.taskDefinition(
      webTaskDefinition('shared', `${ecrUri(testAccount(), testRegion(), 'api')}:1.0.0`, testAccount()),
    );
    const network = await seed.vpc();
    await seed.service(fargateService('prod', 'api', td, network));
    await seed.service(fargateService('prod', 'jobs', td, network));
    writeFileSync(
      config,
      JSON.stringify({
        pipelines: [
          {
            name: 'api',
            repository: 'api',
            targets: [{ cluster: 'prod', service: 'api', containers: ['app'] }],
          },
          {
            name: 'jobs',
            repository: 'jobs',
            targets: [{ cluster: 'prod', service: 'jobs', containers: ['app'] }],
          },
        ],
      }),
    );
  });

  it('deploys each pipeline’s image to its own service, each from the same base revision', async () => {
    const push = (repository: string) =>
      pushEvent({
        account: testAccount(),
        region: testRegion(),
        repository,
        tag: '2.0.0',
        digest: digests[repository] ?? '',
      });
    const [api, jobs] = await Promise.all([replay(push('api')), replay(push('jobs'))]);
    expect([api.outcome, jobs.outcome]).toEqual(['deployed', 'deployed']);
    expect(await appImage('api')).toBe(`${ecrUri(testAccount(), testRegion(), 'api')}@${digests.api}`);
    expect(await appImage('jobs')).toBe(`${ecrUri(testAccount(), testRegion(), 'jobs')}@${digests.jobs}`);
  });
});
