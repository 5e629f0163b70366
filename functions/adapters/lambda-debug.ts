/**
 * What the Lambda bundles get for `debug` (infra/bundling.ts aliases it here): loggers that never print. In
 * the functions only @secretlint/core uses it, for tracing that `debug` prints only when DEBUG names it,
 * which Deckhand never sets (its logs go through the Powertools Logger); the package's Node build weighs
 * 6.7 KB in each guardrail bundle. The CLI and the tests run unbundled and keep the package.
 */
interface Debugger {
  (formatter: unknown, ...values: unknown[]): void;
  readonly namespace: string;
  readonly enabled: false;
  extend(namespace: string, delimiter?: string): Debugger;
}

const createDebugger = (namespace: string): Debugger =>
  Object.assign(() => undefined, {
    namespace,
    enabled: false as const,
    extend: (sub: string, delimiter = ':') => createDebugger(`${namespace}${delimiter}${sub}`),
  });

/** `debug(namespace)`, and the package's switches, all off. */
const createDebug = Object.assign(createDebugger, {
  enable: () => undefined,
  disable: () => '',
  enabled: () => false,
});

// The package's shape: its users default-import it (`import debug from 'debug'`).
export { createDebug as default };
