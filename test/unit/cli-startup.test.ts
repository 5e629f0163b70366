/**
 * The CLI loads only what a command uses: `--help` loads no command at all, and `deckhand check` (run in CI
 * pipelines, often with no AWS access) never loads the AWS SDK. A module-resolution hook lists what loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/lib/moto.ts';

const dir = mkdtempSync(join(tmpdir(), 'deckhand-startup-'));
const hook = join(dir, 'hook.mjs');
writeFileSync(
  hook,
  // Written synchronously to a file: the hooks run on a thread of their own, whose stderr may not flush.
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.DECKHAND_LOADED_LOG, resolved.url + '\\n');
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

let runs = 0;
const loaded = (...args: string[]) => {
  const log = join(dir, `loaded-${(runs += 1)}.txt`);
  writeFileSync(log, '');
  const run = spawnSync(
    process.execPath,
    ['--import', register, join(projectRoot, 'functions/cli/deckhand.ts'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', DECKHAND_LOADED_LOG: log },
    },
  );
  return {
    status: run.status,
    modules: readFileSync(log, 'utf8').split('\n').filter(Boolean),
    output: `${run.stdout}\n${run.stderr}`,
  };
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
    const { status, modules, output } = loaded('check', taskDefinition);
    expect(status, output).not.toBe(2);
    expect(
      modules.some((m) => m.includes('/functions/core/guardrails/')),
      output,
    ).toBe(true);
    expect(modules.filter((m) => m.includes('@aws-sdk') || m.includes('@smithy'))).toEqual([]);
  });
});
