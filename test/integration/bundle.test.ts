/**
 * The shipped artifact, not the source: build the image-push bundle the way the stack does (ESM, minified,
 * SDK bundled) and run it on Node 24 against moto.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { buildHandler } from '../../scripts/build.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

describe('the image-push bundle', () => {
  let bundle: string;
  let digest: string;

  beforeAll(async () => {
    const seed = new Seeder();
    const outdir = mkdtempSync(join(tmpdir(), 'deckhand-bundle-'));
    bundle = await buildHandler('image-push', outdir);
    writeFileSync(
      join(outdir, 'deckhand.config.json'),
      JSON.stringify({
        pipelines: [{ name: 'web', repository: 'web', targets: [{ cluster: 'c1', service: 'web' }] }],
      }),
    );
    // As in Lambda: the config sits beside index.mjs in LAMBDA_TASK_ROOT.
    process.env.LAMBDA_TASK_ROOT = outdir;
    process.env.DECKHAND_CONFIG = 'deckhand.config.json';
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    digest = await seed.pushImage('web', 'main-1');
    await seed.cluster('c1');
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:old`, testAccount()),
    );
    await seed.service(fargateService('c1', 'web', td, await seed.vpc()));
  });

  it('deploys a push end to end', async () => {
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ outcome: string }>;
    };
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: 'main-1',
      digest,
    });
    expect((await handler(event, lambdaContext('image-push'))).outcome).toBe('deployed');
    const { services } = await new ECSClient({}).send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }),
    );
    expect(services?.[0]?.taskDefinition).toMatch(/web:2$/);
  });
});
