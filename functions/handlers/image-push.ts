/** Lambda: ECR "ECR Image Action" → deploy the pushed image to the pipelines' services. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireDeployDeps, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type DeployOutcome, handleImageAction } from '#core/use-cases/deploy-image.ts';

const deps = wireDeployDeps();
const notifier = wireNotifier(deps);

/** Bad input returns `rejected`; transient AWS failures throw so EventBridge retries, then dead-letters. */
export const imagePush = async (event: unknown): Promise<DeployOutcome> => {
  const outcome = await handleImageAction(event, deps);
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(imagePush)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('image-push'));
