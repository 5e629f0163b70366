/** Freeze windows as configured: fixed (from–until) or recurring (cron + duration, in a time zone). */
import * as z from 'zod';
import { durationPattern, parseDuration } from '../rollouts/duration.ts';
import { cronIssue } from './windows.ts';

const isoTime = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 time with zone, e.g. 2026-12-21T00:00:00Z');

export const fixedWindowSchema = z
  .strictObject({
    from: isoTime,
    until: isoTime,
    reason: z.string().trim().min(1),
  })
  .superRefine((window, ctx) => {
    if (Date.parse(window.until) <= Date.parse(window.from))
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must be after from' });
  });

export const recurringWindowSchema = z
  .strictObject({
    cron: z.string().trim().min(1).describe('Five-field cron: minute hour day-of-month month day-of-week'),
    duration: z
      .string()
      .refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? 0) > 0, {
        message: 'a duration like "90m" or "63h"',
      }),
    timezone: z.string().trim().min(1).default('UTC').describe('IANA time zone, e.g. Europe/Berlin'),
    reason: z.string().trim().min(1),
  })
  .superRefine((window, ctx) => {
    const issue = cronIssue(window.cron, window.timezone);
    if (!issue) return;
    // Blame the time zone when it fails even with a cron that can't be wrong.
    const path = cronIssue('* * * * *', window.timezone) ? 'timezone' : 'cron';
    ctx.addIssue({ code: 'custom', path: [path], message: issue });
  });

export const freezeWindowSchema = z.union([fixedWindowSchema, recurringWindowSchema]);
export type FreezeWindow = z.infer<typeof freezeWindowSchema>;
export const freezeWindowsSchema = z.array(freezeWindowSchema).default([]);
