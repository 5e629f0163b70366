/** A working directory and config for driving the `deckhand` CLI in-process, as the integration tests do. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '#cli/deckhand.ts';

export const cliSession = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `deckhand-${name}-`));
  const config = join(dir, 'deckhand.config.json');
  let counter = 0;
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    const status = await main([...args, '--config', config], (line) => lines.push(line));
    return { status, lines };
  };
  /** Replays one event, written to a file of its own; answers the exit status and the JSON outcome. */
  const replay = async (event: unknown) => {
    const file = join(dir, `event-${(counter += 1)}.json`);
    writeFileSync(file, JSON.stringify(event));
    const { status, lines } = await cli('replay', file, '--json');
    return { status, outcome: JSON.parse(lines[0] ?? '{}') };
  };
  return {
    dir,
    config,
    writeConfig: (value: unknown) => writeFileSync(config, JSON.stringify(value)),
    cli,
    replay,
  };
};
