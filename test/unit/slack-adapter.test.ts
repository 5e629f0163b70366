/** The Slack adapter against the local receiver: what Slack is sent, and what Deckhand makes of its answers. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, SlackDeliveryError } from '#adapters/slack.ts';
import type { Destination } from '#core/ports/slack.ts';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';

const token = 'xoxb-1111-2222-test';
const api: Destination & { kind: 'api' } = {
  kind: 'api',
  id: 'payments',
  channel: 'C0PAYMENTS',
  tokenSecret: 'arn:token',
};
const message = (text: string) => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

describe('the Slack adapter', () => {
  let slack: SlackReceiver;
  let waits: number[];
  const adapter = (options: { attempts?: number; budgetMs?: number } = {}) =>
    createSlackAdapter({
      secrets: {
        value: (arn: string) => Promise.resolve(arn === 'arn:token' ? token : slack.webhookUrl('search')),
      },
      apiUrl: slack.apiUrl,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...options,
    });

  beforeEach(async () => {
    slack = await SlackReceiver.start();
    waits = [];
  });
  afterEach(() => slack.close());

  it('posts through the Web API with the bot token, and updates that message in place', async () => {
    const port = adapter();
    const ref = await port.post(api, message('rolling out'));
    expect(ref).toEqual({ channel: 'C0PAYMENTS', ts: expect.any(String) });
    if (!ref) throw new Error('no ref');
    await port.update(api, ref, message('rollout succeeded'));
    expect(slack.messages.map((m) => [m.kind, m.destination, m.ts, m.text])).toEqual([
      ['post', 'C0PAYMENTS', ref.ts, 'rolling out'],
      ['update', 'C0PAYMENTS', ref.ts, 'rollout succeeded'],
    ]);
    expect(slack.messages[0]?.body).toMatchObject({
      unfurl_links: false,
      blocks: message('rolling out').blocks,
    });
  });

  it('posts to an incoming webhook, which answers no message to update', async () => {
    const webhook: Destination = { kind: 'webhook', id: 'search', urlSecret: 'arn:hook' };
    expect(await adapter().post(webhook, message('deployed'))).toBeUndefined();
    expect(slack.messages.map((m) => [m.kind, m.destination, m.text])).toEqual([
      ['webhook', 'search', 'deployed'],
    ]);
  });

  it('waits out a 429 for its Retry-After, then delivers once', async () => {
    slack.respondNext({ status: 429, retryAfter: 2 });
    await adapter().post(api, message('hello'));
    const webhook: Destination = { kind: 'webhook-url', id: 'x', url: slack.webhookUrl('x') };
    slack.respondNext({ status: 429, retryAfter: 1 });
    await adapter().post(webhook, message('hello'));
    expect(waits).toEqual([2000, 1000]);
    expect(slack.messages).toHaveLength(2);
    expect(slack.attempts).toBe(4);
  });

  it('gives up on a 429 whose wait would exceed the budget, without waiting', async () => {
    slack.respondNext({ status: 429, retryAfter: 30 });
    await expect(adapter({ budgetMs: 8_000 }).post(api, message('hello'))).rejects.toThrow(
      /^Slack refused the message: rate limited: retry after 30s$/,
    );
    expect(waits).toEqual([]);
  });

  it('does not retry what Slack refuses for another reason, and says why', async () => {
    const port = adapter();
    await expect(port.update(api, { channel: 'C0PAYMENTS', ts: '1.000001' }, message('x'))).rejects.toThrow(
      'Slack refused the message: chat.update: message_not_found',
    );
    slack.respondNext({ status: 500 });
    const failure = port.post(api, message('x'));
    await expect(failure).rejects.toBeInstanceOf(SlackDeliveryError);
    await expect(failure).rejects.toThrow(/HTTP 500$/);
    expect(slack.attempts).toBe(2);
    expect(waits).toEqual([]);
  });

  it('names an unreachable Slack by the cause, never by the URL', async () => {
    const gone = await SlackReceiver.start();
    await gone.close();
    const port = createSlackAdapter({
      secrets: { value: () => Promise.resolve(token) },
      apiUrl: gone.apiUrl,
      attempts: 1,
    });
    await expect(port.post(api, message('x'))).rejects.toThrow(
      /^Slack refused the message: unreachable \(ECONNREFUSED\)$/,
    );
    const broken = createSlackAdapter({
      secrets: { value: () => Promise.resolve('not a url: very-secret-path') },
      attempts: 1,
    });
    const webhook: Destination = { kind: 'webhook', id: 'x', urlSecret: 'arn:hook' };
    const error = await broken.post(webhook, message('x')).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    expect(error?.message).toMatch(/not a usable URL/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('very-secret-path');
  });
});
