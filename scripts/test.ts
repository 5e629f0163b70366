/**
 * `npm test`: the whole suite, in the order that fails fastest.
 *  1. Prepare the Python venv (moto, cfn-lint) once, so parallel test projects don't race to build it.
 *  2. Lint (ESLint with typescript-eslint, Prettier), then type-check (tsc, no emit).
 *  3. vitest: unit, integration (moto over HTTP) and infra (synth, cdk-nag, cfn-lint, EventBridge routing).
 *  4. Print one plain summary line.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureVenv, projectRoot } from './lib/moto.ts';
import { run } from './lib/run.ts';

const step = (title: string) => console.log(`\n▶ ${title}`);
const started = Date.now();

step('python venv (moto, cfn-lint)');
ensureVenv((line) => console.log(line));

step('lint (eslint, prettier)');
if (run('eslint', ['.']) !== 0 || run('prettier', ['--check', '.']) !== 0) process.exit(1);

step('typecheck (tsc)');
if (run('tsc', ['--noEmit']) !== 0) process.exit(1);

step('vitest: unit, integration, infra');
const report = join(projectRoot, '.local', 'vitest-report.json');
rmSync(report, { force: true });
const status = run('vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

if (existsSync(report)) {
  const {
    numPassedTests = 0,
    numFailedTests = 0,
    numPendingTests = 0,
  } = JSON.parse(readFileSync(report, 'utf8')) as Partial<Record<string, number>>;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\nsuite took ${seconds}s`);
  console.log(`tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}
process.exit(status);
