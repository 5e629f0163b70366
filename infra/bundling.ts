/** esbuild settings shared by `npm run build` and the CDK's NodejsFunction, so dist/ is what ships. */
export const bundleTarget = 'node24';
// ESM bundles of CommonJS dependencies need a real `require`.
export const esmRequireBanner =
  "import { createRequire as __deckhandCreateRequire } from 'node:module'; const require = __deckhandCreateRequire(import.meta.url);";
export const mainFields = ['module', 'main'];

/**
 * Packages the Lambda bundles replace, with the replacement's path from the project root (esbuild resolves an
 * alias in its working directory: the project root for the CDK and `npm run build`). The SDK's default
 * credential chain becomes the environment alone, which is where Lambda puts the role's credentials
 * (functions/adapters/lambda-credentials.ts says why that is the same answer); `debug`, which only secretlint's
 * tracing uses there, loggers that never print (functions/adapters/lambda-debug.ts).
 */
export const lambdaAliases: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './functions/adapters/lambda-credentials.ts',
  debug: './functions/adapters/lambda-debug.ts',
};

/**
 * What NodejsFunction takes as `esbuildArgs` to build as `npm run build` does: the aliases
 * (`--alias:<package>=<path>`), and no legal comments (its default keeps them at the end of the file).
 */
export const lambdaEsbuildArgs = {
  '--alias': Object.entries(lambdaAliases).map(([name, path]) => `${name}=${path}`),
  '--legal-comments': 'none',
};

/** The esbuild options Deckhand's own builds share (`npm run build`, the CLI bundle, the bench). */
export const esbuildShared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: bundleTarget,
  mainFields,
  minify: true,
  treeShaking: true,
  sourcemap: false,
  metafile: true,
  legalComments: 'none',
  banner: { js: esmRequireBanner },
  logLevel: 'warning',
} as const;
