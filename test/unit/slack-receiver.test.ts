import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackReceiver } from '../../scripts/lib/slack-receiver.ts';

describe('local Slack receiver', () => {
  let slack: SlackReceiver;
  beforeEach(async () => {
    slack = await SlackReceiver.start();
  });
  afterEach(() => slack.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('accepts a webhook post and answers ok, with no ts', async () => {
    const response = await post(slack.webhookUrl('payments'), { text: 'hi', blocks: [] });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(slack.messages).toMatchObject([{ kind: 'webhook', destination: 'payments', text: 'hi' }]);
  });

  it('posts and updates in place through the Web API', async () => {
    const auth = { authorization: 'Bearer xoxb-test' };
    const response = await post(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'a' }, auth);
    const posted = (await response.json()) as { ts: string };
    expect(posted).toMatchObject({ ok: true, channel: 'C1' });
    const updated = await (
      await post(`${slack.apiUrl}chat.update`, { channel: 'C1', ts: posted.ts, text: 'b' }, auth)
    ).json();
    expect(updated).toEqual({ ok: true, channel: 'C1', ts: posted.ts });
    expect(slack.current().map((m) => m.text)).toEqual(['b']);
    const missing = await (
      await post(`${slack.apiUrl}chat.update`, { channel: 'C1', ts: '1.2', text: 'c' }, auth)
    ).json();
    expect(missing).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('refuses the Web API without a bot token', async () => {
    const answer = await (await post(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'a' })).json();
    expect(answer).toEqual({ ok: false, error: 'not_authed' });
  });

  it('enforces the Block Kit limits', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await post(slack.webhookUrl('x'), { text: 't', blocks: tooMany })).status).toBe(400);
    const longHeader = [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }];
    expect((await post(slack.webhookUrl('x'), { text: 't', blocks: longHeader })).status).toBe(400);
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } }];
    expect((await post(slack.webhookUrl('x'), { text: 't', blocks: longSection })).status).toBe(400);
    expect(slack.messages).toHaveLength(0);
  });

  it('answers scripted 429 with Retry-After and 500, then recovers', async () => {
    slack.respondNext({ status: 429, retryAfter: 2 }, { status: 500 });
    const limited = await post(slack.webhookUrl('x'), { text: 't' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await post(slack.webhookUrl('x'), { text: 't' })).status).toBe(500);
    expect((await post(slack.webhookUrl('x'), { text: 't' })).status).toBe(200);
    expect(slack.attempts).toBe(3);
    expect(slack.messages).toHaveLength(1);
  });
});
