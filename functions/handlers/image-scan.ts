/** Lambda: "ECR Image Scan" / "Inspector2 Scan" → record the counts and resume pushes waiting on them. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireDeployDeps, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { recordScan, type ScanOutcome } from '#core/use-cases/record-scan.ts';

const deps = wireDeployDeps();
const notifier = wireNotifier(deps);

export const imageScan = async (event: unknown): Promise<ScanOutcome> => {
  const outcome = await recordScan(event, deps);
  await notifier.deliver(outcome, event);
  return outcome;
};

export const handler = middy(imageScan)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('image-scan'));
