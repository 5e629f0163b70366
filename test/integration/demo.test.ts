/** The README's first command: the demo scenario, run here against the suite's moto so CI proves it works. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoReporter, runDemo } from '../../scripts/lib/demo-scenario.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';

describe('npm run demo', () => {
  let receiver: SlackReceiver;
  beforeAll(async () => {
    receiver = await SlackReceiver.start();
  });
  afterAll(async () => {
    delete process.env.DECKHAND_SLACK_API_URL;
    delete process.env.DECKHAND_NOTICE_QUEUE_URL;
    await receiver.close();
  });

  it('does its whole job: every step’s expected outcome happens, and Slack hears about it', async () => {
    const checks: [boolean, string][] = [];
    const reporter: DemoReporter = {
      step: () => {},
      invoked: () => {},
      slack: () => {},
      check: (ok, expectation) => checks.push([ok, expectation]),
      wait: (_label, work) => work,
    };
    const result = await runDemo(receiver, reporter, mkdtempSync(join(tmpdir(), 'deckhand-demo-')));
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(checks.length).toBeGreaterThanOrEqual(14);
    const titles = receiver.current().map((m) => m.blocks[0]?.text?.text ?? '');
    expect(titles).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/crash loop \(oom\)/),
        expect.stringMatching(/rolled back after an alarm/),
        expect.stringMatching(/Drift in 1 service/),
        expect.stringMatching(/Out-of-band change/),
      ]),
    );
  });
});
