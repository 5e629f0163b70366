/**
 * What ECS sends a deployment lifecycle hook (invoked directly, not through EventBridge), what it expects
 * back, and the "ECS Hook State Change" event of a pause hook. Shapes as AWS documents them
 * (../shared/payloads/ecs-lifecycle-hook-*.json, ecs-hook-state-change-*.json).
 */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';

export const lifecycleStages = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

const weights = z.record(z.string(), z.number()).default({});

export const lifecycleHookSchema = z.object({
  executionId: z.string().min(1),
  lifecycleStage: z.enum(lifecycleStages),
  /** The service-deployment ARN, not the service's. */
  resourceArn: z.string().regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service-deployment\//, 'a service-deployment ARN'),
  executionDetails: z.object({
    serviceArn: z.string().regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\//, 'an ECS service ARN'),
    targetServiceRevisionArn: z.string().min(1),
    testTrafficWeights: weights,
    productionTrafficWeights: weights,
  }),
  hookDetails: z.unknown().optional(),
});
export type LifecycleHookInput = z.infer<typeof lifecycleHookSchema>;

export interface LifecycleHookResponse {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  /** Seconds until ECS invokes the hook again (IN_PROGRESS only). */
  callBackDelay?: number;
}

export const hookStateChangeSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Hook State Change'),
  detail: z.object({
    eventName: z.string().min(1),
    hookId: z.string().min(1),
    hookType: z.string().optional(),
    expiresAt: z.string().optional(),
    lifecycleStage: z.string().optional(),
    serviceArn: z.string().regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\//, 'an ECS service ARN'),
    serviceDeploymentArn: z.string().min(1),
  }),
});
export type HookStateChange = z.infer<typeof hookStateChangeSchema>;

/** True for a direct hook invocation (not an EventBridge event): it has an execution id and a stage. */
export const isLifecycleHookInput = (input: unknown): boolean => {
  const raw = input as { executionId?: unknown; lifecycleStage?: unknown } | null;
  return typeof raw?.executionId === 'string' && typeof raw.lifecycleStage === 'string';
};
