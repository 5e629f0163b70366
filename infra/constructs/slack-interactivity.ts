import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { grantSecretReads, signingSecret } from './slack-secrets.ts';
import { grantStateAccess } from './state-access.ts';
import { grantContinueDeployments } from './continue-deployments.ts';

export interface SlackInteractivityProps {
  config: SynthConfig;
  table: ITableV2;
}

/**
 * Slack's interactive endpoint: approval buttons (Approve / Decline) post to the slack-actions function's
 * URL, which records the decision in the state table and updates the Slack message. Always deployed: teams
 * without Slack approve through the CLI, and the URL answers 401 to anything Slack did not sign.
 *
 * The function has no ECS rights at all; an approved promotion is deployed by the next timer tick.
 */
export class SlackInteractivity extends Construct {
  readonly function: DeckhandFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: SlackInteractivityProps) {
    super(scope, id);
    const { config, table } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      handlerName: 'slack-actions',
      description: 'Deckhand: record approval decisions from Slack buttons',
      // Slack wants an answer within 3 s: the function decides and answers at once (the approved promotion
      // deploys on the next timer tick), so 10 s is ample and bounds a stuck request.
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
    });
    // authType NONE: Slack cannot sign AWS (SigV4) requests. The function authenticates every request
    // itself before reading it: Slack's v0 signature (HMAC-SHA256 of the raw body with the app's signing
    // secret) and a timestamp within 5 minutes; anything else gets 401 and touches nothing.
    // BUFFERED: one JSON answer per request. No CORS: only Slack's servers call it, never a browser.
    this.url = this.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    // Promotions are listed per pipeline (query); decisions and message refs are items.
    grantStateAccess(this.function, table, { query: true });
    // A decided (slack-actions) or expired (timers) pause-hook approval resumes or rolls back its deployment.
    grantContinueDeployments(this.function, config);
    // The signing secret (when configured); the approval message's update goes through the notice queue.
    grantSecretReads(this.function, signingSecret(config));
    // On the stack itself, so the output is named exactly SlackInteractivityUrl.
    new CfnOutput(Stack.of(this), 'SlackInteractivityUrl', {
      value: this.url.url,
      description: 'Request URL for the Slack app’s Interactivity settings (approval buttons)',
    });
  }
}
