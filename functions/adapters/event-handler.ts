/**
 * The shape every EventBridge-fed Lambda shares, composed with middy: the use case answers the event, its
 * metrics are emitted, the owning team is told, and Powertools Idempotency (on the event id) makes a
 * duplicate delivery return the first delivery's outcome instead of acting (or counting) again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#commons/powertools.ts';
import type { Outcome } from '#core/outcome.ts';
import { idempotentOnEventId } from './idempotency.ts';
import { roleSessionFor, withRoleSession } from './site-clients.ts';
import { publishOutcomeMetrics } from './metrics.ts';
import { type Wired, wireNotifier } from './wiring.ts';

export const eventHandler = <D extends Wired, O extends Outcome>(
  name: string,
  deps: D,
  useCase: (event: unknown, deps: D) => Promise<O>,
  options: { idempotent?: boolean } = {},
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
  const handler = middy(answer).use(injectLambdaContext(logger, { resetKeys: true }));
  return options.idempotent === false ? handler : handler.use(idempotentOnEventId(name));
};
