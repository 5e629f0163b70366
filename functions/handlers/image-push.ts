/** Lambda: ECR "ECR Image Action" → deploy the pushed image to the pipelines' services. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireDeployDeps } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { type DeployOutcome, handleImageAction } from '#core/use-cases/deploy-image.ts';

const deps = wireDeployDeps();

/** Bad input returns `rejected`; transient AWS failures throw so EventBridge retries, then dead-letters. */
export const imagePush = (event: unknown): Promise<DeployOutcome> => handleImageAction(event, deps);

export const handler = middy(imagePush)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('image-push'));
