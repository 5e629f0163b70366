#!/usr/bin/env node
/**
 * The `deckhand` command as installed (package.json `bin`): runs the bundle that `npm ci` builds into
 * dist/cli (scripts/build-cli.ts), or the TypeScript source when that bundle is missing or older than a
 * file it was built from, saying so on stderr. Plain JavaScript on purpose: a .ts entry would make Node
 * load its type stripper before anything else, which alone costs more than `deckhand --help` does.
 */
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';

const root = new URL('../../', import.meta.url);
const bundle = new URL('dist/cli/deckhand.mjs', root);

/** Why the bundle cannot be run, or undefined when it can. */
const bundleProblem = () => {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return 'the CLI bundle is missing';
  }
  try {
    /** @type {unknown} */
    const listed = JSON.parse(readFileSync(new URL('dist/cli/sources.json', root), 'utf8'));
    const sources = /** @type {string[]} */ (listed);
    // A source that is gone has no time (NaN), and counts as changed.
    const changed = sources.find((source) => !(modifiedAt(source) <= built));
    return changed ? `${changed} changed after the CLI bundle was built` : undefined;
  } catch {
    return 'the CLI bundle is incomplete';
  }
};

/** @param {string} source */
const modifiedAt = (source) => {
  try {
    return statSync(new URL(source, root)).mtimeMs;
  } catch {
    return Number.NaN;
  }
};

// Node keeps the compiled code of each module (in its temp dir, keyed by content): later runs skip parsing.
module.enableCompileCache?.();
const problem = bundleProblem();
if (problem) console.error(`deckhand: ${problem}; running from source (npm run build:cli rebuilds it)`);
/** @type {unknown} */
const cli = await import(problem ? './deckhand.ts' : bundle.href);
const { main } = /** @type {typeof import('./deckhand.ts')} */ (cli);
process.exitCode = await main(process.argv.slice(2));
