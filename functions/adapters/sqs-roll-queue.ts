/** The roll queue on SQS: work items as JSON messages, ten to a SendMessageBatch. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { TransientError } from '#core/errors.ts';
import type { RollQueue, RollWorkItem } from '#core/ports/roll-queue.ts';
import { isTransientAwsError } from './aws-clients.ts';

/** SQS takes at most ten messages a batch; a few batches in flight keep a 500-service push quick. */
const perBatch = 10;
const batchesInFlight = 4;
const attempts = 3;

export const createSqsRollQueue = (sqs: SQSClient, queueUrl: string): RollQueue => ({
  async enqueue(items) {
    const batches: RollWorkItem[][] = [];
    for (let start = 0; start < items.length; start += perBatch)
      batches.push(items.slice(start, start + perBatch));
    await mapWithConcurrency(batches, batchesInFlight, async (batch) => {
      let pending = batch.map((item, index) => ({ Id: String(index), MessageBody: JSON.stringify(item) }));
      // A batch can fail in part (Failed entries); only those are sent again.
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        let failed: { Id?: string; Message?: string }[];
        try {
          ({ Failed: failed = [] } = await sqs.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
          ));
        } catch (error) {
          if (!isTransientAwsError(error)) throw error;
          throw new TransientError(`SQS SendMessageBatch: ${(error as Error).message}`, { cause: error });
        }
        const again = new Set(failed.map((entry) => entry.Id));
        pending = pending.filter((entry) => again.has(entry.Id));
        if (pending.length > 0 && attempt >= attempts)
          throw new TransientError(
            `SQS SendMessageBatch: ${pending.length} work items not queued: ${failed[0]?.Message ?? ''}`,
          );
      }
    });
  },
});
