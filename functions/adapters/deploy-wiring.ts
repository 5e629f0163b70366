/**
 * The deploying functions' wiring (image-push, image-scan, timers, and the CLI): the core plus ECR repository
 * policies and, where the stack gave the function the roll queue, SQS. Kept apart from wiring.ts so the
 * functions that never deploy bundle neither client.
 */
import type { DeckhandConfig } from '#core/config.ts';
import type { RegistryPort } from '#core/ports/registry.ts';
import type { FanOut } from '#core/ports/roll-queue.ts';
import type { Home } from '#core/sites.ts';
import { createSqsClient } from './aws-clients.ts';
import { createSitedRegistry } from './sited-ports.ts';
import { homeFromEnv } from './site-clients.ts';
import { createSqsRollQueue } from './sqs-roll-queue.ts';
import { type Wired, wireCore } from './wiring.ts';

export interface DeployWired extends Wired {
  /** ECR repository policies (cross-account pulls). */
  registry: RegistryPort;
  /** Set where the stack gave the function the roll queue (DECKHAND_ROLL_QUEUE_URL). */
  fanOut?: FanOut;
}

/** Deploys hitting more services than this queue their rolls (DECKHAND_FANOUT_ABOVE, default 10). */
export const fanOutAbove = (): number => {
  const above = Number(process.env.DECKHAND_FANOUT_ABOVE ?? 10);
  return Number.isInteger(above) && above >= 0 ? above : 10;
};

export const wireDeploys = (config: DeckhandConfig, home: Home = homeFromEnv()): DeployWired => {
  const queueUrl = process.env.DECKHAND_ROLL_QUEUE_URL;
  return {
    ...(queueUrl
      ? { fanOut: { queue: createSqsRollQueue(createSqsClient(), queueUrl), above: fanOutAbove() } }
      : {}),
    ...wireCore(config, home),
    registry: createSitedRegistry(home),
  };
};
