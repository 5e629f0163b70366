/**
 * The brakes through the `deckhand` CLI and the Slack interaction, against moto and the local Slack receiver:
 * a promotion asked in Slack and approved by a signed click (replayed as the Function URL request AWS
 * delivers), a tampered click refused, status showing promotions and freezes, an ad hoc freeze holding a
 * push and releasing it, break-glass, and a manual rollback.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { signedClick, SlackReceiver } from '../../scripts/lib/slack-receiver.ts';
import { systemClock } from '#core/ports/clock.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { runningImage } from '../helpers/ecs.ts';
import { deploymentEvent, pushEvent } from '../helpers/events.ts';

const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const seed = new Seeder();
const digests: Record<string, string> = {};
const signingSecret = 'local-signing-secret-for-tests';
const approver = 'U012ABCDEF';
const { writeConfig, cli, replay } = cliSession('brakes');
let receiver: SlackReceiver;

const running = (cluster: string) => runningImage(cluster, 'web');
const pinned = (tag: string) => `${ecrUri(testAccount(), testRegion(), 'web')}@${digests[tag]}`;
const push = (tag: string) => replay(pushEvent({ repository: 'web', tag, digest: digests[tag] ?? '' }));

const completed = async (cluster: string, tag: string) => {
  const deploymentId = (await ledger.rollouts.get(`${cluster}/web`, digests[tag] ?? ''))?.deploymentId;
  return replay(deploymentEvent({ cluster, service: 'web', deploymentId }));
};
const settle = () => new Promise((done) => setTimeout(done, 1100));

describe('brakes through the CLI and Slack', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    receiver = await SlackReceiver.start();
    process.env.DECKHAND_SLACK_API_URL = receiver.apiUrl;
    process.env.DECKHAND_SLACK_SIGNING_SECRET = signingSecret;
    const token = await new SecretsManagerClient({}).send(
      new CreateSecretCommand({ Name: 'slack/payments', SecretString: 'xoxb-test' }),
    );
    await seed.repository('web');
    for (const tag of ['2.0.0', '2.0.1', '2.0.2']) digests[tag] = await seed.pushImage('web', tag);
    const network = await seed.vpc();
    const td = await seed.taskDefinition(
      webTaskDefinition('web', `${ecrUri(testAccount(), testRegion(), 'web')}:1.0.0`, testAccount()),
    );
    for (const cluster of ['staging', 'prod']) {
      await seed.cluster(cluster);
      await seed.service(fargateService(cluster, 'web', td, network));
    }
    writeConfig({
      teams: { payments: { slack: { channel: 'C0PAYMENTS', botToken: token.ARN } } },
      pipelines: [
        {
          name: 'web-staging',
          repository: 'web',
          tags: 'semver:>=1.0.0',
          bake: '1s',
          team: 'payments',
          targets: [{ cluster: 'staging', service: 'web' }],
        },
        {
          name: 'web-prod',
          team: 'payments',
          promote: { from: 'web-staging', after: '1s', approval: { approvers: [approver], expires: '1h' } },
          targets: [{ cluster: 'prod', service: 'web' }],
        },
      ],
    });
  });

  afterAll(async () => {
    delete process.env.DECKHAND_SLACK_SIGNING_SECRET;
    await receiver.close();
  });

  it('asks for approval in Slack, refuses a tampered click, acts once on a signed one, and promotes', async () => {
    expect((await push('2.0.0')).outcome.outcome).toBe('deployed');
    await completed('staging', '2.0.0');
    await settle();
    const tick = await cli('tick', '--json');
    expect(JSON.parse(tick.lines[0] ?? '{}')).toMatchObject({ outcome: 'awaiting-approval' });
    const status = await cli('status', 'web-prod', '--json');
    expect(JSON.parse(status.lines[0] ?? '{}')).toMatchObject({
      promotion: { tag: '2.0.0', status: 'awaiting-approval', approvals: [] },
    });

    const request = receiver.current().find((m) => JSON.stringify(m.blocks).includes('deckhand.approve'));
    expect(request, 'the approval request with buttons reached Slack').toBeDefined();
    const click = signedClick(request!, 'deckhand.approve', approver, signingSecret);
    const forged = {
      ...click,
      body: Buffer.from(`${Buffer.from(click.body, 'base64').toString()}x`).toString('base64'),
    };
    expect((await replay(forged)).outcome).toMatchObject({
      detailType: 'Slack Interaction',
      statusCode: 401,
    });
    expect(
      (await replay(signedClick(request!, 'deckhand.approve', 'U999INTRUDER', signingSecret))).outcome,
    ).toMatchObject({ statusCode: 403 });
    expect((await replay(click)).outcome).toMatchObject({ statusCode: 200, outcome: 'approved' });
    expect((await replay(click)).outcome).toMatchObject({ statusCode: 200 });
    expect(JSON.stringify(receiver.current().find((m) => m.ts === request!.ts)?.blocks)).not.toContain(
      'deckhand.approve',
    );

    expect(JSON.parse((await cli('tick', '--json')).lines[0] ?? '{}')).toMatchObject({ outcome: 'promoted' });
    expect(await running('prod')).toBe(pinned('2.0.0'));
    const { lines } = await cli('promotions', '--json');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({
      pipeline: 'web-prod',
      tag: '2.0.0',
      status: 'promoted',
    });
  });

  it('holds a push during an ad hoc freeze, lets break-glass through, and releases the newest after', async () => {
    expect((await cli('freeze', 'web-staging', '--until', '1h', '--reason', 'incident review')).status).toBe(
      0,
    );
    expect(JSON.parse((await cli('status', 'web-staging', '--json')).lines[0] ?? '{}')).toMatchObject({
      frozen: { reason: expect.stringContaining('incident review') as unknown },
    });
    expect((await push('2.0.1')).outcome).toMatchObject({
      outcome: 'frozen',
      actions: [{ status: 'frozen' }],
    });
    expect(await running('staging')).toBe(pinned('2.0.0'));
    expect((await cli('deploy', 'web-staging', '2.0.1', '--break-glass')).status).toBe(2);

    const glass = await cli(
      'deploy',
      'web-staging',
      '2.0.1',
      '--break-glass',
      '--reason',
      'hotfix',
      '--as',
      'mary',
      '--json',
    );
    expect(JSON.parse(glass.lines[0] ?? '{}')).toMatchObject({
      outcome: 'deployed',
      actions: [{ status: 'deployed', breakGlass: { by: 'mary', reason: 'hotfix' } }],
    });
    expect(await running('staging')).toBe(pinned('2.0.1'));
    expect(JSON.stringify(receiver.current().map((m) => m.blocks))).toContain('BREAK-GLASS');

    expect((await push('2.0.2')).outcome.outcome).toBe('frozen');
    expect((await cli('unfreeze', 'web-staging')).status).toBe(0);
    const released = JSON.parse((await cli('tick', '--json')).lines[0] ?? '{}') as { actions: unknown[] };
    expect(released.actions).toEqual([expect.objectContaining({ status: 'released', tag: '2.0.2' })]);
    expect(await running('staging')).toBe(pinned('2.0.2'));
  });

  it('rolls back by hand to the last known-good revision and pauses the pipeline there', async () => {
    await completed('staging', '2.0.2');
    const { status, lines } = await cli(
      'rollback',
      'web-staging',
      '--to',
      digests['2.0.0'] ?? '',
      '--as',
      'mary',
    );
    expect(status).toBe(0);
    expect(lines[0]).toMatch(/staging\/web {2}rolled-back {2}manual rollback by mary/);
    expect(await running('staging')).toBe(pinned('2.0.0'));
    expect(JSON.parse((await cli('status', 'web-staging', '--json')).lines[0] ?? '{}')).toMatchObject({
      paused: { reason: expect.stringContaining('manual rollback by mary') as unknown },
    });
  });
});
