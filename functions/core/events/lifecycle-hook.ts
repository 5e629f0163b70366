/**
 * What ECS sends a deployment lifecycle hook (invoked directly, not through EventBridge), what it expects
 * back, and the "ECS Hook State Change" event of a pause hook. Shapes as AWS documents them
 * (../shared/payloads/ecs-lifecycle-hook-*.json, ecs-hook-state-change-*.json).
 */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';

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

const serviceArn = z.string().check(z.regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\//, 'an ECS service ARN'));
const weights = z._default(z.record(z.string(), z.number()), {});
const text = z.string().check(z.minLength(1));

export const lifecycleHookSchema = z.object({
  executionId: text,
  lifecycleStage: z.enum(lifecycleStages),
  /** The service-deployment ARN, not the service's. */
  resourceArn: z.string().check(z.regex(/^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service-deployment\//, 'a service-deployment ARN')),
  executionDetails: z.object({
    serviceArn,
    targetServiceRevisionArn: text,
    testTrafficWeights: weights,
    productionTrafficWeights: weights,
  }),
  hookDetails: z.optional(z.unknown()),
});
export type LifecycleHookInput = z.infer<typeof lifecycleHookSchema>;

export interface LifecycleHookResponse {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  /** Seconds until ECS invokes the hook again (IN_PROGRESS only). */
  callBackDelay?: number;
}

export const hookStateChangeSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Hook State Change'),
  detail: z.object({
    eventName: text,
    hookId: text,
    hookType: z.optional(z.string()),
    expiresAt: z.optional(z.string()),
    lifecycleStage: z.optional(z.string()),
    serviceArn,
    serviceDeploymentArn: text,
  }),
});
export type HookStateChange = z.infer<typeof hookStateChangeSchema>;

/** True for a direct hook invocation (not an EventBridge event): it has an execution id and a stage. */
export const isLifecycleHookInput = (input: unknown): boolean => {
  const raw = input as { executionId?: unknown; lifecycleStage?: unknown } | null;
  return typeof raw?.executionId === 'string' && typeof raw.lifecycleStage === 'string';
};
