/**
 * Slack sending, wired: the notifier function's, and the CLI's in-process outbox. Only these load the Slack
 * SDKs and Secrets Manager; every other function hands its notices to the notice queue (wiring.ts).
 */
import { logger } from '#commons/powertools.ts';
import type { NoticeOutbox } from '#core/ports/slack.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { directOutbox, type SendNoticeDeps } from '#core/use-cases/send-notice.ts';
import { createSecretsAdapter } from './secrets-manager.ts';
import { createSlackAdapter } from './slack.ts';
import { type Notifier, type Wired, wireNotifier } from './wiring.ts';

/** DECKHAND_SLACK_API_URL: the Web API base URL (the local receiver in tests and the demo). */
export const wireSender = (ledger: Pick<Ledger, 'notices'>, env = process.env): SendNoticeDeps => ({
  slack: createSlackAdapter({
    secrets: createSecretsAdapter(),
    ...(env.DECKHAND_SLACK_API_URL ? { apiUrl: env.DECKHAND_SLACK_API_URL } : {}),
  }),
  ledger,
  log: logger,
});

/** The CLI's outbox: straight to Slack, as the notifier function would send each notice. */
export const wireDirectOutbox = (ledger: Pick<Ledger, 'notices'>): NoticeOutbox =>
  directOutbox(wireSender(ledger));

/** The CLI's notifier: a use case's notices go straight to Slack, as the Lambdas' go through the queue. */
export const wireCliNotifier = (deps: Wired): Notifier => wireNotifier(deps, wireDirectOutbox(deps.ledger));
