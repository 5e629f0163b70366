/** The real adapters, wired once: handlers call these at module scope, the CLI per run. */
import { logger } from '#commons/powertools.ts';
import type { DeckhandConfig } from '#core/config.ts';
import { noticeContextOf } from '#core/notify/notice.ts';
import type { Outcome } from '#core/outcome.ts';
import type { AlarmsPort } from '#core/ports/alarms.ts';
import { type Clock, systemClock } from '#core/ports/clock.ts';
import type { EcsPort } from '#core/ports/ecs.ts';
import type { EcsDeploymentsPort } from '#core/ports/ecs-deployments.ts';
import type { Log } from '#core/ports/log.ts';
import type { NoticeOutbox } from '#core/ports/slack.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { type DeliveryReport, deliverNotices } from '#core/use-cases/notify.ts';
import type { Home } from '#core/sites.ts';
import { createDocumentClient, createSqsClient, stateTableName } from './aws-clients.ts';
import { createDynamoDbLedger } from './dynamodb/ledger.ts';
import { createSitedAlarms, createSitedEcs } from './sited-ports.ts';
import { homeFromEnv } from './site-clients.ts';
import { createSqsNoticeOutbox } from './sqs-notice-outbox.ts';

/**
 * What every use case draws its deps from; each names only the parts it uses. Deploying adds the registry and
 * the roll queue (deploy-wiring.ts), so a function that never deploys bundles neither client.
 */
export interface Wired {
  config: DeckhandConfig;
  /** The hub's account and Region; targets elsewhere are reached through site-clients.ts. */
  home: Home;
  ecs: EcsPort;
  /** The service-deployment APIs (lifecycle and pause hooks). */
  deployments: EcsDeploymentsPort;
  ledger: Ledger;
  clock: Clock;
  log: Log;
}

/** `ecsShare`: this function's part of each ECS budget, when several instances run at once by design. */
export const wireCore = (
  config: DeckhandConfig,
  home: Home = homeFromEnv(),
  { ecsShare = 1 }: { ecsShare?: number } = {},
): Wired => ({
  config,
  home,
  ...createSitedEcs(home, ecsShare),
  ledger: createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock),
  clock: systemClock,
  log: logger,
});

export const wireAlarms = (home: Home = homeFromEnv()): AlarmsPort => createSitedAlarms(home);

/** Deckhand's own role ARNs, set by the stack, whose ECS calls the audit ignores. */
export const selfRoles = (): string[] =>
  (process.env.DECKHAND_SELF_ROLES ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);

export interface Notifier {
  /** Tells the owning teams about an outcome; never throws. */
  deliver(outcome: Outcome, event: unknown): Promise<DeliveryReport>;
}

/**
 * A function's outbox: the notice queue the stack gave it (DECKHAND_NOTICE_QUEUE_URL), which the notifier
 * function drains. Without one, notices are logged as not sent.
 */
export const queuedOutbox = (env = process.env): NoticeOutbox => {
  const queueUrl = env.DECKHAND_NOTICE_QUEUE_URL;
  if (queueUrl) return createSqsNoticeOutbox(createSqsClient(), queueUrl, logger);
  return {
    send(notices) {
      logger.error('notices not sent: no notice queue', { notices: notices.map((n) => n.id) });
      return Promise.resolve({ failed: notices.length });
    },
  };
};

/**
 * Notifications for the outcomes of a handler (or the CLI), sharing its config, ledger and ECS: through the
 * notice queue, or through `outbox` (the CLI sends straight to Slack: slack-wiring.ts).
 */
export const wireNotifier = (deps: Wired, outbox: NoticeOutbox = queuedOutbox()): Notifier => {
  const defaultWebhookUrl = process.env.DECKHAND_SLACK_WEBHOOK_URL;
  return {
    deliver: (outcome, event) =>
      deliverNotices(outcome, noticeContextOf(event), {
        ...deps,
        outbox,
        ...(defaultWebhookUrl ? { defaultWebhookUrl } : {}),
      }),
  };
};
