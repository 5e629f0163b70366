/** The SQS event source mapping as the bench and the fan-out tests play it, over moto's SQS. */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { SqsEventSource } from '../../scripts/lib/sqs-event-source.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';

it('feeds every message sent while it polls, the last one sent just before the producer finished', async () => {
  const sqs = new SQSClient({});
  const { QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `source-${randomUUID().slice(0, 8)}` }),
  );
  const source = new SqsEventSource(sqs, queueUrl, { account: testAccount(), region: testRegion() });
  const fed: string[] = [];
  const worker = (event: { Records: { body: string }[] }) => {
    fed.push(...event.Records.map((record) => record.body));
    return Promise.resolve({ batchItemFailures: [] });
  };
  // The pollers find the queue empty for a while first, as workers do before a push queues anything.
  const producer = (async () => {
    for (const body of ['one', 'two', 'three']) {
      await new Promise((done) => setTimeout(done, 400));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
  })();
  await source.drain([worker, worker], { until: producer });
  expect(fed.sort()).toEqual(['one', 'three', 'two']);
});
