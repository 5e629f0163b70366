import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SynthConfig } from '../deckhand-config.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { grantAssumeSpokeRoles, targetAccountKeys } from './places.ts';
import { serviceArns } from './service-arns.ts';
import { grantSecretReads, teamSlackSecrets } from './slack-secrets.ts';
import { grantStateAccess } from './state-access.ts';

export interface NotificationsProps {
  config: SynthConfig;
  table: ITableV2;
}

/** Long enough for a batch's Slack calls, each waiting out a 429 within its 8-second budget. */
const notifierTimeout = Duration.seconds(60);

/**
 * Telling teams, apart from the work: every function renders its notices and queues them on one FIFO
 * queue; the notifier function alone holds the Slack SDKs and reads the Slack secrets. A thread's notices
 * share a message group, so they reach Slack in order; a notice Slack cannot take now comes back with its
 * group, and past five tries waits in its own (FIFO) dead-letter queue.
 */
export class Notifications extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly notifier: DeckhandFunction;
  private readonly config: SynthConfig;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { config, table } = props;
    this.config = config;
    // A FIFO queue's dead letters must go to a FIFO queue: the stack's own dead-letter queue is standard.
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as AWS advises for a Lambda event source.
      visibilityTimeout: Duration.seconds(notifierTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.notifier = new DeckhandFunction(this, 'Notifier', {
      handlerName: 'notifier',
      description: 'Deckhand: send queued notices to the owning teams in Slack',
      timeout: notifierTimeout,
      environment: { DECKHAND_TABLE: table.tableName },
    });
    this.notifier.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        // Slack allows about one message a second per channel: two senders are plenty, and stay polite.
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      }),
    );
    // Claims and thread references in the ledger, and exactly the Slack secrets the config names.
    grantStateAccess(this.notifier, table);
    grantSecretReads(this.notifier, teamSlackSecrets(config));
  }

  /**
   * What a function needs to tell teams: the notice queue, and the configured services' tags, where the
   * owning team may be named (on a spoke, through its deploy role). `teamTags: false` for a function whose
   * notices always name their pipeline (slack-actions: promotion decisions).
   */
  grantNotify(fn: LambdaFunction, { teamTags = true }: { teamTags?: boolean } = {}): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('DECKHAND_NOTICE_QUEUE_URL', this.queue.queueUrl);
    if (!teamTags) return;
    grantAssumeSpokeRoles(fn, this.config.config, targetAccountKeys(this.config.config.pipelines));
    const services = serviceArns(fn, this.config.config);
    if (services.length > 0)
      fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:DescribeServices'], resources: services }));
  }
}
