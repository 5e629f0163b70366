/**
 * The notice queue on moto, as the stack makes it: FIFO, drained by the notifier function through the SQS
 * event source (sqs-event-source.ts). The demo, the tests and the bench hand it to the handlers through
 * DECKHAND_NOTICE_QUEUE_URL, and drain it after each delivery so Slack hears what it would in AWS.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsEventSource, type SqsWorker } from './sqs-event-source.ts';

export class NoticeQueue {
  readonly url: string;
  readonly source: SqsEventSource;

  private constructor(url: string, source: SqsEventSource) {
    this.url = url;
    this.source = source;
  }

  /** A fresh FIFO queue; `maxReceiveCount` sends a message to `deadLetterArn` past that many receives. */
  static async create(
    where: { account: string; region: string },
    options: { name?: string; deadLetterArn?: string; maxReceiveCount?: number } = {},
  ): Promise<NoticeQueue> {
    const sqs = new SQSClient({ region: where.region });
    const name = options.name ?? `deckhand-notices-${randomUUID().slice(0, 8)}.fifo`;
    const { QueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          FifoQueue: 'true',
          ...(options.deadLetterArn
            ? {
                RedrivePolicy: JSON.stringify({
                  deadLetterTargetArn: options.deadLetterArn,
                  maxReceiveCount: options.maxReceiveCount ?? 5,
                }),
              }
            : {}),
        },
      }),
    );
    return new NoticeQueue(QueueUrl, new SqsEventSource(sqs, QueueUrl, where));
  }

  /** Sets DECKHAND_NOTICE_QUEUE_URL, as the stack does for every function that tells teams. */
  useForHandlers(env: NodeJS.ProcessEnv = process.env): this {
    env.DECKHAND_NOTICE_QUEUE_URL = this.url;
    return this;
  }

  /** Feeds the notifier until the queue is empty; what it failed comes back after `visibility` seconds. */
  drain(notifier: SqsWorker, visibility = 1): Promise<void> {
    return this.source.drain([notifier], { visibility });
  }
}
