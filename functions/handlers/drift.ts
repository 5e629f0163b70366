/** Lambda: on a schedule, compare what runs with what Deckhand deployed, and tell the teams what changed. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { wireDeployDeps, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import { type DriftOutcome, detectDrift } from '#core/use-cases/detect-drift.ts';

const deps = wireDeployDeps();
const notifier = wireNotifier(deps);

// Scheduled events carry nothing to act on beyond their id; a duplicate run only re-reads and finds no news.
export const drift = async (event: unknown): Promise<DriftOutcome> => {
  const outcome = await detectDrift(deps, eventIdOf(event));
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(drift).use(injectLambdaContext(logger, { resetKeys: true }));
