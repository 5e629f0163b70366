/**
 * The CLI loads only what a command uses: `--help` loads no command at all, and `deckhand check` (run in CI
 * pipelines, often with no AWS access) never loads the AWS SDK, neither from the TypeScript source nor from
 * the bundle `npm ci` builds (scripts/build-cli.ts). A module-resolution hook lists what loads; the bundle's
 * metafile says which sources each loaded chunk holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
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
  JSON.stringify({
    family: 'web',
    containerDefinitions: [
      { name: 'app', image: 'nginx:1.27', environment: [{ name: 'MODE', value: 'production' }] },
    ],
  }),
);

let runs = 0;
const loaded = (entry: string, ...args: string[]) => {
  const log = join(dir, `loaded-${(runs += 1)}.txt`);
  writeFileSync(log, '');
  const run = spawnSync(process.execPath, ['--import', register, entry, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DECKHAND_LOADED_LOG: log },
  });
  return {
    status: run.status,
    modules: readFileSync(log, 'utf8').split('\n').filter(Boolean),
    stdout: run.stdout,
    output: `${run.stdout}\n${run.stderr}`,
  };
};
const source = join(projectRoot, 'functions/cli/deckhand.ts');
const sdk = (m: string) => m.includes('@aws-sdk') || m.includes('@smithy');

describe('deckhand start-up, from the TypeScript source', () => {
  it('prints its usage without loading any command', () => {
    const { status, modules } = loaded(source, '--help');
    expect(status).toBe(0);
    expect(
      modules.filter(
        (m) => m.includes('/functions/cli/') && !m.endsWith('deckhand.ts') && !m.endsWith('read-json.ts'),
      ),
    ).toEqual([]);
    expect(modules.filter((m) => sdk(m) || m.includes('zod'))).toEqual([]);
  });

  it('checks a task definition without loading the AWS SDK, the logger or the YAML parser', () => {
    const { status, modules, output } = loaded(source, 'check', taskDefinition);
    expect(status, output).toBe(0);
    expect(
      modules.some((m) => m.includes('/functions/core/guardrails/secrets.ts')),
      output,
    ).toBe(true);
    expect(modules.filter((m) => sdk(m) || m.includes('powertools') || m.includes('/yaml/'))).toEqual([]);
  });

  it('loads the YAML parser for a YAML template', () => {
    const template = join(dir, 'template.yaml');
    writeFileSync(
      template,
      'Resources:\n  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: web\n' +
        '      ContainerDefinitions:\n        - Name: app\n          Image: nginx:1.27\n',
    );
    const { status, modules, output } = loaded(source, 'check', template);
    expect(status, output).not.toBe(2);
    expect(modules.some((m) => m.includes('/yaml/'))).toBe(true);
    expect(modules.filter(sdk)).toEqual([]);
  });
});

describe('deckhand start-up, from the bundle', () => {
  const outdir = join(dir, 'dist-cli');
  let metafile: Metafile;
  let entry: string;
  /** The project and package sources in the chunks a run loaded. */
  const sourcesLoaded = (modules: string[]): string[] =>
    modules
      .filter((url) => url.startsWith('file:') && fileURLToPath(url).startsWith(outdir))
      .flatMap((url) => {
        const output = relative(projectRoot, fileURLToPath(url));
        return Object.keys(metafile.outputs[output]?.inputs ?? {});
      });

  beforeAll(async () => {
    entry = await buildCli(outdir);
    metafile = JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8')) as Metafile;
  }, 120_000);

  it('holds the AWS SDK, for the commands that call AWS', () => {
    expect(Object.keys(metafile.inputs).some(sdk)).toBe(true);
  });

  it('prints its usage without loading any command', () => {
    const { status, modules, output } = loaded(entry, '--help');
    expect(status, output).toBe(0);
    const sources = sourcesLoaded(modules);
    expect(sources).toContain('functions/cli/deckhand.ts');
    expect(sources.filter((s) => s.startsWith('functions/cli/check') || s.includes('zod') || sdk(s))).toEqual(
      [],
    );
  });

  it('checks a task definition without loading the AWS SDK', () => {
    const { status, modules, stdout, output } = loaded(entry, 'check', taskDefinition, '--format', 'json');
    expect(status, output).toBe(0);
    expect(JSON.parse(stdout).findings.length).toBeGreaterThan(0);
    const sources = sourcesLoaded(modules);
    expect(sources).toContain('functions/core/guardrails/secrets.ts');
    expect(sources.filter((s) => sdk(s) || s.includes('/yaml/'))).toEqual([]);
  });
});
