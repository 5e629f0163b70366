/** Debian's chromium for the browser tests, installed once per run when missing (never a downloaded build). */
import { ensureChromium } from '../../scripts/lib/chromium.ts';

export const setup = (): void => {
  ensureChromium((line) => console.error(`[chromium] ${line}`));
};
