/**
 * Slack's button clicks, answered: the signing secret (DECKHAND_SLACK_SIGNING_SECRET locally, else the secret
 * `slack.signingSecret` names), the decision against the ledger, and the promotion's message updated in place.
 * The `slack-actions` Lambda and `deckhand replay` both answer through `answerSlackInteraction`.
 */
import type { DeckhandConfig } from '#core/config.ts';
import type { InteractionOutcome, PromotionOutcome } from '#core/outcome.ts';
import { decidePromotion, type DecisionResult } from '#core/use-cases/decide-promotion.ts';
import type { DeliveryReport } from '#core/use-cases/notify.ts';
import { handleSlackInteraction } from '#core/use-cases/slack-interaction.ts';
import { createSecretsAdapter, type SecretsPort } from './secrets-manager.ts';
import { type Notifier, type Wired, wireNotifier } from './wiring.ts';

/** What a Lambda Function URL expects back (payload format 2.0). */
export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface SlackActionsWired {
  core: Wired;
  signingSecret: () => Promise<string>;
  notifier: Notifier;
}

export interface SlackAnswer {
  /** What Slack was told, and why. */
  outcome: InteractionOutcome;
  /** What the decision changed, when it changed something (told to the owning team). */
  promotion?: PromotionOutcome;
  delivery?: DeliveryReport;
  response: FunctionUrlResult;
}

/** The signing secret: the environment's (local runs), else the one the config names, read when needed. */
export const signingSecretSource = (
  config: DeckhandConfig,
  options: { env?: NodeJS.ProcessEnv; secrets?: SecretsPort } = {},
): (() => Promise<string>) => {
  const local = (options.env ?? process.env).DECKHAND_SLACK_SIGNING_SECRET;
  if (local) return () => Promise.resolve(local);
  const arn = config.slack?.signingSecret;
  if (!arn)
    return () =>
      Promise.reject(
        new Error('no Slack signing secret: set slack.signingSecret or DECKHAND_SLACK_SIGNING_SECRET'),
      );
  const secrets = options.secrets ?? createSecretsAdapter();
  return () => secrets.value(arn);
};

export const wireSlackActions = (
  core: Wired,
  options: { env?: NodeJS.ProcessEnv; secrets?: SecretsPort; notifier?: Notifier } = {},
): SlackActionsWired => ({
  core,
  signingSecret: signingSecretSource(core.config, options),
  notifier: options.notifier ?? wireNotifier(core),
});

export const functionUrlResult = (outcome: InteractionOutcome): FunctionUrlResult => ({
  statusCode: outcome.statusCode,
  headers: { 'content-type': 'application/json' },
  body: outcome.body,
});

export const answerSlackInteraction = async (
  event: unknown,
  wired: SlackActionsWired,
): Promise<SlackAnswer> => {
  const { core } = wired;
  let decided: DecisionResult | undefined;
  const outcome = await handleSlackInteraction(event, {
    signingSecret: wired.signingSecret,
    decide: async (request) => {
      decided = await decidePromotion(request, core);
      return decided;
    },
    clock: core.clock,
    log: core.log,
  });
  const promotion = decided?.outcome;
  if (!promotion) return { outcome, response: functionUrlResult(outcome) };
  // Links and the "triggered by" line of the updated message: a Slack click, in this region.
  const context = { region: process.env.AWS_REGION ?? 'us-east-1', 'detail-type': 'Slack approval' };
  const delivery = await wired.notifier.deliver(promotion, context);
  return { outcome, promotion, delivery, response: functionUrlResult(outcome) };
};
