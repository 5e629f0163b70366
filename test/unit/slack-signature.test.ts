/**
 * Slack request signing: the known answer from Slack's documentation, and every way a forged, altered,
 * replayed or half-signed request is refused (401) before anything is read or decided.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { silentLog } from '#core/ports/log.ts';
import { slackSignature, verifySlackSignature } from '#core/slack/signature.ts';
import type { DecisionRequest, DecisionResult } from '#core/use-cases/decide-promotion.ts';
import { handleSlackInteraction } from '#core/use-cases/slack-interaction.ts';
import { ManualClock } from '../helpers/memory-stores.ts';

/** Slack's worked example (docs.slack.dev, "Verifying requests from Slack"), as the shared payloads keep it. */
const documented = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const sharedVector = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'payloads',
  'slack-signing-example.slackdocs.json',
);
const vector: typeof documented = existsSync(sharedVector)
  ? (JSON.parse(readFileSync(sharedVector, 'utf8')) as typeof documented)
  : documented;

const at = (timestamp: string, offsetSeconds = 0) => new Date((Number(timestamp) + offsetSeconds) * 1000);

describe('Slack signature (known answer)', () => {
  it('the shared vector is Slack’s documented example', () => {
    expect(vector).toEqual(documented);
  });

  it('computes the documented signature', () => {
    expect(slackSignature(vector.signingSecret, vector.timestamp, vector.body)).toBe(vector.signature);
    expect(slackSignature(vector.signingSecret, vector.timestamp, Buffer.from(vector.body))).toBe(
      vector.signature,
    );
  });

  it('accepts the documented request at its own time, and up to five minutes either side', () => {
    for (const offset of [0, 299, -299, 300, -300]) {
      expect(
        verifySlackSignature(
          { timestamp: vector.timestamp, signature: vector.signature, body: vector.body },
          vector.signingSecret,
          at(vector.timestamp, offset),
        ),
      ).toEqual({ ok: true });
    }
  });

  it.each([
    ['a changed body', { body: `${documented.body}&x=1` }, 0, 'signature mismatch'],
    ['an old timestamp', {}, 301, 'more than 5 minutes'],
    ['a future timestamp', {}, -301, 'more than 5 minutes'],
    ['a wrong secret', { secret: '8f742231b10e8888abcd99yyyzzz85a6' }, 0, 'signature mismatch'],
    ['an empty secret', { secret: '' }, 0, 'no signing secret'],
    ['no signature', { signature: undefined }, 0, 'missing X-Slack-Signature'],
    ['no timestamp', { timestamp: undefined }, 0, 'missing X-Slack-Request-Timestamp'],
    ['another version', { signature: documented.signature.replace('v0=', 'v1=') }, 0, 'version'],
    ['a truncated signature', { signature: documented.signature.slice(0, -1) }, 0, 'signature mismatch'],
    ['an upper-case signature', { signature: documented.signature.toUpperCase() }, 0, 'version'],
    ['a timestamp that is not seconds', { timestamp: '1531420618.5' }, 0, 'not Unix seconds'],
  ] as const)('refuses %s', (_name, change, offset, reason) => {
    const check = verifySlackSignature(
      {
        timestamp: 'timestamp' in change ? change.timestamp : documented.timestamp,
        signature: 'signature' in change ? change.signature : documented.signature,
        body: 'body' in change ? change.body : documented.body,
      },
      'secret' in change ? change.secret : documented.signingSecret,
      at(documented.timestamp, offset),
    );
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(reason);
  });
});

describe('the Function URL endpoint refuses unsigned requests', () => {
  const secret = 'local-signing-secret';
  const body = `payload=${encodeURIComponent(
    JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0APPROVE1' },
      trigger_id: '1.2.3',
      actions: [
        {
          action_id: 'deckhand.approve',
          value: JSON.stringify({ pipeline: 'web-prod', digest: `sha256:${'ab'.repeat(32)}` }),
        },
      ],
    }),
  )}`;
  const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const signed = (overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) => ({
    version: '2.0',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
      ...headers,
    },
    body,
    isBase64Encoded: false,
    ...overrides,
  });
  const deps = () => {
    const decide = vi.fn((_request: DecisionRequest): Promise<DecisionResult> =>
      Promise.resolve({ status: 'approved', message: 'approved' }),
    );
    return { decide, deps: { signingSecret: () => Promise.resolve(secret), decide, clock, log: silentLog } };
  };

  it('answers a genuine request (the control case)', async () => {
    const { decide, deps: d } = deps();
    const outcome = await handleSlackInteraction(signed(), d);
    expect(outcome.statusCode).toBe(200);
    expect(decide).toHaveBeenCalledOnce();
  });

  const old = String(Number(timestamp) - 301);
  const future = String(Number(timestamp) + 301);
  it.each([
    ['a changed body', signed({ body: body.replace('approve', 'decline') })],
    [
      'an old timestamp, re-signed',
      signed(
        {},
        { 'x-slack-request-timestamp': old, 'x-slack-signature': slackSignature(secret, old, body) },
      ),
    ],
    [
      'a future timestamp, re-signed',
      signed(
        {},
        { 'x-slack-request-timestamp': future, 'x-slack-signature': slackSignature(secret, future, body) },
      ),
    ],
    ['a wrong secret', signed({}, { 'x-slack-signature': slackSignature('other', timestamp, body) })],
    ['no headers', signed({ headers: undefined })],
    ['no signature header', signed({ headers: { 'x-slack-request-timestamp': timestamp } })],
    [
      'no timestamp header',
      signed({ headers: { 'x-slack-signature': slackSignature(secret, timestamp, body) } }),
    ],
    [
      'a v1 signature',
      signed({}, { 'x-slack-signature': slackSignature(secret, timestamp, body).replace(/^v0/, 'v1') }),
    ],
    ['a body claimed base64 that is not', signed({ isBase64Encoded: true })],
    ['not an event at all', 'payload=x'],
  ])('refuses %s with 401, deciding nothing', async (_name, event) => {
    const { decide, deps: d } = deps();
    const outcome = await handleSlackInteraction(event, d);
    expect(outcome).toMatchObject({ kind: 'interaction', statusCode: 401, outcome: 'rejected' });
    expect(outcome.eventId).toBe('(unsigned)');
    expect(decide).not.toHaveBeenCalled();
  });

  it('reads headers whatever their case', async () => {
    const { decide, deps: d } = deps();
    const event = signed({
      headers: {
        'X-Slack-Request-Timestamp': timestamp,
        'X-SLACK-SIGNATURE': slackSignature(secret, timestamp, body),
      },
    });
    expect((await handleSlackInteraction(event, d)).statusCode).toBe(200);
    expect(decide).toHaveBeenCalledOnce();
  });
});
