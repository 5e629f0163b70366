/**
 * `npm run build`: one bundle per Lambda handler into dist/<name>/index.mjs, built the way the CDK
 * builds them (ESM, minified, tree-shaken, AWS SDK bundled), plus a metafile for the bench.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { bundleTarget, esmRequireBanner, mainFields } from '../infra/bundling.ts';
import { projectRoot } from './lib/moto.ts';

export const handlerNames = (): string[] =>
  readdirSync(join(projectRoot, 'functions', 'handlers'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();

/** Bundles one entry the way Deckhand ships its functions; the bench builds its reference bundle with it. */
export const bundle = async (entry: string, outfile: string): Promise<string> => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundleTarget,
    mainFields,
    minify: true,
    treeShaking: true,
    sourcemap: false,
    metafile: false,
    legalComments: 'none',
    banner: { js: esmRequireBanner },
    nodePaths: [join(projectRoot, 'node_modules')],
    logLevel: 'warning',
  });
  return outfile;
};

export const buildHandler = (name: string, outdir = join(projectRoot, 'dist', name)): Promise<string> =>
  bundle(join(projectRoot, 'functions', 'handlers', `${name}.ts`), join(outdir, 'index.mjs'));

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = handlerNames();
  await Promise.all(names.map((name) => buildHandler(name)));
  console.log(`built ${names.length} handler bundle(s) into dist/: ${names.join(', ')}`);
}
