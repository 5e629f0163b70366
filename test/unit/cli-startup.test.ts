/**
 * The CLI loads only what a command uses: `--help` loads no command at all, and `deckhand check` (run in CI
 * pipelines, often with no AWS access) never loads the AWS SDK. A module-resolution hook lists what loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/lib/moto.ts';

const dir = mkdtempSync(join(tmpdir(), 'deckhand-startup-'));
const hook = join(dir, 'hook.mjs');
writeFileSync(
  hook,
  `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stderr.write('LOADED ' + resolved.url + '\\n');
  return resolved;
}\n`,
);
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
);
const taskDefinition = join(dir, 'td.json');
writeFileSync(
  taskDefinition,
  JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] }),
);

const loaded = (...args: string[]) => {
  const run = spawnSync(
    process.execPath,
    ['--import', register, join(projectRoot, 'functions/cli/deckhand.ts'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  return { status: run.status, modules: run.stderr.split('\n').filter((line) => line.startsWith('LOADED ')) };
};

describe('deckhand start-up', () => {
  it('prints its usage without loading any command', () => {
    const { status, modules } = loaded('--help');
    expect(status).toBe(0);
    expect(
      modules.filter(
        (m) => m.includes('/functions/cli/') && !m.endsWith('deckhand.ts') && !m.endsWith('read-json.ts'),
      ),
    ).toEqual([]);
    expect(modules.filter((m) => m.includes('@aws-sdk') || m.includes('zod'))).toEqual([]);
  });

  it('checks a task definition without loading the AWS SDK', () => {
    const { status, modules } = loaded('check', taskDefinition);
    expect(status).not.toBe(2);
    expect(modules.some((m) => m.includes('/functions/core/guardrails/'))).toBe(true);
    expect(modules.filter((m) => m.includes('@aws-sdk') || m.includes('@smithy'))).toEqual([]);
  });
});
