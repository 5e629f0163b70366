/**
 * The roll queue in-process, for `deckhand replay`: the same work items, drained at once by the roll
 * worker's own use case, so a local replay of a large push does what the queue and its workers would.
 */
import { mapWithConcurrency } from '#core/concurrency.ts';
import { errorMessage, TransientError } from '#core/errors.ts';
import type { DeployOutcome } from '#core/outcome.ts';
import type { RollQueue, RollWorkItem } from '#core/ports/roll-queue.ts';
import { rollWorkItem, type RollWorkerDeps } from '#core/use-cases/roll-work-item.ts';

export interface InProcessRollQueue extends RollQueue {
  /** The items' outcomes since the last `drained()`, each with its item. */
  drained(): { item: RollWorkItem; outcome: DeployOutcome }[];
}

/** The push a work item came from, as the notifier reads an event (Region and trigger). */
export const noticeEventOf = (item: RollWorkItem) => ({
  region: item.region ?? process.env.AWS_REGION,
  'detail-type': item.detailType,
  detail: { 'repository-name': item.repository, 'image-tag': item.tag },
});

/** As many items at once as a worker's batch runs in parallel. */
const inFlight = 5;

export const createInProcessRollQueue = (deps: RollWorkerDeps): InProcessRollQueue => {
  let done: { item: RollWorkItem; outcome: DeployOutcome }[] = [];
  let deliveries = 0;
  return {
    async enqueue(items) {
      const failures: string[] = [];
      await mapWithConcurrency(items, inFlight, async (item) => {
        deliveries += 1;
        try {
          done.push({ item, outcome: await rollWorkItem(item, `in-process-${deliveries}`, deps) });
        } catch (error) {
          // A worker would have its item redelivered: here the deploy fails, and a replay resumes it.
          failures.push(`${item.serviceKey}: ${errorMessage(error)}`);
        }
      });
      if (failures.length > 0)
        throw new TransientError(
          `${failures.length} of ${items.length} rolls failed: ${failures.join('; ')}`,
        );
    },
    drained() {
      const outcomes = done;
      done = [];
      return outcomes;
    },
  };
};
