/** `deckhand report [pipeline] [--since 30d] [--json]`: the four DORA measures per pipeline, from the ledger. */
import { ConfigError } from '#core/errors.ts';
import type { DoraMeasures } from '#core/metrics/dora.ts';
import { parseDuration } from '#core/rollouts/duration.ts';
import { reportDora } from '#core/use-cases/report-dora.ts';
import { InputError } from './read-json.ts';
import { wireCli } from './session.ts';

const dayMs = 86_400_000;

/** `30d`, `2w`, `12h`, `90m` back from now, or a date/time (`2026-11-01`, ISO 8601). */
export const parseSince = (text: string, now: Date): Date => {
  const days = /^(\d+)([dw])$/.exec(text.trim());
  if (days) return new Date(now.getTime() - Number(days[1]) * (days[2] === 'w' ? 7 : 1) * dayMs);
  const duration = parseDuration(text);
  if (duration !== undefined && duration > 0) return new Date(now.getTime() - duration);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : undefined;
  if (at && !Number.isNaN(at.getTime()) && at < now) return at;
  throw new InputError(`--since must be a duration such as 30d, 2w or 12h, or a past date, not ${text}`);
};

/** Seconds as people read them: `45s`, `12m 30s`, `3h 5m`, `2d 4h`. */
export const humanSeconds = (seconds: number | undefined): string => {
  if (seconds === undefined) return '-';
  const s = Math.round(seconds);
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const index = units.findIndex(([size]) => s >= size);
  if (index === -1) return '0s';
  const [big, bigName] = units[index] as [number, string];
  const next = units[index + 1];
  const rest = next ? Math.floor((s % big) / next[0]) : 0;
  return `${Math.floor(s / big)}${bigName}${next && rest > 0 ? ` ${rest}${next[1]}` : ''}`;
};

const percent = (rate: number | undefined): string =>
  rate === undefined ? '-' : `${Math.round(rate * 1000) / 10}%`;

const row = (m: DoraMeasures): string[] => [
  m.pipeline,
  String(m.deployments),
  m.deploymentsPerDay.toFixed(2),
  humanSeconds(m.leadTimeSeconds),
  m.deployments > 0 ? `${percent(m.changeFailureRate)} (${m.changeFailures}/${m.deployments})` : '-',
  humanSeconds(m.timeToRestoreSeconds),
];

const table = (rows: string[][]): string[] => {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
};

export const report = async (
  options: { pipeline?: string; since?: string; config?: string; json: boolean },
  write: (line: string) => void,
): Promise<number> => {
  const deps = await wireCli(options.config);
  if (options.pipeline && !deps.config.pipelines.some((p) => p.name === options.pipeline))
    throw new ConfigError('(config)', [`no pipeline named ${options.pipeline}`]);
  // One reading of the clock for both ends, so `--since 30d` spans exactly 30 days.
  const now = deps.clock.now();
  const result = await reportDora(deps, parseSince(options.since ?? '30d', now), options.pipeline, now);
  if (options.json) {
    write(JSON.stringify(result));
    return 0;
  }
  const days = (Date.parse(result.until) - Date.parse(result.since)) / dayMs;
  write(`DORA measures from ${result.since} to ${result.until} (${Math.round(days * 10) / 10} days)`);
  for (const line of table([
    ['pipeline', 'deploys', 'per day', 'lead time', 'change failure rate', 'time to restore'],
    ...result.pipelines.map(row),
  ]))
    write(line);
  write('lead time and time to restore are medians; - means nothing to measure in the window');
  return 0;
};
