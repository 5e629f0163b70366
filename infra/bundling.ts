/** esbuild settings shared by `npm run build` and the CDK's NodejsFunction, so dist/ is what ships. */
export const bundleTarget = 'node24';
// ESM bundles of CommonJS dependencies need a real `require`.
export const esmRequireBanner =
  "import { createRequire as __deckhandCreateRequire } from 'node:module'; const require = __deckhandCreateRequire(import.meta.url);";
export const mainFields = ['module', 'main'];
