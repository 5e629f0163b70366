/**
 * Delivery chaos: every event of the demo scenario delivered 3 times at once. The end state must be the same
 * as with single delivery (every expectation holds), and Slack must hear each thing once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoReporter, runDemo } from '../../scripts/lib/demo-scenario.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';

describe('the demo with every event delivered 3× concurrently', () => {
  let receiver: SlackReceiver;
  beforeAll(async () => {
    receiver = await SlackReceiver.start();
  });
  afterAll(async () => {
    delete process.env.DECKHAND_SLACK_API_URL;
    delete process.env.DECKHAND_NOTICE_QUEUE_URL;
    await receiver.close();
  });

  it('ends in the same state, with no duplicate Slack message', async () => {
    const quiet: DemoReporter = {
      step: () => {},
      invoked: () => {},
      slack: () => {},
      check: () => {},
      wait: (_l, w) => w,
    };
    const result = await runDemo(receiver, quiet, mkdtempSync(join(tmpdir(), 'deckhand-chaos-')), {
      copies: 3,
    });
    expect(result.failures).toEqual([]);
    const posts = receiver.messages
      .filter((m) => m.kind !== 'update')
      .map((m) => `${m.destination}|${m.text}`);
    expect(posts.length).toBeGreaterThan(5);
    expect(new Set(posts).size).toBe(posts.length);
  });
});
