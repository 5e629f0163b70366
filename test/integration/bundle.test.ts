/**
 * The shipped artifact, not the source: build the image-push bundle the way the stack does (ESM, minified,
 * SDK bundled, the SDK's credential chain replaced by the environment's credentials, `debug` by loggers that
 * never print) and run it on Node 24 against moto. The test file's credentials are an assumed role in an
 * account of its own, so what lands in that account was signed with them.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { siteClientConfig } from '#adapters/site-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import type { Site } from '#core/sites.ts';
import { buildHandler, metafilePath } from '../../scripts/build.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { pushEvent } from '../helpers/events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ outcome: string }>;

const spoke: Site = {
  account: String(randomInt(100_000_000_000, 999_999_999_999)),
  region: testRegion(),
  roleName: 'deckhand-deploy',
};
const hub = () => ({ account: testAccount(), region: testRegion() });

const revisionOf = async (client: ECSClient) => {
  const { services } = await client.send(new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }));
  return services?.[0]?.taskDefinition;
};

describe('the image-push bundle', () => {
  let outdir: string;
  let bundle: string;
  let digest: string;

  beforeAll(async () => {
    const seed = new Seeder();
    const spokeSeed = new Seeder(siteClientConfig(spoke, hub()));
    outdir = mkdtempSync(join(tmpdir(), 'deckhand-bundle-'));
    bundle = await buildHandler('image-push', outdir);
    writeFileSync(
      join(outdir, 'deckhand.config.json'),
      JSON.stringify({
        accounts: { spoke: { id: spoke.account, region: spoke.region } },
        pipelines: [
          {
            name: 'web',
            repository: 'web',
            targets: [
              { cluster: 'c1', service: 'web' },
              { account: 'spoke', cluster: 'c1', service: 'web' },
            ],
          },
        ],
      }),
    );
    // As in Lambda: the config sits beside index.mjs in LAMBDA_TASK_ROOT.
    process.env.LAMBDA_TASK_ROOT = outdir;
    process.env.DECKHAND_CONFIG = 'deckhand.config.json';
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    digest = await seed.pushImage('web', 'main-1');
    // The spoke may pull from the hub's registry.
    await seed.allowPull('web', [spoke.account]);
    const image = `${ecrUri(testAccount(), testRegion(), 'web')}:old`;
    for (const [seeder, owner] of [
      [seed, testAccount()],
      [spokeSeed, spoke.account],
    ] as const) {
      await seeder.cluster('c1');
      const td = await seeder.taskDefinition(webTaskDefinition('web', image, owner));
      await seeder.service(fargateService('c1', 'web', td, await seeder.vpc()));
    }
  });

  it('carries the environment credential provider, not the SDK default chain', () => {
    const metafile = JSON.parse(readFileSync(metafilePath(bundle), 'utf8')) as Metafile;
    const inputs = Object.keys(Object.values(metafile.outputs)[0]?.inputs ?? {});
    expect(inputs).toContain('functions/adapters/lambda-credentials.ts');
    expect(
      inputs.filter((path) => /credential-provider-(node|ini|sso|process|login|http)\b/.test(path)),
    ).toEqual([]);
    expect(inputs.filter((path) => /nested-clients\/.*\/(sso|sso-oidc|signin)\//.test(path))).toEqual([]);
  });

  it("carries loggers that never print for secretlint's `debug`, which its guardrails run on every deploy", () => {
    const metafile = JSON.parse(readFileSync(metafilePath(bundle), 'utf8')) as Metafile;
    const inputs = Object.keys(Object.values(metafile.outputs)[0]?.inputs ?? {});
    expect(inputs).toContain('node_modules/@secretlint/core/module/index.js');
    expect(inputs).toContain('functions/adapters/lambda-debug.ts');
    expect(inputs.filter((path) => /node_modules\/(debug|ms|supports-color)\//.test(path))).toEqual([]);
  });

  it('deploys a push end to end: in the hub with its own credentials, in a spoke through STS', async () => {
    const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
    const event = pushEvent({
      account: testAccount(),
      region: testRegion(),
      repository: 'web',
      tag: 'main-1',
      digest,
    });
    expect((await handler(event, lambdaContext('image-push'))).outcome).toBe('deployed');
    expect(await revisionOf(new ECSClient({}))).toMatch(/web:2$/);
    // moto puts assumed-role calls in the role's account: the spoke's service moved, signed with its role.
    expect(await revisionOf(new ECSClient(siteClientConfig(spoke, hub())))).toMatch(
      new RegExp(`:${spoke.account}:task-definition/web:2$`),
    );
  });

  it('reads no credentials file: without credentials in the environment it cannot sign', async () => {
    const credentialsFile = join(outdir, 'credentials');
    writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = ${process.env.AWS_ACCESS_KEY_ID}\n` +
        `aws_secret_access_key = ${process.env.AWS_SECRET_ACCESS_KEY}\n` +
        `aws_session_token = ${process.env.AWS_SESSION_TOKEN}\n`,
    );
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
    const saved = Object.fromEntries(keys.map((key) => [key, process.env[key]]));
    for (const key of keys) delete process.env[key];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_CONFIG_FILE: join(outdir, 'no-config'),
    });
    try {
      // A module instance of its own, so its clients have cached no credentials yet.
      const { handler } = (await import(`${pathToFileURL(bundle).href}?no-env`)) as { handler: Handler };
      const event = pushEvent({ repository: 'web', tag: 'main-1', digest });
      await expect(handler(event, lambdaContext('image-push'))).rejects.toThrow(
        /environment variable credentials/,
      );
    } finally {
      Object.assign(process.env, saved);
      delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      delete process.env.AWS_CONFIG_FILE;
    }
  });
});
