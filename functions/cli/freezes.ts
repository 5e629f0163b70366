/** `deckhand freeze` and `unfreeze`: ad hoc freezes, besides the configured windows. */
import { parseDuration } from '#core/rollouts/duration.ts';
import { InputError } from './read-json.ts';
import { wireCli } from './session.ts';

type Write = (line: string) => void;

const untilOf = (value: string, now: Date): string => {
  const ms = parseDuration(value);
  if (ms !== undefined) return new Date(now.getTime() + ms).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new InputError(`--until must be a time (ISO 8601) or a duration like 2h, not ${value}`);
  return new Date(at).toISOString();
};

const targetsOf = (positionals: readonly string[], all: boolean, known: readonly string[]) => {
  if (all) return ['*'];
  if (positionals.length === 0) throw new InputError('name a pipeline, or pass --all');
  for (const name of positionals)
    if (!known.includes(name)) throw new InputError(`no pipeline named ${name}`);
  return [...positionals];
};

export const freeze = async (
  options: {
    config?: string;
    pipelines: string[];
    all: boolean;
    until?: string;
    reason?: string;
    by?: string;
  },
  write: Write,
): Promise<number> => {
  if (!options.until || !options.reason)
    throw new InputError('freeze needs --until <time|duration> and --reason');
  const deps = await wireCli(options.config);
  const now = deps.clock.now();
  const until = untilOf(options.until, now);
  for (const pipeline of targetsOf(
    options.pipelines,
    options.all,
    deps.config.pipelines.map((p) => p.name),
  )) {
    await deps.ledger.freezes.put({
      pipeline,
      until,
      reason: options.reason,
      by: options.by ?? process.env.USER ?? 'cli',
      at: now.toISOString(),
    });
    write(`frozen ${pipeline === '*' ? 'every pipeline' : pipeline} until ${until}: ${options.reason}`);
  }
  return 0;
};

export const unfreeze = async (
  options: { config?: string; pipelines: string[]; all: boolean },
  write: Write,
): Promise<number> => {
  const deps = await wireCli(options.config);
  for (const pipeline of targetsOf(
    options.pipelines,
    options.all,
    deps.config.pipelines.map((p) => p.name),
  )) {
    await deps.ledger.freezes.delete(pipeline);
    write(
      `unfrozen ${pipeline === '*' ? 'every pipeline' : pipeline} (held deploys go out on the next tick)`,
    );
  }
  return 0;
};
