/** Lambda: the FIFO notice queue → each notice to Slack, claimed once, threads updated in place. */
import { createDocumentClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { notifierHandler } from '#adapters/notifier.ts';
import { wireSender } from '#adapters/slack-wiring.ts';
import { systemClock } from '#core/ports/clock.ts';

const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
const defaultWebhookUrl = process.env.DECKHAND_SLACK_WEBHOOK_URL;

export const handler = notifierHandler(wireSender(ledger), defaultWebhookUrl ? { defaultWebhookUrl } : {});
