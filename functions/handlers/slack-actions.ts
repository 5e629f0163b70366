/**
 * Lambda behind a Function URL (auth NONE: Slack's signature is the authentication): Approve and Decline
 * clicks on promotion messages. Answers within Slack's three seconds with the decision only; the approved
 * promotion deploys on the next timer tick. No idempotency on an event id: a repeated click is a duplicate
 * decision, which the ledger already refuses.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#commons/powertools.ts';
import { loadConfigFile } from '#adapters/config-file.ts';
import { answerSlackInteraction, type FunctionUrlResult, wireSlackActions } from '#adapters/slack-actions.ts';
import { wireCore } from '#adapters/wiring.ts';

const wired = wireSlackActions(wireCore(loadConfigFile()));

export const handler = middy(
  async (event: unknown): Promise<FunctionUrlResult> => (await answerSlackInteraction(event, wired)).response,
).use(injectLambdaContext(logger, { resetKeys: true }));
