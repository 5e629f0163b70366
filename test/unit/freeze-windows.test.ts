import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freezeWindowsSchema, type FreezeWindow } from '../../functions/core/freeze/schema.ts';
import { activeFreeze, cronIssue, windowIssues } from '../../functions/core/freeze/windows.ts';

const at = (iso: string) => new Date(iso);
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const weekend: FreezeWindow = {
  cron: '0 17 * * FRI',
  duration: '63h',
  timezone: 'Europe/Berlin',
  reason: 'weekend',
};

describe('fixed windows', () => {
  it('hold iff from <= now < until (property)', () => {
    const base = Date.UTC(2026, 0, 1);
    const offset = fc.integer({ min: 0, max: 30 * day });
    fc.assert(
      fc.property(offset, offset, offset, (a, b, n) => {
        const window: FreezeWindow = {
          from: new Date(base + a).toISOString(),
          until: new Date(base + b).toISOString(),
          reason: 'fixed',
        };
        const active = activeFreeze([window], new Date(base + n));
        if (a <= n && n < b) expect(active).toEqual({ reason: 'fixed', until: new Date(base + b) });
        else expect(active).toBeUndefined();
      }),
    );
  });

  it('reads the zone of each time', () => {
    const window: FreezeWindow = {
      from: '2026-12-21T00:00:00+01:00',
      until: '2027-01-02T00:00:00+01:00',
      reason: 'holidays',
    };
    expect(activeFreeze([window], at('2026-12-20T22:59:59Z'))).toBeUndefined();
    expect(activeFreeze([window], at('2026-12-20T23:00:00Z'))).toEqual({
      reason: 'holidays',
      until: at('2027-01-01T23:00:00Z'),
    });
    expect(activeFreeze([window], at('2027-01-01T23:00:00Z'))).toBeUndefined();
  });

  it('no windows, no freeze', () => {
    expect(activeFreeze([], at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('recurring windows: Berlin weekend, 0 17 * * FRI for 63h', () => {
  it('an ordinary summer weekend runs Friday 17:00 to Monday 08:00 CEST', () => {
    // Friday 2026-10-16 17:00 CEST = 15:00Z; + 63h = Monday 2026-10-19 06:00Z = 08:00 CEST.
    const until = at('2026-10-19T06:00:00Z');
    expect(activeFreeze([weekend], at('2026-10-16T14:59:00Z'))).toBeUndefined(); // Fri 16:59
    expect(activeFreeze([weekend], at('2026-10-16T14:59:59.999Z'))).toBeUndefined();
    expect(activeFreeze([weekend], at('2026-10-16T15:00:00Z'))).toEqual({ reason: 'weekend', until }); // 17:00
    expect(activeFreeze([weekend], at('2026-10-16T15:00:00.500Z'))).toEqual({ reason: 'weekend', until });
    expect(activeFreeze([weekend], at('2026-10-18T12:00:00Z'))).toEqual({ reason: 'weekend', until }); // Sunday
    expect(activeFreeze([weekend], at('2026-10-19T05:59:00Z'))).toEqual({ reason: 'weekend', until }); // Mon 07:59
    expect(activeFreeze([weekend], at('2026-10-19T06:00:00Z'))).toBeUndefined(); // Mon 08:00
    expect(activeFreeze([weekend], at('2026-10-21T10:00:00Z'))).toBeUndefined(); // Wednesday
  });

  it('across the end of DST (2026-10-25) lasts 63 elapsed hours: Friday 17:00 CEST to Monday 07:00 CET', () => {
    // Friday 2026-10-23 17:00 CEST = 15:00Z; + 63h = Monday 2026-10-26 06:00Z = 07:00 CET (not 08:00).
    const until = at('2026-10-26T06:00:00Z');
    expect(activeFreeze([weekend], at('2026-10-23T14:59:00Z'))).toBeUndefined(); // Fri 16:59 CEST
    expect(activeFreeze([weekend], at('2026-10-23T15:00:00Z'))).toEqual({ reason: 'weekend', until }); // 17:00
    expect(activeFreeze([weekend], at('2026-10-25T00:30:00Z'))).toEqual({ reason: 'weekend', until }); // 02:30 CEST
    expect(activeFreeze([weekend], at('2026-10-25T01:30:00Z'))).toEqual({ reason: 'weekend', until }); // 02:30 CET
    expect(activeFreeze([weekend], at('2026-10-26T05:59:00Z'))).toEqual({ reason: 'weekend', until }); // Mon 06:59 CET
    expect(activeFreeze([weekend], at('2026-10-26T06:00:00Z'))).toBeUndefined(); // Mon 07:00 CET
    expect(activeFreeze([weekend], at('2026-10-26T06:59:00Z'))).toBeUndefined(); // Mon 07:59 CET
  });

  it('the first winter weekend starts at 17:00 CET (16:00Z) and ends Monday 08:00 CET', () => {
    // Friday 2026-10-30 17:00 CET = 16:00Z; + 63h = Monday 2026-11-02 07:00Z = 08:00 CET.
    const until = at('2026-11-02T07:00:00Z');
    expect(activeFreeze([weekend], at('2026-10-30T15:00:00Z'))).toBeUndefined(); // Fri 16:00 CET
    expect(activeFreeze([weekend], at('2026-10-30T15:59:00Z'))).toBeUndefined(); // Fri 16:59 CET
    expect(activeFreeze([weekend], at('2026-10-30T16:00:00Z'))).toEqual({ reason: 'weekend', until });
    expect(activeFreeze([weekend], at('2026-11-02T06:59:00Z'))).toEqual({ reason: 'weekend', until }); // 07:59
    expect(activeFreeze([weekend], at('2026-11-02T07:00:00Z'))).toBeUndefined(); // Mon 08:00 CET
  });

  it('across the start of DST (2026-03-29) ends Monday 09:00 CEST', () => {
    // Friday 2026-03-27 17:00 CET = 16:00Z; + 63h = Monday 2026-03-30 07:00Z = 09:00 CEST.
    const until = at('2026-03-30T07:00:00Z');
    expect(activeFreeze([weekend], at('2026-03-27T15:59:00Z'))).toBeUndefined();
    expect(activeFreeze([weekend], at('2026-03-27T16:00:00Z'))).toEqual({ reason: 'weekend', until });
    expect(activeFreeze([weekend], at('2026-03-30T06:59:00Z'))).toEqual({ reason: 'weekend', until });
    expect(activeFreeze([weekend], at('2026-03-30T07:00:00Z'))).toBeUndefined();
  });
});

describe('recurring windows longer than the gap between occurrences', () => {
  const daily: FreezeWindow = { cron: '0 6 * * *', duration: '30h', timezone: 'UTC', reason: 'daily' };

  it('a daily 30h window holds all the time, until 30h after the latest start', () => {
    expect(activeFreeze([daily], at('2026-05-02T05:00:00Z'))).toEqual({
      reason: 'daily',
      until: at('2026-05-02T12:00:00Z'),
    });
    expect(activeFreeze([daily], at('2026-05-02T06:00:00Z'))).toEqual({
      reason: 'daily',
      until: at('2026-05-03T12:00:00Z'),
    });
  });

  it('an earlier occurrence still holds after a later one: Mon+Tue 06:00 for 30h', () => {
    const window: FreezeWindow = {
      cron: '0 6 * * MON,TUE',
      duration: '30h',
      timezone: 'UTC',
      reason: 'early',
    };
    // Monday 2026-05-04 06:00 to Tuesday 12:00; Tuesday 06:00 to Wednesday 2026-05-06 12:00.
    expect(activeFreeze([window], at('2026-05-04T05:59:00Z'))).toBeUndefined();
    expect(activeFreeze([window], at('2026-05-04T06:00:00Z'))?.until).toEqual(at('2026-05-05T12:00:00Z'));
    expect(activeFreeze([window], at('2026-05-05T09:00:00Z'))?.until).toEqual(at('2026-05-06T12:00:00Z'));
    expect(activeFreeze([window], at('2026-05-06T11:59:00Z'))?.until).toEqual(at('2026-05-06T12:00:00Z'));
    expect(activeFreeze([window], at('2026-05-06T12:00:00Z'))).toBeUndefined();
  });

  it('matches plain arithmetic for any daily UTC cron and duration (property)', () => {
    const base = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 1, max: 96 * 60 }),
        fc.integer({ min: 5 * day, max: 365 * day }),
        fc.oneof(fc.constant('exact' as const), fc.integer({ min: -1, max: 1 })),
        (h, m, durationMinutes, offset, nudge) => {
          const startOfDay = (t: number) => Math.floor(t / day) * day + (h * 60 + m) * minute;
          // 'exact' lands on an occurrence or a window end; the numbers nudge by a millisecond.
          const now =
            nudge === 'exact'
              ? startOfDay(base + offset) + (offset % 2 === 0 ? 0 : durationMinutes * minute)
              : base + offset + nudge;
          let start = startOfDay(now);
          if (start > now) start -= day;
          const end = start + durationMinutes * minute;
          const window: FreezeWindow = {
            cron: `${m} ${h} * * *`,
            duration: `${durationMinutes}m`,
            timezone: 'UTC',
            reason: 'r',
          };
          const active = activeFreeze([window], new Date(now));
          if (end > now) expect(active).toEqual({ reason: 'r', until: new Date(end) });
          else expect(active).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('several windows', () => {
  it('picks the one that ends last', () => {
    const windows: FreezeWindow[] = [
      { from: '2026-10-23T12:00:00Z', until: '2026-10-24T00:00:00Z', reason: 'release party' },
      weekend,
      { from: '2026-10-20T00:00:00Z', until: '2026-10-25T00:00:00Z', reason: 'audit' },
    ];
    expect(activeFreeze(windows, at('2026-10-23T13:00:00Z'))).toEqual({
      reason: 'audit',
      until: at('2026-10-25T00:00:00Z'),
    });
    expect(activeFreeze(windows, at('2026-10-23T16:00:00Z'))).toEqual({
      reason: 'weekend',
      until: at('2026-10-26T06:00:00Z'),
    });
    expect(activeFreeze(windows, at('2026-10-22T00:00:00Z'))?.reason).toBe('audit');
  });

  it('keeps the first in config order on a tie', () => {
    const windows: FreezeWindow[] = [
      { from: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z', reason: 'first' },
      { from: '2026-01-01T06:00:00Z', until: '2026-01-02T00:00:00Z', reason: 'second' },
    ];
    expect(activeFreeze(windows, at('2026-01-01T12:00:00Z'))?.reason).toBe('first');
  });

  it('throws on a window the schema would reject, rather than ignore it', () => {
    const bad: FreezeWindow = { cron: '0 17 * * FRI', duration: '1h', timezone: 'Mars/Olympus', reason: 'x' };
    expect(() => activeFreeze([bad], at('2026-01-01T00:00:00Z'))).toThrow(
      /freeze window "x": unknown time zone/,
    );
  });
});

describe('cronIssue', () => {
  it('accepts five-field crons in IANA zones', () => {
    expect(cronIssue('0 17 * * FRI', 'Europe/Berlin')).toBeUndefined();
    expect(cronIssue('*/15 9-17 * * MON-FRI', 'UTC')).toBeUndefined();
    expect(cronIssue(' 0 0 24 12 * ', 'America/New_York')).toBeUndefined();
  });

  it('explains an invalid cron', () => {
    expect(cronIssue('61 * * * *', 'UTC')).toBe(
      'invalid cron "61 * * * *" (minute hour day-of-month month day-of-week): Invalid value for minute: 61',
    );
    expect(cronIssue('0 17 * * FUNDAY', 'UTC')).toMatch(/^invalid cron "0 17 \* \* FUNDAY"/);
    expect(cronIssue('0 0 30 2 *', 'UTC')).toBe('cron "0 0 30 2 *" never matches a date');
  });

  it('rejects seconds and year fields, and too few fields', () => {
    expect(cronIssue('0 0 17 * * FRI', 'UTC')).toBe(
      'a cron needs five fields (minute hour day-of-month month day-of-week); "0 0 17 * * FRI" has 6 (seconds and year fields are not supported)',
    );
    expect(cronIssue('0 0 17 * * FRI 2026', 'UTC')).toMatch(
      /has 7 \(seconds and year fields are not supported\)$/,
    );
    expect(cronIssue('0 17 *', 'UTC')).toMatch(/has 3$/);
    expect(cronIssue('@weekly', 'UTC')).toMatch(/has 1$/);
  });

  it('explains an unknown time zone', () => {
    expect(cronIssue('0 17 * * FRI', 'Europe/Atlantis')).toBe(
      'unknown time zone "Europe/Atlantis": use an IANA name like Europe/Berlin',
    );
    expect(cronIssue('0 17 * * FRI', '')).toMatch(/^unknown time zone ""/);
  });
});

describe('schema', () => {
  const issues = (input: unknown) => {
    const result = freezeWindowsSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path, message: i.message }));
  };

  it('accepts the weekend window and defaults the zone to UTC', () => {
    const parsed = freezeWindowsSchema.parse([
      { cron: '0 17 * * FRI', duration: '63h', timezone: 'Europe/Berlin', reason: 'weekend' },
      { cron: '0 22 * * *', duration: '8h', reason: 'nightly' },
      { from: '2026-12-21T00:00:00Z', until: '2027-01-04T00:00:00Z', reason: 'holidays' },
    ]);
    expect(parsed[1]).toEqual({ cron: '0 22 * * *', duration: '8h', timezone: 'UTC', reason: 'nightly' });
    expect(activeFreeze(parsed, at('2026-12-25T12:00:00Z'))?.reason).toBe('holidays');
  });

  it('names the path of each problem', () => {
    expect(
      issues([
        { cron: '0 17 * * FRI', duration: '1h', reason: 'fine' },
        { from: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z', reason: 'backwards' },
        { from: '2026-01-01T00:00:00Z', until: '2026-01-01T00:00:00Z', reason: 'empty' },
        { cron: '0 17 * * FRI', duration: '1h', reason: ' ' },
        { cron: '0 17 * * FRI', duration: 'soon', reason: 'bad duration' },
      ]),
    ).toEqual([
      { path: [1, 'until'], message: 'until must be after from' },
      { path: [2, 'until'], message: 'until must be after from' },
      { path: [3, 'reason'], message: expect.stringMatching(/^Too small/) },
      { path: [4, 'duration'], message: 'a duration like "90m" or "63h"' },
    ]);
  });

  it('leaves crons and zones to the cron parser, which names the path of each it cannot use', () => {
    const windows = freezeWindowsSchema.parse([
      { cron: '61 * * * *', duration: '1h', reason: 'bad minute' },
      { cron: '0 17 * * FRI', duration: '1h', reason: 'fine' },
      { cron: '0 17 * * FRI', duration: '1h', timezone: 'Mars/Olympus', reason: 'bad zone' },
      { cron: '0 0 17 * * FRI', duration: '1h', reason: 'seconds' },
      { from: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z', reason: 'fixed' },
    ]);
    expect(windowIssues(windows)).toEqual([
      { path: [0, 'cron'], message: expect.stringMatching(/^invalid cron "61 \* \* \* \*"/) },
      { path: [2, 'timezone'], message: expect.stringMatching(/^unknown time zone "Mars\/Olympus"/) },
      { path: [3, 'cron'], message: expect.stringMatching(/has 6 \(seconds and year fields/) },
    ]);
  });
});
