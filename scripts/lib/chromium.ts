/**
 * The one browser the tests and the demo use: Debian's `chromium` package, driven by playwright-core. Never a
 * downloaded browser build: when /usr/bin/chromium is missing it is installed with apt-get (as root), once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const chromiumPath = process.env.DECKHAND_CHROMIUM ?? '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing; throws with the command to run when it cannot. */
export const ensureChromium = (log: (line: string) => void = () => {}): string => {
  if (existsSync(chromiumPath)) return chromiumPath;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get'))
    throw new Error(
      `no browser at ${chromiumPath}: install Debian's chromium (sudo apt-get install -y chromium) ` +
        'or set DECKHAND_CHROMIUM to a Chromium binary',
    );
  log('installing Debian’s chromium with apt-get (first run only)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  try {
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch {
    // A stale or empty package list: refresh it once and try again.
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is missing`);
  return chromiumPath;
};

export interface HeadlessChromium {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Headless, offline-minded flags, and a fresh profile (--user-data-dir, which playwright takes as the
 * persistent context's directory) removed on close.
 */
export const launchChromium = async (
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<HeadlessChromium> => {
  const profile = mkdtempSync(join(tmpdir(), 'deckhand-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: ensureChromium(),
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
