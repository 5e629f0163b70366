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
import type { FanOut } from '#core/ports/roll-queue.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { type DeliveryReport, deliverNotices } from '#core/use-cases/notify.ts';
import type { RegistryPort } from '#core/ports/registry.ts';
import type { Home } from '#core/sites.ts';
import { createDocumentClient, createSqsClient, stateTableName } from './aws-clients.ts';
import { createDynamoDbLedger } from './dynamodb/ledger.ts';
import { createSecretsAdapter } from './secrets-manager.ts';
import { createSitedAlarms, createSitedEcs, createSitedRegistry } from './sited-ports.ts';
import { homeFromEnv } from './site-clients.ts';
import { createSlackAdapter } from './slack.ts';
import { createSqsRollQueue } from './sqs-roll-queue.ts';

/** What every use case draws its deps from; each names only the parts it uses. */
export interface Wired {
  config: DeckhandConfig;
  /** The hub's account and Region; targets elsewhere are reached through site-clients.ts. */
  home: Home;
  ecs: EcsPort;
  /** The service-deployment APIs (lifecycle and pause hooks). */
  deployments: EcsDeploymentsPort;
  /** ECR repository policies (cross-account pulls). */
  registry: RegistryPort;
  ledger: Ledger;
  clock: Clock;
  log: Log;
  /** Set where the stack gave the function the roll queue (DECKHAND_ROLL_QUEUE_URL). */
  fanOut?: FanOut;
}

/** Deploys hitting more services than this queue their rolls (DECKHAND_FANOUT_ABOVE, default 10). */
export const fanOutAbove = (): number => {
  const above = Number(process.env.DECKHAND_FANOUT_ABOVE ?? 10);
  return Number.isInteger(above) && above >= 0 ? above : 10;
};

export const wireCore = (config: DeckhandConfig, home: Home = homeFromEnv()): Wired => {
  const queueUrl = process.env.DECKHAND_ROLL_QUEUE_URL;
  return {
    ...(queueUrl
      ? { fanOut: { queue: createSqsRollQueue(createSqsClient(), queueUrl), above: fanOutAbove() } }
      : {}),
    config,
    home,
    ...createSitedEcs(home),
    registry: createSitedRegistry(home),
    ledger: createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock),
    clock: systemClock,
    log: logger,
  };
};

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

/** Slack notifications for the outcomes of a handler (or the CLI), sharing its config, ledger and ECS. */
export const wireNotifier = (deps: Wired): Notifier => {
  const slack = createSlackAdapter({
    secrets: createSecretsAdapter(),
    ...(process.env.DECKHAND_SLACK_API_URL ? { apiUrl: process.env.DECKHAND_SLACK_API_URL } : {}),
  });
  const defaultWebhookUrl = process.env.DECKHAND_SLACK_WEBHOOK_URL;
  return {
    deliver: (outcome, event) =>
      deliverNotices(outcome, noticeContextOf(event), {
        ...deps,
        slack,
        ...(defaultWebhookUrl ? { defaultWebhookUrl } : {}),
      }),
  };
};
