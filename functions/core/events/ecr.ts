/** ECR events as EventBridge delivers them (detail keys are hyphenated). */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';

export const imageDigestSchema = z
  .string()
  .check(z.regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lowercase hex characters'));

/** Enough to route: FAILED pushes and DELETEs may lack a digest, and are ignored rather than rejected. */
export const ecrImageActionSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Action'),
  detail: z.object({
    'action-type': z.string().check(z.minLength(1)),
    result: z.string().check(z.minLength(1)),
    'repository-name': z.string().check(z.minLength(1), z.maxLength(256)),
    'image-digest': z.optional(z.string()),
    'image-tag': z.optional(z.string().check(z.maxLength(300))),
  }),
});

/** A successful push, fully validated. */
export const ecrImagePushSchema = z.extend(ecrImageActionSchema, {
  detail: z.extend(ecrImageActionSchema.shape.detail, {
    'action-type': z.literal('PUSH'),
    result: z.literal('SUCCESS'),
    'image-digest': imageDigestSchema,
  }),
});

export type EcrImageAction = z.infer<typeof ecrImageActionSchema>;
export type EcrImagePush = z.infer<typeof ecrImagePushSchema>;
