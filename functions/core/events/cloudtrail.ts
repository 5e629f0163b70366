/** "AWS API Call via CloudTrail" events for ECS, as EventBridge delivers them. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';

const loose = z.record(z.string(), z.unknown());

export const ecsApiCallSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.object({
    eventSource: z.string(),
    eventName: z.string().min(1),
    eventID: z.string().optional(),
    eventTime: z.string().optional(),
    errorCode: z.string().optional(),
    userIdentity: z
      .object({
        arn: z.string().optional(),
        sessionContext: z.object({ sessionIssuer: z.object({ arn: z.string().optional() }).optional() }).optional(),
      })
      .default({}),
    // CloudTrail may truncate these; Deckhand re-reads the object with Describe*.
    requestParameters: loose.nullish(),
    responseElements: loose.nullish(),
  }),
});
export type EcsApiCall = z.infer<typeof ecsApiCallSchema>;
