/**
 * What the stack ships is what `npm run build` measures: a function bundled by the CDK (NodejsFunction through
 * DeckhandFunction, infra/bundling.ts's settings) is byte for byte the bundle scripts/build.ts writes, the
 * SDK's credential chain replaced by the environment's credentials in both.
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
    new DeckhandFunction(new Stack(app, 'Bundling'), 'Function', { handlerName: 'slack-actions' });
    app.synth();
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const shipped = readFileSync(join(outdir, assets[0] ?? '', 'index.mjs'), 'utf8');
    const built = readFileSync(await buildHandler('slack-actions', join(outdir, 'built')), 'utf8');
    expect(shipped.length).toBe(built.length);
    expect(shipped === built).toBe(true);
    // The environment's credentials provider, and not the default chain's shared-config (ini) reader.
    expect(shipped).toContain('Unable to find environment variable credentials');
    expect(shipped).not.toContain('fromIni');
  });
});
