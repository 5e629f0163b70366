/** `admission:` — how the deployment lifecycle hook judges deployments Deckhand did not start, and when. */
import * as z from 'zod';
import { durationPattern, parseDuration } from '../rollouts/duration.ts';

const duration = z
  .string()
  .refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? -1) >= 0, {
    message: 'a duration like "0s", "90s" or "5m"',
  });

export const admissionSchema = z
  .strictObject({
    alarms: z
      .array(z.string().trim().min(1))
      .default([])
      .describe('Alarms that fail any traffic shift in ALARM, besides the pipeline’s own'),
    bake: duration
      .default('0s')
      .describe('How long each traffic-shift step is watched before it may go on (IN_PROGRESS meanwhile)'),
    onError: z
      .enum(['fail', 'continue'])
      .default('fail')
      .describe('A malformed hook payload or a permanent error: fail closed (FAILED) or let it continue'),
    approval: z
      .strictObject({
        approvers: z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user ID')).min(1),
        required: z.number().int().min(1).default(1),
        expires: duration.default('24h'),
      })
      .optional()
      .describe('Approvers for pause hooks of services in no pipeline with an approval'),
  })
  .default({ alarms: [], bake: '0s', onError: 'fail' });
export type AdmissionConfig = z.infer<typeof admissionSchema>;
