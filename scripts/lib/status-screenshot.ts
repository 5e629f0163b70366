/** A PNG of the status page as a browser shows it: the demo's demo-output/status.png and docs/status.png. */
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.ts';

export const screenshotStatus = async (
  htmlFile: string,
  pngFile: string,
  options: { width?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<void> => {
  const chromium = await launchChromium({
    viewport: { width: options.width ?? 1200, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  try {
    const page = await chromium.context.newPage();
    await page.goto(pathToFileURL(htmlFile).href);
    await page.screenshot({ path: pngFile, fullPage: true });
  } finally {
    await chromium.close();
  }
};
