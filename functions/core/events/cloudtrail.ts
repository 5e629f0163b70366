/** "AWS API Call via CloudTrail" events for ECS, as EventBridge delivers them. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';

const loose = z.record(z.string(), z.unknown());

export const ecsApiCallSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.object({
    eventSource: z.string(),
    eventName: z.string().check(z.minLength(1)),
    eventID: z.optional(z.string()),
    eventTime: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    userIdentity: z._default(
      z.object({
        arn: z.optional(z.string()),
        sessionContext: z.optional(
          z.object({ sessionIssuer: z.optional(z.object({ arn: z.optional(z.string()) })) }),
        ),
      }),
      {},
    ),
    // CloudTrail may truncate these; Deckhand re-reads the object with Describe*.
    requestParameters: z.nullish(loose),
    responseElements: z.nullish(loose),
  }),
});
export type EcsApiCall = z.infer<typeof ecsApiCallSchema>;
