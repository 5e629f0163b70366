/**
 * The installed `deckhand` command (functions/cli/bin.mjs) runs the bundle in dist/cli while it is current,
 * and the TypeScript source, saying why, when the bundle is missing or older than a file it was built from.
 * Run here in a copy of the layout, with stand-ins for the bundle and the source that say which one ran.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/lib/moto.ts';

const root = mkdtempSync(join(tmpdir(), 'deckhand-launcher-'));
const cliDir = join(root, 'functions', 'cli');
const bundleDir = join(root, 'dist', 'cli');
const bundle = join(bundleDir, 'deckhand.mjs');
const bundledSource = join(cliDir, 'check.ts');
const standIn = (name: string) =>
  `export const main = async (argv) => { console.log('${name}', argv.join(' ')); return 3; };\n`;

const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
const launch = (...args: string[]) => {
  const run = spawnSync(process.execPath, [join(cliDir, 'bin.mjs'), ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
};

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(cliDir, { recursive: true });
  mkdirSync(bundleDir, { recursive: true });
  copyFileSync(join(projectRoot, 'functions', 'cli', 'bin.mjs'), join(cliDir, 'bin.mjs'));
  writeFileSync(join(cliDir, 'deckhand.ts'), standIn('source'));
  writeFileSync(bundledSource, '');
  writeFileSync(bundle, standIn('bundle'));
  writeFileSync(join(bundleDir, 'sources.json'), JSON.stringify(['functions/cli/check.ts']));
  at(bundledSource, 1_700_000_000);
  at(bundle, 1_700_000_100);
});

describe('the deckhand launcher', () => {
  it('runs the bundle when it is newer than every file it was built from', () => {
    expect(launch('check', 'td.json')).toEqual({ status: 3, stdout: 'bundle check td.json', stderr: '' });
  });

  it('runs the source, and says why, when a bundled file changed after the build', () => {
    at(bundledSource, 1_700_000_200);
    const run = launch('--help');
    expect(run.stdout).toBe('source --help');
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/functions\/cli\/check\.ts changed after the CLI bundle was built/);
  });

  it('runs the source when a bundled file is gone', () => {
    rmSync(bundledSource);
    expect(launch('status').stdout).toBe('source status');
  });

  it('runs the source, and says why, when there is no bundle', () => {
    rmSync(bundle);
    const run = launch('status');
    expect(run.stdout).toBe('source status');
    expect(run.stderr).toMatch(/the CLI bundle is missing.*npm run build:cli/);
  });

  it('runs the source when the bundle has no list of its sources', () => {
    rmSync(join(bundleDir, 'sources.json'));
    expect(launch('status').stdout).toBe('source status');
  });
});
