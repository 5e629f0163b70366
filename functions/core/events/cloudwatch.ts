/** "CloudWatch Alarm State Change": single-metric, metric-math, anomaly-detection and composite alarms. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from '../zod.ts';

const state = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.optional(z.string()),
  // `2019-10-02T17:20:48.554+0000`: not strict ISO, parsed by parseAwsTime.
  timestamp: z.string().check(z.minLength(1)),
});

export const alarmEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state,
    previousState: z.optional(z.partial(state)),
    // Shapes differ by alarm kind (metrics, metric math, anomaly band, composite alarmRule): not needed here.
    configuration: z.optional(z.record(z.string(), z.unknown())),
  }),
});
export type AlarmEvent = z.infer<typeof alarmEventSchema>;
