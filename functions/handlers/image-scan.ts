/** Lambda: "ECR Image Scan" / "Inspector2 Scan" → record the counts and resume pushes waiting on them. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { idempotentEventHandler } from '#adapters/idempotency.ts';
import { wireDeploys } from '#adapters/deploy-wiring.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';

export const handler = idempotentEventHandler('image-scan', wireDeploys(loadConfigFile()), recordScan);
