/**
 * `npm run build`: one bundle per Lambda handler into dist/<name>/index.mjs, built the way the CDK
 * builds them (ESM, minified, tree-shaken, AWS SDK bundled), each with its esbuild metafile beside it
 * (dist/<name>/meta.json: load it into esbuild's bundle analyzer to see what weighs what).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { esbuildShared, lambdaAliases } from '../infra/bundling.ts';
import { projectRoot } from './lib/moto.ts';

export const handlerNames = (): string[] =>
  readdirSync(join(projectRoot, 'functions', 'handlers'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();

/** The metafile of a bundle, written beside it. */
export const metafilePath = (outfile: string): string => join(dirname(outfile), 'meta.json');

/**
 * Bundles one entry with the settings Deckhand ships its functions with, and writes its metafile beside it;
 * the bench builds its reference bundle, and variants through `plugins`, with it. `alias` is what the
 * handlers add (`buildHandler`): a plain `bundle` replaces no package.
 */
export const bundle = async (
  entry: string,
  outfile: string,
  options: { plugins?: Plugin[]; alias?: Record<string, string> } = {},
): Promise<string> => {
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    ...esbuildShared,
    nodePaths: [join(projectRoot, 'node_modules')],
    plugins: options.plugins ?? [],
    alias: options.alias ?? {},
  });
  writeFileSync(metafilePath(outfile), JSON.stringify(metafile));
  return outfile;
};

/** The replacements the stack's functions are built with (infra/bundling.ts), from the project root. */
export const handlerAliases = Object.fromEntries(
  Object.entries(lambdaAliases).map(([name, path]) => [name, join(projectRoot, path)]),
);

export const buildHandler = (name: string, outdir = join(projectRoot, 'dist', name)): Promise<string> =>
  bundle(join(projectRoot, 'functions', 'handlers', `${name}.ts`), join(outdir, 'index.mjs'), {
    alias: handlerAliases,
  });

/** The inputs that put the most bytes into a bundle (minified bytes in the output), largest first. */
export const heaviestInputs = (outfile: string, count = 5): { path: string; bytes: number }[] => {
  const metafile = JSON.parse(readFileSync(metafilePath(outfile), 'utf8')) as Metafile;
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(basename(outfile)))?.[1];
  return Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
};

/** Packages of the AWS SDK v3 (clients, their Smithy runtime and crypto): what any SDK-using bundle carries. */
const sdkPackage = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//;

/** Minified bytes a bundle owes to the AWS SDK, from its metafile. */
export const sdkBytes = (outfile: string): number => {
  const metafile = JSON.parse(readFileSync(metafilePath(outfile), 'utf8')) as Metafile;
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(basename(outfile)))?.[1];
  return Object.entries(output?.inputs ?? {})
    .filter(([path]) => sdkPackage.test(path))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A size line for a bundle, then its five heaviest inputs. */
export const describeBundle = (name: string, outfile: string): string =>
  [
    `${name.padEnd(14)} ${kb(statSync(outfile).size).padStart(10)}  ${relative(projectRoot, outfile)}`,
    ...heaviestInputs(outfile).map(
      ({ path, bytes }) => `${''.padEnd(14)} ${kb(bytes).padStart(10)}    ${path}`,
    ),
  ].join('\n');

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = handlerNames();
  const outfiles = await Promise.all(names.map((name) => buildHandler(name)));
  names.forEach((name, index) => console.log(describeBundle(name, outfiles[index] ?? '')));
  console.log(
    `built ${names.length} handler bundle(s) into dist/ (metafiles: dist/<name>/meta.json): ${names.join(', ')}`,
  );
}
