/** `admission:` — how the deployment lifecycle hook judges deployments Deckhand did not start, and when. */
import * as z from '../zod.ts';
import { durationPattern, parseDuration } from '../rollouts/duration.ts';

const duration = z.string().check(
  z.refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? -1) >= 0, {
    message: 'a duration like "0s", "90s" or "5m"',
  }),
);

export const admissionSchema = z._default(
  z.strictObject({
    alarms: z
      ._default(z.array(z.string().check(z.trim(), z.minLength(1))), [])
      .check(z.describe('Alarms that fail any traffic shift in ALARM, besides the pipeline’s own')),
    bake: z
      ._default(duration, '0s')
      .check(
        z.describe('How long each traffic-shift step is watched before it may go on (IN_PROGRESS meanwhile)'),
      ),
    onError: z
      ._default(z.enum(['fail', 'continue']), 'fail')
      .check(
        z.describe('A malformed hook payload or a permanent error: fail closed (FAILED) or let it continue'),
      ),
    approval: z
      .optional(
        z.strictObject({
          approvers: z
            .array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user ID')))
            .check(z.minLength(1)),
          required: z._default(z.number().check(z.int(), z.gte(1)), 1),
          expires: z._default(duration, '24h'),
        }),
      )
      .check(z.describe('Approvers for pause hooks of services in no pipeline with an approval')),
  }),
  { alarms: [], bake: '0s', onError: 'fail' },
);
export type AdmissionConfig = z.infer<typeof admissionSchema>;
