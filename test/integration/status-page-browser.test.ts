/**
 * The status page and the dashboard widget in a real browser: the demo's scenario runs on moto (the same
 * ledger `npm run demo` leaves), `deckhand status --html` and the dashboard function render it, and headless
 * Chromium (Debian's package, driven by playwright-core) loads the result. What a person sees is asserted
 * from the ledger itself; the page logs no console error; axe-core finds no serious or critical violation,
 * on a desktop and a phone, in light and dark.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#cli/deckhand.ts';
import { wireCli } from '#cli/session.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { serviceKeyOf, siteOfTarget } from '#core/sites.ts';
import { shortDigest } from '#core/status/view.ts';
import { buildHandler } from '../../scripts/build.ts';
import { launchChromium, type HeadlessChromium } from '../../scripts/lib/chromium.ts';
import { type DemoReporter, runDemo } from '../../scripts/lib/demo-scenario.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';
import { testAccount } from '../helpers/aws.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

const quiet: DemoReporter = {
  step: () => {},
  invoked: () => {},
  slack: () => {},
  check: () => {},
  wait: (_label, work) => work,
};
const targets = [
  ['web-staging', 'staging/web'],
  ['web-prod', 'prod/web'],
  ['web-prod', 'prod/worker'],
  ['web-eu', 'prod-eu/web'],
] as const;

interface Loaded {
  page: Page;
  errors: string[];
}

/** A fresh page with the console and page errors collected, showing `url` or `html`. */
const open = async (
  chromium: HeadlessChromium,
  show: { url: string } | { html: string },
  viewport = { width: 1200, height: 800 },
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Loaded> => {
  const page = await chromium.context.newPage();
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Offline: any request the page makes beyond its own document fails, and is an error.
  await page.route(/^(?!file:|data:|about:)/, (route) => {
    errors.push(`request to ${route.request().url()}`);
    return route.abort();
  });
  if ('url' in show) await page.goto(show.url);
  else await page.setContent(show.html);
  return { page, errors };
};

/** axe-core's serious and critical violations, as `rule: target` lines. */
const seriousViolations = async (page: Page): Promise<string[]> => {
  await page.addScriptTag({ content: axe.source });
  // A string runs in the page: the test's own types know no DOM.
  const results = await page.evaluate<axe.AxeResults>('axe.run(document)');
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary ?? ''})`));
};

describe('the status page and widget from the demo’s ledger, in headless Chromium', () => {
  let receiver: SlackReceiver;
  let chromium: HeadlessChromium;
  let outputDir: string;
  let ledger: Ledger;
  /** The ledger's key of a pipeline's target shown as `cluster/service` (prod-eu/web is in the demo's spoke). */
  let keyOf: (pipeline: string, shown: string) => string;
  let cliPage: string;
  let widget: string;
  let dashboard: (event: unknown, context: unknown) => Promise<unknown>;
  const widgetRequest = (fields: Record<string, unknown> = {}) => ({
    ...fields,
    widgetContext: { accountId: testAccount(), dashboardName: 'Deckhand', widgetId: 'w1', theme: 'light' },
  });

  beforeAll(async () => {
    receiver = await SlackReceiver.start();
    outputDir = mkdtempSync(join(tmpdir(), 'deckhand-status-page-'));
    const result = await runDemo(receiver, quiet, outputDir);
    expect(result.failures).toEqual([]);
    const config = process.env.DECKHAND_CONFIG ?? '';
    const wired = await wireCli(config);
    ledger = wired.ledger;
    keyOf = (pipeline, shown) => {
      const target = wired.config.pipelines
        .find((p) => p.name === pipeline)
        ?.targets.find((t) => `${t.cluster}/${t.service}` === shown);
      return target ? serviceKeyOf(target.cluster, target.service, siteOfTarget(wired, target)) : shown;
    };
    // The CLI's page, beside the one the demo wrote.
    cliPage = join(outputDir, 'cli-status.html');
    expect(await main(['status', '--html', cliPage, '--config', config], () => {})).toBe(0);
    // The dashboard function as it ships: bundled, wired at import from the environment (the demo's config).
    const bundle = await buildHandler('dashboard', join(outputDir, 'dist', 'dashboard'));
    dashboard = ((await import(pathToFileURL(bundle).href)) as { handler: typeof dashboard }).handler;
    widget = (await dashboard(widgetRequest(), lambdaContext('dashboard'))) as string;
    chromium = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    delete process.env.DECKHAND_SLACK_API_URL;
    delete process.env.DECKHAND_NOTICE_QUEUE_URL;
    await chromium?.close();
    await receiver?.close();
  });

  it('writes the same page from the demo and from `deckhand status --html`', () => {
    const withoutTime = (file: string) =>
      readFileSync(file, 'utf8').replace(/<time datetime="[^"]*">[^<]*<\/time>/g, '');
    expect(withoutTime(cliPage)).toBe(withoutTime(join(outputDir, 'status.html')));
  });

  it('shows each pipeline, and per target its deployed tag and short digest and its last rollout’s state', async () => {
    const { page, errors } = await open(chromium, {
      url: pathToFileURL(join(outputDir, 'status.html')).href,
    });
    for (const [pipeline, shown] of targets) {
      const serviceKey = keyOf(pipeline, shown);
      await expect(page.getByRole('heading', { level: 2, name: pipeline }).count()).resolves.toBe(1);
      const head = await ledger.heads.get(serviceKey);
      const last = (await ledger.rollouts.list(serviceKey)).filter((r) => r.pipeline === pipeline).at(-1);
      expect(head, serviceKey).toBeDefined();
      expect(last, serviceKey).toBeDefined();
      const row = page.getByRole('row', { name: new RegExp(`^${shown}\\b`) });
      await expect(row.count()).resolves.toBe(1);
      const text = await row.innerText();
      expect(text).toContain(`${head!.tag} ${shortDigest(head!.digest)}`);
      expect(text).toContain(last!.status);
    }
    // What the demo did to prod/web: its 1.5.1 rolled back by the alarm, the pipeline paused, drift found.
    const prodWeb = await page.getByRole('row', { name: /^prod\/web\b/ }).innerText();
    expect(prodWeb).toMatch(/paused/);
    expect(prodWeb).toMatch(/rolled-back/);
    expect(prodWeb).toMatch(/Drift/);
    expect(errors).toEqual([]);
  });

  it.each([
    ['desktop, light', { width: 1200, height: 800 }, 'light'],
    ['phone, dark', { width: 390, height: 844 }, 'dark'],
  ] as const)(
    'logs no console error and has no serious accessibility violation (%s)',
    async (_name, viewport, scheme) => {
      const { page, errors } = await open(
        chromium,
        { url: pathToFileURL(join(outputDir, 'status.html')).href },
        viewport,
        scheme,
      );
      // Readable on a phone: nothing wider than the screen.
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it.each(['light', 'dark'])(
    'renders the widget’s HTML the same way (%s theme): every pipeline, a Resume button, no error, no serious violation',
    async (theme) => {
      const html = (await dashboard(
        { widgetContext: { ...widgetRequest().widgetContext, theme } },
        lambdaContext('dashboard'),
      )) as string;
      // The console embeds the fragment in its own page; a minimal one stands in for it.
      const { page, errors } = await open(chromium, {
        html: `<!doctype html><html lang="en"><head><title>Deckhand widget</title></head><body><main>${html}</main></body></html>`,
      });
      for (const [pipeline] of targets)
        await expect(page.getByRole('heading', { level: 2, name: pipeline }).count()).resolves.toBe(1);
      await expect(page.getByRole('button', { name: 'Resume web-prod' }).count()).resolves.toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it('acts on the Resume button’s call: the JSON it carries, sent back to the function, resumes web-prod', async () => {
    const call =
      /<button[^>]*>Resume web-prod<\/button\s*><cwdb-action[^>]*endpoint="([^"]+)"[^>]*>([^<]+)<\/cwdb-action/.exec(
        widget,
      );
    expect(call?.[1]).toBe(lambdaContext('dashboard').invokedFunctionArn);
    const params = JSON.parse((call?.[2] ?? '').replace(/&quot;/g, '"')) as Record<string, unknown>;
    const answer = (await dashboard(widgetRequest(params), lambdaContext('dashboard'))) as string;
    expect(answer).toContain(`console:${testAccount()} resumed web-prod on prod/web, prod/worker`);
    expect(await ledger.pauses.get('prod/web')).toBeUndefined();
    expect(await ledger.pauses.get('prod/worker')).toBeUndefined();
    expect(answer).not.toContain('Resume web-prod');
  });
});
