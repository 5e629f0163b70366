/**
 * Lambda behind the `Deckhand` CloudWatch dashboard's custom widget: live status as HTML, and the widget's
 * Resume / Approve / Decline buttons. Only principals IAM lets invoke this function can see or press them.
 * No idempotency record: a repeated call is a duplicate approval or a resume of nothing, which the ledger
 * already answers as such.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfigFile } from '#adapters/config-file.ts';
import { answerDashboard, wireDashboard } from '#adapters/dashboard.ts';
import { wireCore } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';

const wired = wireDashboard(wireCore(loadConfigFile()));

export const handler = middy(
  async (event: unknown, context: Context): Promise<string | { markdown: string }> =>
    (await answerDashboard(event, context.invokedFunctionArn, wired)).body,
).use(injectLambdaContext(logger, { resetKeys: true }));
