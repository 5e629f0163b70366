/** ECR events as EventBridge delivers them (detail keys are hyphenated). */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';

export const imageDigestSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lowercase hex characters');

/** Enough to route: FAILED pushes and DELETEs may lack a digest, and are ignored rather than rejected. */
export const ecrImageActionSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Action'),
  detail: z.object({
    'action-type': z.string().min(1),
    result: z.string().min(1),
    'repository-name': z.string().min(1).max(256),
    'image-digest': z.string().optional(),
    'image-tag': z.string().max(300).optional(),
  }),
});

/** A successful push, fully validated. */
export const ecrImagePushSchema = ecrImageActionSchema.extend({
  detail: ecrImageActionSchema.shape.detail.extend({
    'action-type': z.literal('PUSH'),
    result: z.literal('SUCCESS'),
    'image-digest': imageDigestSchema,
  }),
});

export type EcrImageAction = z.infer<typeof ecrImageActionSchema>;
export type EcrImagePush = z.infer<typeof ecrImagePushSchema>;
