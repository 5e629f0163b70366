/**
 * The CLI's exit codes for a bad config, as the README states them: 2 and a message naming the problem, for
 * every command that reads the config, before any event is handled or any AWS call made.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { main } from '#cli/deckhand.ts';
import { cliSession } from '../helpers/cli.ts';

const session = cliSession('exit-codes');
const event = join(session.dir, 'push.json');
copyFileSync('events/aws.ecr/image-action-push-success.json', event);

const commands: [string, string[]][] = [
  ['replay', ['replay', event, '--json']],
  ['replay --dry-run', ['replay', event, '--dry-run']],
  ['status', ['status']],
  ['drift', ['drift']],
  ['report', ['report']],
  ['check', ['check', event]],
];

let stderr: MockInstance<typeof console.error>;
beforeEach(() => {
  stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  stderr.mockRestore();
});
const errors = () => stderr.mock.calls.map((call) => call.map(String).join(' ')).join('\n');

describe('a config that fails validation', () => {
  beforeEach(() => {
    // A pipeline without targets.
    session.writeConfig({ pipelines: [{ name: 'web', repository: 'web' }] });
  });

  it.each(commands)('%s exits 2 and names the config and the bad key', async (_name, args) => {
    const { status, lines } = await session.cli(...args);
    expect(status, `stdout: ${lines.join('\n')}\nstderr: ${errors()}`).toBe(2);
    expect(errors()).toContain(`invalid Deckhand config (${session.config})`);
    expect(errors()).toMatch(/pipelines\[0\]\.targets: required/);
    expect(lines).toEqual([]);
  });
});

describe('a config that does not parse', () => {
  beforeEach(() => {
    writeFileSync(session.config, '{ "pipelines": [');
  });

  it.each(commands)('%s exits 2 and says the file is not valid', async (_name, args) => {
    const { status } = await session.cli(...args);
    expect(status, errors()).toBe(2);
    expect(errors()).toContain(`invalid Deckhand config (${session.config})`);
    expect(errors()).toMatch(/not valid (YAML or )?JSON/);
  });
});

describe('a config file that is missing', () => {
  it('replay exits 2 and says it cannot read the file', async () => {
    const missing = join(session.dir, 'nowhere.yaml');
    const lines: string[] = [];
    const status = await main(['replay', event, '--config', missing], (line) => lines.push(line));
    expect(status, errors()).toBe(2);
    expect(errors()).toContain(`invalid Deckhand config (${missing})`);
    expect(errors()).toMatch(/cannot read/);
  });
});
