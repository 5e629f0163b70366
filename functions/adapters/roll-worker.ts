/**
 * The roll worker's Lambda shape: an SQS batch of work items, each rolled on its own (Powertools batch
 * processing), its outcome told to the owning team; a failed item alone is reported back, so SQS redelivers
 * only it (and, past its retries, dead-letters it).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#commons/powertools.ts';
import { RejectedEventError } from '#core/errors.ts';
import type { RollWorkItem } from '#core/ports/roll-queue.ts';
import { rollWorkItem, type RollWorkerDeps } from '#core/use-cases/roll-work-item.ts';
import { noticeEventOf } from './in-process-roll-queue.ts';
import { publishOutcomeMetrics } from './metrics.ts';
import { jsonBodyOf } from './sqs-body.ts';
import { roleSessionFor, withRoleSession } from './site-clients.ts';
import type { Notifier } from './wiring.ts';

const required = [
  'eventId',
  'detailType',
  'pipeline',
  'cluster',
  'service',
  'serviceKey',
  'repository',
  'digest',
  'tag',
  'image',
  'pushedAt',
  'from',
  'taskDefinition',
] as const;

/** The item a message carries; a malformed one is refused naming the message and the field. */
export const parseWorkItem = (record: Pick<SQSRecord, 'messageId' | 'body'>): RollWorkItem => {
  const body = jsonBodyOf(record);
  if (!body || typeof body !== 'object')
    throw new RejectedEventError(record.messageId, 'body', 'not an object');
  const item = body as Record<string, unknown>;
  for (const field of required)
    if (typeof item[field] !== 'string' || item[field] === '')
      throw new RejectedEventError(record.messageId, field, 'missing or not a string');
  if (item.site !== undefined) {
    // A spoke's item: the worker rolls the service in that account and Region.
    const site = (item.site && typeof item.site === 'object' ? item.site : {}) as Record<string, unknown>;
    for (const field of ['account', 'region', 'roleName'] as const)
      if (typeof site[field] !== 'string' || site[field] === '')
        throw new RejectedEventError(record.messageId, `site.${field}`, 'missing or not a string');
  }
  return item as unknown as RollWorkItem;
};

/**
 * A roll worker's share of the account's ECS budget: the queue runs DECKHAND_ROLL_CONCURRENCY workers at
 * most (set by the stack from the event source's maximum concurrency), and each paces to its part.
 */
export const rollWorkerEcsShare = (env: NodeJS.ProcessEnv = process.env): number =>
  1 / Math.max(1, Math.floor(Number(env.DECKHAND_ROLL_CONCURRENCY)) || 1);

export const rollWorkerHandler = (deps: RollWorkerDeps, notifier: Notifier) => {
  const processor = new BatchProcessor(EventType.SQS);
  const rollRecord = async (record: SQSRecord, context?: Context) => {
    let item: RollWorkItem | undefined;
    try {
      item = parseWorkItem(record);
      // This delivery's own lease owner: a duplicate copy in flight waits for it instead of rolling alongside.
      const delivery = `${record.messageId}:${context?.awsRequestId ?? record.attributes.ApproximateReceiveCount}`;
      const work = item;
      // A spoke's CloudTrail names the roll worker and the deploy's event, as it does for image-push.
      const outcome = await withRoleSession(roleSessionFor('roll-worker', { id: work.eventId }), () =>
        rollWorkItem(work, delivery, deps),
      );
      // Counted as image-push counts a deploy (a redelivery answered from the ledger counts nothing).
      publishOutcomeMetrics(outcome, deps.config);
      await notifier.deliver(outcome, noticeEventOf(item));
    } catch (error) {
      // Thrown on: SQS redelivers this item alone, and dead-letters it past its retries (nothing is lost).
      logger.warn('work item failed', {
        messageId: record.messageId,
        eventId: item?.eventId,
        serviceKey: item?.serviceKey,
        error: (error as Error).message,
      });
      throw error;
    }
  };
  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, rollRecord, processor, { context }),
  ).use(injectLambdaContext(logger, { resetKeys: true }));
};
