/**
 * Slack notifications end to end: moto (ECS, ECR, DynamoDB, Secrets Manager) and the local Slack receiver,
 * through `deckhand replay` as the Lambdas run it.
 */
import { writeFileSync } from 'node:fs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { logger } from '#commons/powertools.ts';
import { systemClock } from '#core/ports/clock.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { deploymentEvent, pushEvent } from '../helpers/events.ts';
import { cliSession } from '../helpers/cli.ts';

const seed = new Seeder();
const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const { config, replay } = cliSession('notify');
let receiver: SlackReceiver;

const completed = async (service: string, digest: string) => {
  const record = await ledger.rollouts.get(`prod/${service}`, digest);
  return replay(
    deploymentEvent({
      cluster: 'prod',
      service,
      deploymentId: record?.deploymentId,
      id: `completed-${service}-${digest.slice(-6)}`,
    }),
  );
};

describe('Slack notifications against the local receiver', () => {
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await SlackReceiver.start();
    process.env.DECKHAND_SLACK_API_URL = receiver.apiUrl;
    await createStateTable(createDynamoDbClient(), stateTableName());
    const secrets = new SecretsManagerClient({});
    const token = await secrets.send(
      new CreateSecretCommand({ Name: 'slack/payments', SecretString: 'xoxb-1111-2222-test' }),
    );
    const hook = await secrets.send(
      new CreateSecretCommand({ Name: 'slack/search', SecretString: receiver.webhookUrl('search') }),
    );
    await seed.repository('web');
    for (const tag of ['1.0.0', '1.1.0', '1.2.0', '1.3.0']) digests[tag] = await seed.pushImage('web', tag);
    await seed.cluster('prod');
    const network = await seed.vpc();
    for (const service of ['web', 'api']) {
      const td = await seed.taskDefinition(
        webTaskDefinition(service, `${ecrUri(testAccount(), testRegion(), 'web')}:0.9.0`, testAccount()),
      );
      await seed.service(fargateService('prod', service, td, network));
    }
    writeFileSync(
      config,
      JSON.stringify({
        teams: {
          payments: { slack: { channel: 'C0PAYMENTS', botToken: token.ARN } },
          search: { slack: { webhook: hook.ARN } },
        },
        pipelines: [
          {
            name: 'web',
            repository: 'web',
            tags: 'semver:*',
            team: 'payments',
            targets: [{ cluster: 'prod', service: 'web' }],
          },
          {
            name: 'api',
            repository: 'web',
            tags: 'semver:*',
            team: 'search',
            targets: [{ cluster: 'prod', service: 'api' }],
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    delete process.env.DECKHAND_SLACK_API_URL;
    await receiver.close();
  });

  const push = (tag: string) => pushEvent({ repository: 'web', tag, digest: digests[tag] ?? '' });

  it('updates one message in place for the Web API team, and posts each change for the webhook team', async () => {
    const event = push('1.0.0');
    expect((await replay(event)).outcome.outcome).toBe('deployed');
    await completed('web', digests['1.0.0'] ?? '');
    await completed('api', digests['1.0.0'] ?? '');

    const payments = receiver.messages.filter((m) => m.destination === 'C0PAYMENTS');
    expect(payments.map((m) => m.kind)).toEqual(['post', 'update']);
    expect(new Set(payments.map((m) => m.ts)).size).toBe(1);
    expect(JSON.stringify(receiver.current().find((m) => m.destination === 'C0PAYMENTS')?.blocks)).toMatch(
      /rollout succeeded/,
    );
    const search = receiver.messages.filter((m) => m.destination === 'search');
    expect(search.map((m) => m.kind)).toEqual(['webhook', 'webhook']);
    expect(JSON.stringify(search[0]?.blocks)).toMatch(/rolling out/);
    expect(JSON.stringify(search[1]?.blocks)).toMatch(/rollout succeeded/);

    // A duplicate delivery of the same push posts nothing more.
    const before = receiver.messages.length;
    await replay(event);
    expect(receiver.messages.length).toBe(before);
  });

  it('waits out a 429 and delivers the message once', async () => {
    const before = receiver.messages.length;
    receiver.respondNext({ status: 429, retryAfter: 1 });
    expect((await replay(push('1.1.0'))).outcome.outcome).toBe('deployed');
    const delivered = receiver.messages.slice(before);
    expect(delivered.filter((m) => m.destination === 'C0PAYMENTS')).toHaveLength(1);
    expect(delivered.filter((m) => m.destination === 'search')).toHaveLength(1);
  });

  it('still deploys when Slack is down, and logs the failure', async () => {
    const errors = vi.spyOn(logger, 'error');
    process.env.DECKHAND_SLACK_API_URL = 'http://127.0.0.1:9/api/';
    try {
      const { status, outcome } = await replay({ ...push('1.2.0') });
      expect(status).toBe(0);
      expect(outcome.outcome).toBe('deployed');
      expect(errors).toHaveBeenCalledWith(
        'notification failed',
        expect.objectContaining({ noticeId: expect.stringMatching(/^rollout#prod\/web#/) }),
      );
    } finally {
      process.env.DECKHAND_SLACK_API_URL = receiver.apiUrl;
      errors.mockRestore();
    }
  });
});
