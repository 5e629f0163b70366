/**
 * Lambda's SQS event source mapping, played over a real queue (moto has no Lambda service to run one):
 * pollers receive batches, hand each to a worker as an `SQSEvent`, delete what the worker did not report
 * failed (partial batch responses), and leave the failed items to come back after their visibility timeout.
 * Used by the fan-out tests and the bench, so both drive the roll worker as AWS does.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export type SqsWorker = (event: SQSEvent) => Promise<SQSBatchResponse>;
export type { Message };

export class SqsEventSource {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly queueArn: string;
  private readonly region: string;

  constructor(sqs: SQSClient, queueUrl: string, { account, region }: { account: string; region: string }) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.region = region;
    this.queueArn = `arn:aws:sqs:${region}:${account}:${queueUrl.split('/').pop() ?? 'queue'}`;
  }

  /** One poll: up to ten messages, hidden for `visibility` seconds. */
  async receive(visibility = 30): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  /** Feeds one batch to a worker; deletes the messages it did not report failed. Answers the failed ids. */
  async feed(work: SqsWorker, messages: Message[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const event: SQSEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
          SenderId: 'deckhand',
          ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
          // FIFO queues: Powertools' FIFO processor keeps a failed message's group together by these.
          ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
          ...(m.Attributes?.MessageDeduplicationId
            ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId }
            : {}),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: this.queueArn,
        awsRegion: this.region,
      })),
    };
    const { batchItemFailures } = await work(event);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length > 0)
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: done.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    return [...failed];
  }

  /**
   * One poller per worker (the mapping's maximum concurrency), each receiving and feeding until the queue
   * has answered empty twice in a row; with `until`, they poll from the start (as the mapping always does)
   * and only stop once it has settled, so the workers roll while the producer is still queueing.
   */
  async drain(workers: SqsWorker[], options: { visibility?: number; until?: Promise<unknown> } = {}) {
    let producing = options.until !== undefined;
    const stop = () => {
      producing = false;
    };
    options.until?.then(stop, stop);
    await Promise.all(
      workers.map(async (work) => {
        for (let empty = 0; producing || empty < 2;) {
          const messages = await this.receive(options.visibility);
          // Empty polls count only once the producer is done: one before that says nothing of the last items.
          empty = messages.length === 0 && !producing ? empty + 1 : 0;
          if (messages.length === 0 && producing) await new Promise((done) => setTimeout(done, 100));
          await this.feed(work, messages);
        }
      }),
    );
  }
}
