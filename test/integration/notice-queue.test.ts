/**
 * Notices as deployed: a handler's notices go to the FIFO notice queue on moto, and the notifier drains it
 * (through the SQS event source as Lambda runs it) to the local Slack receiver.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { notifierHandler } from '#adapters/notifier.ts';
import { wireSender } from '#adapters/slack-wiring.ts';
import { createSqsNoticeOutbox } from '#adapters/sqs-notice-outbox.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { logger } from '#commons/powertools.ts';
import { renderSlack } from '#core/notify/slack-blocks.ts';
import { systemClock } from '#core/ports/clock.ts';
import type { Destination, OutgoingNotice } from '#core/ports/slack.ts';
import { NoticeQueue } from '../../scripts/lib/notice-queue.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';
import type { SqsWorker } from '../../scripts/lib/sqs-event-source.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

const sqs = new SQSClient({});
let receiver: SlackReceiver;
let notices: NoticeQueue;
let deadLetterUrl: string;
let notifier: SqsWorker;
let channel: Destination;
let revoked: Destination;
const where = () => ({ account: testAccount(), region: testRegion() });

const notice = (thread: string, state: string, destination: Destination = channel): OutgoingNotice => ({
  id: `${thread}#${state}#${destination.id}`,
  eventId: `event-${state}`,
  thread,
  destination,
  message: renderSlack({
    trigger: 'deploy',
    key: thread,
    state,
    thread,
    tone: 'info',
    title: `web: ${state}`,
    summary: `${thread} is ${state}`,
    fields: [],
    details: [],
    links: [],
    owner: { pipeline: 'web' },
  }),
});

const send = (...outgoing: OutgoingNotice[]) =>
  createSqsNoticeOutbox(sqs, notices.url, logger).send(outgoing);

/** Drains until the queue is empty, waiting out the visibility of what came back (1 s). */
const drainAll = async () => {
  for (let round = 0; round < 5; round += 1) {
    await notices.drain(notifier);
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: notices.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    if (
      Attributes.ApproximateNumberOfMessages === '0' &&
      Attributes.ApproximateNumberOfMessagesNotVisible === '0'
    )
      return;
    await new Promise((done) => setTimeout(done, 1100));
  }
};

describe('the notice queue and the notifier', () => {
  beforeAll(async () => {
    receiver = await SlackReceiver.start();
    await createStateTable(createDynamoDbClient(), stateTableName());
    const secrets = new SecretsManagerClient({});
    const token = await secrets.send(
      new CreateSecretCommand({ Name: `slack/${randomUUID()}`, SecretString: 'xoxb-1111-2222-test' }),
    );
    const bad = await secrets.send(
      new CreateSecretCommand({ Name: `slack/${randomUUID()}`, SecretString: 'not-a-token' }),
    );
    channel = { kind: 'api', id: 'payments:C0PAYMENTS', channel: 'C0PAYMENTS', tokenSecret: token.ARN ?? '' };
    revoked = { kind: 'api', id: 'search:C0SEARCH', channel: 'C0SEARCH', tokenSecret: bad.ARN ?? '' };
    const { QueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `notice-dead-letters-${randomUUID().slice(0, 8)}.fifo`,
        Attributes: { FifoQueue: 'true' },
      }),
    );
    deadLetterUrl = QueueUrl;
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    notices = await NoticeQueue.create(where(), {
      deadLetterArn: Attributes.QueueArn ?? '',
      maxReceiveCount: 2,
    });
    const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
    const handler = notifierHandler(wireSender(ledger, { DECKHAND_SLACK_API_URL: receiver.apiUrl }));
    notifier = (event) => handler(event, lambdaContext('notifier'));
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('posts a thread’s first notice and updates it in place with the next, in the order they were queued', async () => {
    const thread = `rollout#prod/web#${randomUUID()}`;
    expect(await send(notice(thread, 'deployed'), notice(thread, 'succeeded'))).toEqual({
      queued: 2,
      failed: 0,
    });
    await drainAll();
    const mine = receiver.messages.filter((m) => JSON.stringify(m.blocks).includes(thread));
    expect(mine.map((m) => m.kind)).toEqual(['post', 'update']);
    expect(new Set(mine.map((m) => m.ts)).size).toBe(1);
    expect(JSON.stringify(mine[1]?.blocks)).toContain(`${thread} is succeeded`);
  });

  it('sends a notice queued twice once', async () => {
    const thread = `rollout#prod/web#${randomUUID()}`;
    await send(notice(thread, 'deployed'));
    await drainAll();
    await send(notice(thread, 'deployed'));
    await drainAll();
    expect(receiver.messages.filter((m) => JSON.stringify(m.blocks).includes(thread))).toHaveLength(1);
  });

  it('gives a notice Slack rate-limits back to the queue with the rest of its thread, then sends both in order', async () => {
    const thread = `rollout#prod/web#${randomUUID()}`;
    // Past the adapter's 8-second budget: the notifier does not wait, the queue tries again.
    receiver.respondNext({ status: 429, retryAfter: 30 });
    await send(notice(thread, 'deployed'), notice(thread, 'succeeded'));
    await notices.drain(notifier);
    expect(receiver.messages.filter((m) => JSON.stringify(m.blocks).includes(thread))).toEqual([]);
    await drainAll();
    const mine = receiver.messages.filter((m) => JSON.stringify(m.blocks).includes(thread));
    expect(mine.map((m) => m.kind)).toEqual(['post', 'update']);
  });

  it('drops a notice Slack refuses for good, logging it once, and goes on with the others', async () => {
    const errors = vi.spyOn(logger, 'error');
    try {
      const thread = `rollout#prod/web#${randomUUID()}`;
      await send(notice(thread, 'deployed', revoked), notice(`${thread}-other`, 'deployed'));
      await drainAll();
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors).toHaveBeenCalledWith(
        'notice refused for good',
        expect.objectContaining({
          noticeId: `${thread}#deployed#${revoked.id}`,
          error: expect.stringMatching(/not_authed/),
        }),
      );
      expect(receiver.messages.filter((m) => JSON.stringify(m.blocks).includes(thread))).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
  });

  it('dead-letters a malformed message, and a plain webhook URL it was not given, sending neither', async () => {
    const before = receiver.messages.length;
    const foreign = {
      ...notice(`t-${randomUUID()}`, 'deployed'),
      destination: { kind: 'webhook-url', id: 'x', url: 'https://example.com/hook' },
    };
    for (const body of ['{"id": 1}', JSON.stringify(foreign)])
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: notices.url,
          MessageBody: body,
          MessageGroupId: randomUUID(),
          MessageDeduplicationId: randomUUID(),
        }),
      );
    await drainAll();
    await drainAll();
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => m.Body).sort()).toEqual(['{"id": 1}', JSON.stringify(foreign)].sort());
    expect(receiver.messages.length).toBe(before);
  });
});
