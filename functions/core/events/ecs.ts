/** ECS service, deployment and task events as EventBridge delivers them. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';

const serviceArn = z.string().check(z.regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\//, 'must be an ECS service ARN'));
const text = z.string().check(z.minLength(1));

export const ecsServiceEventSchema = z
  .extend(EventBridgeSchema, {
    source: z.literal('aws.ecs'),
    'detail-type': z.enum(['ECS Deployment State Change', 'ECS Service Action']),
    resources: z.array(serviceArn).check(z.minLength(1)),
    detail: z.object({
      eventType: z.optional(z.string()),
      eventName: text,
      deploymentId: z.optional(z.string()),
      clusterArn: z.optional(z.string()),
      updatedAt: z.optional(z.string()),
      createdAt: z.optional(z.string()),
      reason: z.optional(z.string()),
    }),
  })
  .check(
    z.superRefine((event, context) => {
      // A deployment event without its id cannot be matched to anything.
      if (event.detail.eventName.startsWith('SERVICE_DEPLOYMENT_') && !event.detail.deploymentId) {
        context.addIssue({ code: 'custom', path: ['detail', 'deploymentId'], message: 'required for a deployment event' });
      }
    }),
  );
export type EcsServiceEvent = z.infer<typeof ecsServiceEventSchema>;

export const ecsTaskEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Task State Change'),
  detail: z.object({
    taskArn: text,
    clusterArn: text,
    taskDefinitionArn: text,
    lastStatus: text,
    group: z.optional(z.string()),
    version: z.number().check(z.int()),
    stopCode: z.optional(z.string()),
    stoppedReason: z.optional(z.string()),
    stoppedAt: z.optional(z.string()),
    containers: z._default(
      z.array(
        z.object({
          name: z.optional(z.string()),
          image: z.optional(z.string()),
          imageDigest: z.optional(z.string()),
          exitCode: z.optional(z.number().check(z.int())),
          reason: z.optional(z.string()),
          lastStatus: z.optional(z.string()),
        }),
      ),
      [],
    ),
  }),
});
export type EcsTaskEvent = z.infer<typeof ecsTaskEventSchema>;
