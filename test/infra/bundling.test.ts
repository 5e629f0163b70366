/**
 * What the stack ships is what `npm run build` measures: a function bundled by the CDK (NodejsFunction through
 * DeckhandFunction, infra/bundling.ts's settings) is byte for byte the bundle scripts/build.ts writes, the
 * SDK's credential chain replaced by the environment's credentials in both, and secretlint's `debug` by
 * loggers that never print.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DeckhandFunction } from '../../infra/constructs/deckhand-function.ts';
import { buildHandler } from '../../scripts/build.ts';

describe('Lambda bundling', () => {
  it('bundles a function in the CDK exactly as npm run build does', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'deckhand-cdk-bundle-'));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['**'] } });
    new DeckhandFunction(new Stack(app, 'Bundling'), 'Function', { handlerName: 'deployment-hook' });
    app.synth();
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const shipped = readFileSync(join(outdir, assets[0] ?? '', 'index.mjs'), 'utf8');
    const built = readFileSync(await buildHandler('deployment-hook', join(outdir, 'built')), 'utf8');
    expect(shipped.length).toBe(built.length);
    expect(shipped === built).toBe(true);
    // The environment's credentials provider, and not the default chain's shared-config (ini) reader.
    expect(shipped).toContain('Unable to find environment variable credentials');
    expect(shipped).not.toContain('fromIni');
    // secretlint is in this function, its `debug` is not (the package's Node build reads `inspectOpts`).
    expect(shipped).toContain('@secretlint/core');
    expect(shipped).not.toContain('inspectOpts');
  });
});
