/**
 * Whether a freeze window holds at a given instant. Pure: no I/O, no clock; the caller passes `now`.
 *
 * A fixed window holds from `from` (inclusive) to `until` (exclusive). A recurring window starts at each
 * occurrence of its five-field cron, read in its IANA time zone, and lasts `duration` of elapsed time, so a
 * window that spans a DST change ends an hour earlier or later on the wall clock than on other weeks.
 */
import { Cron } from 'croner';
import { parseDuration } from '../rollouts/duration.ts';
import type { FreezeWindow } from './schema.ts';

export interface ActiveFreeze {
  reason: string;
  until: Date;
}

type RecurringWindow = Extract<FreezeWindow, { cron: string }>;
type FixedWindow = Extract<FreezeWindow, { from: string }>;

const cronFields = 'minute hour day-of-month month day-of-week';

const job = (cron: string, timezone: string): Cron =>
  // No callback: croner only computes occurrences and starts no timer.
  new Cron(cron.trim(), { timezone: timezone || 'UTC', mode: '5-part' });

const knownTimeZone = (timezone: string): boolean => {
  if (timezone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
};

/** Why a recurring window's cron or time zone can't be used, or undefined when both are fine. */
export const cronIssue = (cron: string, timezone: string): string | undefined => {
  if (!knownTimeZone(timezone)) return `unknown time zone "${timezone}": use an IANA name like Europe/Berlin`;
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    const extra = fields.length > 5 ? ' (seconds and year fields are not supported)' : '';
    return `a cron needs five fields (${cronFields}); "${cron.trim()}" has ${fields.length}${extra}`;
  }
  try {
    // A fixed reference keeps this independent of the clock; a 5-field cron repeats every 400 years at most.
    if (job(cron, timezone).nextRun(new Date(Date.UTC(2000, 0, 1))) === null)
      return `cron "${cron.trim()}" never matches a date`;
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^Cron\w*:\s*/, '') : String(error);
    return `invalid cron "${cron.trim()}" (${cronFields}): ${detail}`;
  }
  return undefined;
};

/** What `parseConfig` adds to the schema for a list of windows: each unusable cron or zone, at its path. */
export const windowIssues = (
  windows: readonly FreezeWindow[],
): { path: (string | number)[]; message: string }[] =>
  windows.flatMap((window, index) => {
    if (!('cron' in window)) return [];
    const issue = cronIssue(window.cron, window.timezone);
    if (!issue) return [];
    // Blame the time zone when it fails even with a cron that can't be wrong.
    const field = cronIssue('* * * * *', window.timezone) ? 'timezone' : 'cron';
    return [{ path: [index, field], message: issue }];
  });

const fail = (window: FreezeWindow, problem: string): never => {
  throw new Error(`freeze window "${window.reason}": ${problem}`);
};

const fixedUntil = (window: FixedWindow, now: Date): Date | undefined => {
  const from = Date.parse(window.from);
  const until = Date.parse(window.until);
  if (Number.isNaN(from) || Number.isNaN(until)) return fail(window, 'from/until are not ISO times');
  return from <= now.getTime() && now.getTime() < until ? new Date(until) : undefined;
};

/**
 * The latest occurrence at or before `now` decides: every occurrence lasts the same elapsed time, so an
 * earlier one always ends earlier, and if the latest has ended, all have. This holds for windows longer
 * than the gap between occurrences too (a daily cron with a 30h duration), where several overlap.
 */
const recurringUntil = (window: RecurringWindow, now: Date): Date | undefined => {
  const duration = parseDuration(window.duration);
  if (duration === undefined || duration <= 0) return fail(window, `invalid duration "${window.duration}"`);
  let runs: Date[];
  try {
    // previousRuns excludes its reference and works in whole seconds; occurrences are whole minutes,
    // so one second past `now` includes an occurrence exactly at `now`.
    runs = job(window.cron, window.timezone).previousRuns(2, new Date(now.getTime() + 1000));
  } catch {
    return fail(window, cronIssue(window.cron, window.timezone) ?? `invalid cron "${window.cron}"`);
  }
  const start = runs.find((run) => run.getTime() <= now.getTime());
  if (!start) return undefined;
  const end = start.getTime() + duration;
  return end > now.getTime() ? new Date(end) : undefined;
};

/**
 * The freeze in force at `now`, if any: of the windows that hold, the one that ends last (the first such
 * window in config order on a tie). Throws on a window the schema would have rejected.
 */
export const activeFreeze = (windows: readonly FreezeWindow[], now: Date): ActiveFreeze | undefined => {
  let active: ActiveFreeze | undefined;
  for (const window of windows) {
    const until = 'cron' in window ? recurringUntil(window, now) : fixedUntil(window, now);
    if (until && (!active || until > active.until)) active = { reason: window.reason, until };
  }
  return active;
};
