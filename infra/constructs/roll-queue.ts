import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { grantAssumeSpokeRoles, targetAccountKeys } from './places.ts';
import { serviceArns } from './service-arns.ts';
import { grantStateAccess } from './state-access.ts';

export interface RollQueueProps {
  config: SynthConfig;
  table: ITableV2;
  /** Where a work item goes after its last failed try (the stack's dead-letter queue, alarmed). */
  deadLetterQueue: IQueue;
  /** Deploys hitting more services than this queue their rolls (default 10). */
  fanOutAbove?: number;
  /** Roll workers at once (at least 2, SQS's minimum): ECS throttles UpdateService per account anyway. */
  maxConcurrency?: number;
}

/** Roll workers at once unless told otherwise: SQS's minimum; each paces to its share of ECS's budget. */
export const defaultRollConcurrency = 2;

/** A worker may wait out a service's lease and ECS's throttling with retries; SQS hides the item meanwhile. */
const workerTimeout = Duration.minutes(2);

/**
 * A deploy's fan-out: a large push (or promotion, or released hold) queues one work item per service here,
 * and the roll worker carries each out through the one roll operation. SQS event source with a maximum
 * concurrency, partial batch failures (only a failed item comes back), five tries, then the dead-letter queue.
 */
export class RollQueue extends Construct {
  readonly queue: Queue;
  readonly worker: DeckhandFunction;
  private readonly fanOutAbove: number;

  constructor(scope: Construct, id: string, props: RollQueueProps) {
    super(scope, id);
    const { config, table, deadLetterQueue } = props;
    this.fanOutAbove = props.fanOutAbove ?? 10;
    const concurrency = Math.max(2, props.maxConcurrency ?? defaultRollConcurrency);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as AWS advises for a Lambda event source.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
    });
    this.worker = new DeckhandFunction(this, 'Worker', {
      handlerName: 'roll-worker',
      description: 'Deckhand: roll one service per queued work item (a deploy that fanned out)',
      timeout: workerTimeout,
      environment: {
        DECKHAND_TABLE: table.tableName,
        DECKHAND_CONFIG: bundledConfigName,
        // Each worker paces ECS calls to 1/concurrency of the account's budget (adapters/roll-worker.ts).
        DECKHAND_ROLL_CONCURRENCY: String(concurrency),
      },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: concurrency,
        reportBatchItemFailures: true,
      }),
    );
    // The roll alone: the ledger (no listing, no batch read), UpdateService on the configured services, each
    // in its target's account and Region, and the spokes' deploy roles to assume for the targets there.
    grantStateAccess(this.worker, table, { transact: true });
    grantAssumeSpokeRoles(this.worker, config.config, targetAccountKeys(config.config.pipelines));
    const services = serviceArns(this.worker, config.config);
    if (services.length > 0)
      this.worker.addToRolePolicy(
        new PolicyStatement({ actions: ['ecs:UpdateService'], resources: services }),
      );
  }

  /** Lets a deploying function queue its rolls, and tells it where and from how many services on. */
  grantFanOut(fn: DeckhandFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('DECKHAND_ROLL_QUEUE_URL', this.queue.queueUrl);
    fn.addEnvironment('DECKHAND_FANOUT_ABOVE', String(this.fanOutAbove));
  }
}
