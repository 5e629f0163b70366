/** Scan results: ECR basic scanning ("ECR Image Scan") and Inspector enhanced scanning ("Inspector2 Scan"). */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';
import { imageDigestSchema } from './ecr.ts';

/** Severity counts; Inspector adds TOTAL. Absent severities mean 0. */
const counts = z.record(z.string(), z.number().int().min(0)).default({});

/** Both carry the same detail; Inspector's `repository-name` is an ARN where ECR's is a name. */
const scanDetail = z.object({
  'scan-status': z.string().min(1),
  'repository-name': z.string().min(1),
  'image-digest': imageDigestSchema,
  'finding-severity-counts': counts,
  'image-tags': z.array(z.string()).default([]),
});

export const ecrImageScanSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Scan'),
  detail: scanDetail,
});

export const inspectorScanSchema = EventBridgeSchema.extend({
  source: z.literal('aws.inspector2'),
  'detail-type': z.literal('Inspector2 Scan'),
  detail: scanDetail,
});

export const scanEventSchema = z.union([ecrImageScanSchema, inspectorScanSchema]);
export type ScanEvent = z.infer<typeof scanEventSchema>;
