/** "CloudWatch Alarm State Change": single-metric, metric-math, anomaly-detection and composite alarms. */
import { EventBridgeSchema } from './eventbridge.ts';
import * as z from 'zod';

const state = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().optional(),
  // `2019-10-02T17:20:48.554+0000`: not strict ISO, parsed by parseAwsTime.
  timestamp: z.string().min(1),
});

export const alarmEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().min(1),
    state,
    previousState: state.partial().optional(),
    // Shapes differ by alarm kind (metrics, metric math, anomaly band, composite alarmRule): not needed here.
    configuration: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type AlarmEvent = z.infer<typeof alarmEventSchema>;
