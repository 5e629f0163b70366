/**
 * Freeze windows as configured: fixed (from–until) or recurring (cron + duration, in a time zone). The cron
 * and time zone of a recurring window are checked by `windowIssues` (windows.ts, with the cron parser) when
 * `parseConfig` validates a config, not here: this schema is in every function that reads the config.
 */
import * as z from '../zod.ts';
import { durationPattern, parseDuration } from '../rollouts/duration.ts';

const isoTime = z.iso
  .datetime({ offset: true })
  .check(z.describe('ISO 8601 time with zone, e.g. 2026-12-21T00:00:00Z'));
const reason = z.string().check(z.trim(), z.minLength(1));

export const fixedWindowSchema = z.strictObject({ from: isoTime, until: isoTime, reason }).check(
  z.superRefine((window, ctx) => {
    if (Date.parse(window.until) <= Date.parse(window.from))
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must be after from' });
  }),
);

export const recurringWindowSchema = z.strictObject({
  cron: z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.describe('Five-field cron: minute hour day-of-month month day-of-week'),
    ),
  duration: z.string().check(
    z.refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? 0) > 0, {
      message: 'a duration like "90m" or "63h"',
    }),
  ),
  timezone: z
    ._default(z.string().check(z.trim(), z.minLength(1)), 'UTC')
    .check(z.describe('IANA time zone, e.g. Europe/Berlin')),
  reason,
});

export const freezeWindowSchema = z.union([fixedWindowSchema, recurringWindowSchema]);
export type FreezeWindow = z.infer<typeof freezeWindowSchema>;
export const freezeWindowsSchema = z._default(z.array(freezeWindowSchema), []);
