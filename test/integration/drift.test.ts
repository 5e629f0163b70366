/** Drift against moto: deploy through Deckhand, then change the services by hand, as people do. */
import { writeFileSync } from 'node:fs';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { registerVariant } from '../helpers/ecs.ts';
import { pushEvent } from '../helpers/events.ts';
import { loadEvent } from '../helpers/load-event.ts';

const ecs = new ECSClient({});
const seed = new Seeder();
const { config, cli, replay } = cliSession('drift');
const drift = async () => {
  const { status, lines } = await cli('drift', '--json');
  return { status, drift: JSON.parse(lines[0] ?? '{}').drift as Record<string, unknown>[] };
};
describe('drift against moto', () => {
  let digest: string;

  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    digest = await seed.pushImage('web', '1.0.0');
    await seed.cluster('prod');
    const network = await seed.vpc();
    for (const service of ['hotfixed', 'privileged', 'scaled']) {
      const td = await seed.taskDefinition(
        webTaskDefinition(service, `${ecrUri(testAccount(), testRegion(), 'web')}:0.9.0`, testAccount()),
      );
      await seed.service(fargateService('prod', service, td, network));
    }
    writeFileSync(
      config,
      JSON.stringify({
        pipelines: [
          {
            name: 'web',
            repository: 'web',
            targets: ['hotfixed', 'privileged', 'scaled'].map((service) => ({ cluster: 'prod', service })),
          },
        ],
        guardrails: { rules: { 'TD-001': 'warn' } },
      }),
    );
    const deployed = await replay(
      pushEvent({ account: testAccount(), region: testRegion(), repository: 'web', tag: '1.0.0', digest }),
    );
    expect(deployed.outcome.outcome).toBe('deployed');
  });

  it('finds no drift right after a deploy, and exits 0', async () => {
    expect(await drift()).toEqual({ status: 0, drift: [] });
  });

  it('reports revision drift with the actor, config drift with the field path, and not a scale-out', async () => {
    // A hotfix by hand: the same revision content on an earlier revision, recorded through CloudTrail.
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'hotfixed', taskDefinition: 'hotfixed:1' }),
    );
    const trail = loadEvent<{
      account: string;
      detail: Record<string, unknown> & {
        requestParameters: Record<string, unknown>;
        responseElements: { service: Record<string, unknown> };
      };
    }>('aws.ecs/cloudtrail-update-service');
    trail.account = testAccount();
    trail.detail.requestParameters = { cluster: 'prod', service: 'hotfixed', taskDefinition: 'hotfixed:1' };
    trail.detail.responseElements.service = {
      serviceArn: `arn:aws:ecs:${testRegion()}:${testAccount()}:service/prod/hotfixed`,
      serviceName: 'hotfixed',
      clusterArn: `arn:aws:ecs:${testRegion()}:${testAccount()}:cluster/prod`,
    };
    await replay(trail);

    await registerVariant('prod', 'privileged', (input) => {
      const app = input.containerDefinitions?.[0];
      if (app) app.privileged = true;
    });
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'scaled', desiredCount: 7 }));

    const { status, drift: found } = await drift();
    expect(status).toBe(3);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: 'hotfixed',
          kind: 'revision',
          expected: 'hotfixed:2',
          actual: 'hotfixed:1',
          actor: expect.stringMatching(/^arn:aws:iam::123456789012:role\/Admin \(UpdateService at /),
        }),
        expect.objectContaining({
          service: 'hotfixed',
          kind: 'image',
          actual: expect.stringMatching(/:0\.9\.0$/),
        }),
        expect.objectContaining({
          service: 'privileged',
          kind: 'config',
          fields: ['containerDefinitions.app.privileged'],
        }),
      ]),
    );
    expect(found.filter((d) => d.service === 'privileged').map((d) => d.kind)).toEqual([
      'revision',
      'config',
    ]);
    expect(found.filter((d) => d.service === 'scaled')).toEqual([]);
  });
});
