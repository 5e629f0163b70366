/**
 * Lambda: ECR "ECR Image Action" → deploy the pushed image to the pipelines' services. Bad input returns
 * `rejected`; transient AWS failures throw so EventBridge retries, then dead-letters.
 */
import { loadConfigFile } from '#adapters/config-file.ts';
import { eventHandler } from '#adapters/event-handler.ts';
import { wireDeploys } from '#adapters/deploy-wiring.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';

// No idempotency record of its own: the ledger's claims on (service, digest) by event id are it. A duplicate
// is answered from them (what this event rolled is `deployed`), and a concurrent one is told to retry.
export const handler = eventHandler('image-push', wireDeploys(loadConfigFile()), handleImageAction);
