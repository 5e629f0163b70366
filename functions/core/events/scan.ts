/** Scan results: ECR basic scanning ("ECR Image Scan") and Inspector enhanced scanning ("Inspector2 Scan"). */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';
import { imageDigestSchema } from './ecr.ts';

/** Severity counts; Inspector adds TOTAL. Absent severities mean 0. */
const counts = z._default(z.record(z.string(), z.number().check(z.int(), z.gte(0))), {});

/** Both carry the same detail; Inspector's `repository-name` is an ARN where ECR's is a name. */
const scanDetail = z.object({
  'scan-status': z.string().check(z.minLength(1)),
  'repository-name': z.string().check(z.minLength(1)),
  'image-digest': imageDigestSchema,
  'finding-severity-counts': counts,
  'image-tags': z._default(z.array(z.string()), []),
});

export const ecrImageScanSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Scan'),
  detail: scanDetail,
});

export const inspectorScanSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.inspector2'),
  'detail-type': z.literal('Inspector2 Scan'),
  detail: scanDetail,
});

export const scanEventSchema = z.union([ecrImageScanSchema, inspectorScanSchema]);
export type ScanEvent = z.infer<typeof scanEventSchema>;
