/** The real adapters, wired once: handlers call this at module scope, the CLI per run. */
import { systemClock } from '#core/ports.ts';
import type { AlarmDeps } from '#core/use-cases/alarm-rollback.ts';
import type { AuditDeps } from '#core/use-cases/audit-ecs-change.ts';
import { noticeContextOf } from '#core/notify/notice.ts';
import type { Outcome } from '#core/outcome.ts';
import type { DeployDeps } from '#core/use-cases/deploy-image.ts';
import { type DeliveryReport, deliverNotices } from '#core/use-cases/notify.ts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createCloudWatchClient,
  createDocumentClient,
  createEcsClient,
  retryConfig,
  stateTableName,
} from './aws-clients.ts';
import { createAlarmsAdapter } from './cloudwatch.ts';
import { createSecretsAdapter } from './secrets-manager.ts';
import { createSlackAdapter } from './slack.ts';
import { loadConfigFile } from './config-file.ts';
import { createEcsAdapter } from './ecs.ts';
import { createDynamoDbLedger } from './ledger-dynamodb.ts';

export const wireDeployDeps = (options: { configPath?: string; dryRun?: boolean } = {}): DeployDeps => ({
  config: loadConfigFile(options.configPath),
  ecs: createEcsAdapter(createEcsClient()),
  ledger: createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock),
  clock: systemClock,
  dryRun: options.dryRun ?? false,
});

/** Deckhand's own role ARNs, set by the stack, whose ECS calls the audit ignores. */
export const selfRoles = (): string[] =>
  (process.env.DECKHAND_SELF_ROLES ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);

export const wireAuditDeps = (options: { configPath?: string } = {}): AuditDeps => {
  const { config, ecs, ledger, clock } = wireDeployDeps(options);
  return { config, ecs, ledger, clock, selfRoles: selfRoles() };
};

/** Deps for the rollout handlers (deployment, task and alarm events): deploy deps plus CloudWatch. */
export const wireRolloutDeps = (options: { configPath?: string } = {}): AlarmDeps => ({
  ...wireDeployDeps(options),
  alarms: createAlarmsAdapter(createCloudWatchClient()),
});

export interface Notifier {
  /** Tells the owning teams about an outcome; never throws. */
  deliver(outcome: Outcome, event: unknown): Promise<DeliveryReport>;
}

/** Slack notifications for the outcomes of a handler (or the CLI), sharing its config, ledger and ECS. */
export const wireNotifier = (deps: Pick<DeployDeps, 'config' | 'ledger' | 'ecs'>): Notifier => {
  const slack = createSlackAdapter({
    secrets: createSecretsAdapter(new SecretsManagerClient({ ...retryConfig })),
    ...(process.env.DECKHAND_SLACK_API_URL ? { apiUrl: process.env.DECKHAND_SLACK_API_URL } : {}),
  });
  const defaultWebhookUrl = process.env.DECKHAND_SLACK_WEBHOOK_URL;
  return {
    deliver: (outcome, event) =>
      deliverNotices(outcome, noticeContextOf(event), {
        config: deps.config,
        ledger: deps.ledger,
        ecs: deps.ecs,
        slack,
        ...(defaultWebhookUrl ? { defaultWebhookUrl } : {}),
      }),
  };
};
