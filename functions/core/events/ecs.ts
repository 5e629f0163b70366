/** ECS service, deployment and task events as EventBridge delivers them. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';

const serviceArn = z.string().regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\//, 'must be an ECS service ARN');

export const ecsServiceEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecs'),
  'detail-type': z.enum(['ECS Deployment State Change', 'ECS Service Action']),
  resources: z.array(serviceArn).min(1),
  detail: z.object({
    eventType: z.string().optional(),
    eventName: z.string().min(1),
    deploymentId: z.string().optional(),
    clusterArn: z.string().optional(),
    updatedAt: z.string().optional(),
    createdAt: z.string().optional(),
    reason: z.string().optional(),
  }),
}).superRefine((event, context) => {
  // A deployment event without its id cannot be matched to anything.
  if (event.detail.eventName.startsWith('SERVICE_DEPLOYMENT_') && !event.detail.deploymentId) {
    context.addIssue({ code: 'custom', path: ['detail', 'deploymentId'], message: 'required for a deployment event' });
  }
});
export type EcsServiceEvent = z.infer<typeof ecsServiceEventSchema>;

export const ecsTaskEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Task State Change'),
  detail: z.object({
    taskArn: z.string().min(1),
    clusterArn: z.string().min(1),
    taskDefinitionArn: z.string().min(1),
    lastStatus: z.string().min(1),
    group: z.string().optional(),
    version: z.number().int(),
    stopCode: z.string().optional(),
    stoppedReason: z.string().optional(),
    stoppedAt: z.string().optional(),
    containers: z
      .array(
        z.object({
          name: z.string().optional(),
          image: z.string().optional(),
          imageDigest: z.string().optional(),
          exitCode: z.number().int().optional(),
          reason: z.string().optional(),
          lastStatus: z.string().optional(),
        }),
      )
      .default([]),
  }),
});
export type EcsTaskEvent = z.infer<typeof ecsTaskEventSchema>;
