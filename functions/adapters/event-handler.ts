/**
 * The shape every EventBridge-fed Lambda shares, composed with middy: the use case answers the event, its
 * metrics are emitted, and the owning team is told. `idempotentEventHandler` (idempotency.ts) adds
 * Powertools Idempotency on the event id, so only the functions that use it carry it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#commons/powertools.ts';
import type { Outcome } from '#core/outcome.ts';
import { roleSessionFor, withRoleSession } from './site-clients.ts';
import { publishOutcomeMetrics } from './metrics.ts';
import { type Wired, wireNotifier } from './wiring.ts';

export const eventHandler = <D extends Wired, O extends Outcome>(
  name: string,
  deps: D,
  useCase: (event: unknown, deps: D) => Promise<O>,
) => {
  const notifier = wireNotifier(deps);
  const answer = async (event: unknown): Promise<O> => {
    // A spoke's CloudTrail names the function and the event that first assumed its role.
    const outcome = await withRoleSession(roleSessionFor(name, event), () => useCase(event, deps));
    // What happened is counted even if telling the team fails and the event is retried.
    publishOutcomeMetrics(outcome, deps.config);
    await notifier.deliver(outcome, event);
    return outcome;
  };
  return middy(answer).use(injectLambdaContext(logger, { resetKeys: true }));
};
