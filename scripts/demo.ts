/**
 * `npm run demo`: Deckhand's whole job on the local emulator, as a timeline.
 *  1. Start moto (or use AWS_ENDPOINT_URL) and a local Slack receiver.
 *  2. Run the scenario (scripts/lib/demo-scenario.ts) through the bundled handlers.
 *  3. Print each step, each handler's outcome and each Slack message as text; write demo-output/, with
 *     the status page (status.html) and its screenshot in headless Chromium (status.png).
 *  4. Exit 0 only if every expectation held; otherwise name the step that diverged.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoReporter, runDemo } from './lib/demo-scenario.ts';
import { startMoto } from './lib/moto.ts';
import { type ReceivedMessage, SlackReceiver } from './lib/slack-receiver.ts';
import { screenshotStatus } from './lib/status-screenshot.ts';

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const [bold, dim, green, red, yellow, cyan] = [1, 2, 32, 31, 33, 36].map(paint) as ((
  text: string,
) => string)[] as [
  (t: string) => string,
  (t: string) => string,
  (t: string) => string,
  (t: string) => string,
  (t: string) => string,
  (t: string) => string,
];
const started = Date.now();
const elapsed = () => dim(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`);
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Slack's mrkdwn as a terminal line: entities back to characters, links as "label (url)". */
const plain = (text: string) =>
  text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\*/g, '');

const renderMessage = (message: ReceivedMessage): string[] => {
  const where = message.kind === 'webhook' ? `webhook ${message.destination}` : `#${message.destination}`;
  const verb = message.kind === 'update' ? 'updated' : 'posted';
  const lines = [`${cyan('slack')} ${where} ${dim(verb)}`];
  for (const block of message.blocks) {
    const text =
      block.text?.text ?? (block.fields ?? []).map((f) => (f.text ?? '').replace('\n', ': ')).join('  |  ');
    const elements = (block.elements ?? []) as { text?: string }[];
    const body = text || elements.map((e) => e.text ?? '').join(' ');
    for (const line of plain(body).split('\n').slice(0, 6))
      if (line.trim()) lines.push(`    ${block.type === 'header' ? bold(line) : line}`);
  }
  return lines.map((line) => `          ${line}`);
};

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const reporter: DemoReporter = {
  step: (title) => say(`\n${elapsed()} ${bold(title)}`),
  invoked: (handler, what, outcome) => {
    const colour = /failed|rejected/.test(outcome.outcome)
      ? red
      : /blocked|alerted|rolled-back|pending/.test(outcome.outcome)
        ? yellow
        : green;
    say(`${elapsed()}   ${dim('→')} ${handler.padEnd(10)} ${what}  ${colour(outcome.outcome)}`);
    if (outcome.reason) say(`          ${dim(outcome.reason.slice(0, 220))}`);
  },
  slack: (messages) => {
    for (const message of messages) for (const line of renderMessage(message)) say(line);
  },
  check: (ok, expectation) => say(`${elapsed()}   ${ok ? green('✔') : red('✖')} ${expectation}`),
  wait: async (label, work) => {
    if (!tty) return work;
    let frame = 0;
    const timer = setInterval(
      () => process.stdout.write(`\r${dim(`${frames[(frame += 1) % frames.length]} ${label}`)}\u001b[K`),
      80,
    );
    try {
      return await work;
    } finally {
      clearInterval(timer);
      process.stdout.write('\r\u001b[K');
    }
  },
};

say(bold('Deckhand demo: deploy, guardrails, rollout follow-through, rollback, crash loops, drift'));
process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const moto = await reporter.wait(
  'starting moto (the first run installs it into .venv)',
  startMoto((line) => say(dim(`          ${line}`))),
);
process.env.AWS_ENDPOINT_URL = moto.endpoint;
const receiver = await SlackReceiver.start();
say(`${elapsed()} ${dim(`moto at ${moto.endpoint}, Slack receiver at ${receiver.url}`)}`);
let code = 1;
try {
  const result = await runDemo(receiver, reporter);
  say('');
  const html = join(result.outputDir, 'status.html');
  if (existsSync(html)) {
    try {
      await reporter.wait(
        'screenshot of status.html in headless Chromium (the first run installs Debian’s chromium)',
        screenshotStatus(html, join(result.outputDir, 'status.png')),
      );
      say(dim(`          status page: ${html} (screenshot: status.png)`));
    } catch (error) {
      say(yellow(`          status.png not written: ${(error as Error).message}`));
    }
  }
  if (result.ok) {
    say(
      green(bold(`✔ every step did what it should, in ${((Date.now() - started) / 1000).toFixed(0)} s.`)) +
        dim(` Slack payloads, ledger and outcomes: ${result.outputDir}/`),
    );
    code = 0;
  } else {
    say(red(bold(`✖ the demo diverged at "${result.failedStep ?? '?'}":`)));
    for (const failure of result.failures) say(red(`  - ${failure}`));
  }
} catch (error) {
  say(red(`✖ the demo failed: ${(error as Error).stack ?? String(error)}`));
} finally {
  await receiver.close();
  await moto.stop();
}
process.exit(code);
