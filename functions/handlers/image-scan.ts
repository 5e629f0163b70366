/** Lambda: "ECR Image Scan" / "Inspector2 Scan" → record the counts and resume pushes waiting on them. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { idempotentOnEventId } from '#adapters/idempotency.ts';
import { wireDeployDeps } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { recordScan, type ScanOutcome } from '#core/use-cases/record-scan.ts';

const deps = wireDeployDeps();

export const imageScan = (event: unknown): Promise<ScanOutcome> => recordScan(event, deps);

export const handler = middy(imageScan)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(idempotentOnEventId('image-scan'));
