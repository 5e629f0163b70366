/**
 * `npm run build:cli`, and npm's `prepare` step of every `npm ci` / `npm install` (there a failure only
 * warns, so no install fails on it): the `deckhand` CLI as esbuild output in dist/cli/, which the package's
 * `bin`, functions/cli/bin.mjs, runs (or the source, when the bundle is absent or stale). From the source,
 * each run loads Node's type stripper and resolves some 200 modules one by one; the bundle is a few files.
 * Code splitting keeps each command's imports in chunks of their own, loaded on first use, so `--help`
 * loads no command and `check` never loads the AWS SDK. Beside the chunks: meta.json (esbuild's metafile)
 * and sources.json (the project files bundled, which bin.mjs compares with the bundle to spot a stale one).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildShared } from '../infra/bundling.ts';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..');

export const cliOutdir = join(projectRoot, 'dist', 'cli');

/** Builds the CLI into `outdir` (emptied first, so no chunk of an older build lingers); returns the entry. */
export const buildCli = async (outdir = cliOutdir): Promise<string> => {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { deckhand: join(projectRoot, 'functions', 'cli', 'deckhand.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: projectRoot,
    ...esbuildShared,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(metafile));
  const sources = Object.keys(metafile.inputs)
    .filter((input) => !input.includes('node_modules/') && !input.includes(':'))
    .map((input) => relative(projectRoot, resolve(projectRoot, input)))
    .sort();
  writeFileSync(join(outdir, 'sources.json'), `${JSON.stringify(sources)}\n`);
  return join(outdir, 'deckhand.mjs');
};

if (import.meta.main) {
  const entry = await buildCli();
  console.log(`built the deckhand CLI into ${relative(projectRoot, entry)} and its chunks`);
}
