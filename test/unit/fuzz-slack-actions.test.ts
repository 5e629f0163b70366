/**
 * Hostile requests at the public Function URL (fast-check): random headers, bodies, timestamps and base64
 * flags, and mutations of a validly signed click. Never a throw, never a 5xx, and never a decision without a
 * valid signature. FUZZ_RUNS sets the cases (10,000 by default); a failure prints its seed and path, and
 * FUZZ_SEED replays it.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLog } from '#core/ports/log.ts';
import { slackSignature } from '#core/slack/signature.ts';
import type { DecisionRequest, DecisionResult, DecisionStatus } from '#core/use-cases/decide-promotion.ts';
import { handleSlackInteraction } from '#core/use-cases/slack-interaction.ts';
import { ManualClock } from '../helpers/memory-stores.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
console.log(`fuzz: ${numRuns} cases, seed ${seed} (replay with FUZZ_SEED=${seed})`);

const secret = 'fuzz-signing-secret';
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const nowSeconds = Math.floor(clock.now().getTime() / 1000);
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

const statuses: DecisionStatus[] = [
  'approved',
  'recorded',
  'declined',
  'duplicate',
  'not-found',
  'not-approver',
  'expired',
  'superseded',
  'closed',
];

const validPayload = (actionId: string, user: string) =>
  JSON.stringify({
    type: 'block_actions',
    user: { id: user, username: 'someone', team_id: 'T0' },
    container: { type: 'message', message_ts: '1795946400.000100', channel_id: 'C0' },
    trigger_id: '1.2.3',
    response_url: 'https://hooks.slack.com/actions/T0/1/x',
    actions: [
      { type: 'button', action_id: actionId, value: JSON.stringify({ pipeline: 'web-prod', digest }) },
    ],
  });

interface Request {
  headers: Record<string, unknown>;
  body: unknown;
  isBase64Encoded: unknown;
}

const signedRequest = (body: string, timestamp: string, base64: boolean): Request => ({
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  },
  body: base64 ? Buffer.from(body).toString('base64') : body,
  isBase64Encoded: base64,
});

/** Whether the request carries a signature valid for its body and the clock, computed here, not by core. */
const genuinelySigned = (event: unknown): boolean => {
  if (typeof event !== 'object' || event === null) return false;
  const { headers, body, isBase64Encoded } = event as Partial<Request>;
  if (typeof headers !== 'object' || headers === null) return false;
  const values = (name: string) =>
    Object.entries(headers)
      .filter(([key, value]) => key.toLowerCase() === name && typeof value === 'string')
      .map(([, value]) => value as string);
  const raw = typeof body === 'string' ? body : '';
  const bytes = isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw);
  // Any spelling of the headers may pass; the use case must not accept what none of them signs.
  return values('x-slack-request-timestamp').some(
    (timestamp) =>
      /^\d+$/.test(timestamp) &&
      Math.abs(Number(timestamp) - clock.now().getTime() / 1000) <= 300 &&
      values('x-slack-signature').includes(
        `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(bytes).digest('hex')}`,
      ),
  );
};

const hexDigit = fc.constantFrom(...'0123456789abcdef');
const headerName = fc.oneof(
  fc.constantFrom(
    'x-slack-request-timestamp',
    'X-Slack-Request-Timestamp',
    'x-slack-signature',
    'X-SLACK-SIGNATURE',
    'content-type',
  ),
  fc.string({ maxLength: 20 }),
);
const timestampText = fc.oneof(
  fc.integer({ min: nowSeconds - 1000, max: nowSeconds + 1000 }).map(String),
  fc.constantFrom('', '0', '-1', '1e10', ' 1795946400', String(nowSeconds) + '.0', 'NaN'),
  fc.string({ maxLength: 12 }),
);
const headerValue = fc.oneof(
  timestampText,
  fc.string({ unit: hexDigit, minLength: 64, maxLength: 64 }).map((hex) => `v0=${hex}`),
  fc.string({ maxLength: 80 }),
  fc.constant(null),
  fc.integer(),
  fc.array(fc.string(), { maxLength: 2 }),
);
const formBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.json({ maxDepth: 3 }).map((json) => `payload=${encodeURIComponent(json)}`),
  fc
    .tuple(fc.constantFrom('deckhand.approve', 'deckhand.decline', 'other'), fc.string({ maxLength: 12 }))
    .map(([actionId, user]) => `payload=${encodeURIComponent(validPayload(actionId, user))}`),
);

/** Anything at all, shaped like a Function URL request or not. */
const randomRequest = fc.oneof(
  fc.anything(),
  fc.record(
    {
      headers: fc.oneof(fc.dictionary(headerName, headerValue, { maxKeys: 6 }), fc.anything()),
      body: fc.oneof(formBody, fc.anything()),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.anything()),
    },
    { requiredKeys: [] },
  ),
);

/** A click signed as Slack signs it, then changed in one or more ways (or not at all). */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('body-char'),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant('body-append'), text: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('timestamp'), delta: fc.integer({ min: -2000, max: 2000 }) }),
  fc.record({
    kind: fc.constant('signature-char'),
    at: fc.nat(),
    char: hexDigit,
  }),
  fc.record({
    kind: fc.constant('drop-header'),
    name: fc.constantFrom('x-slack-request-timestamp', 'x-slack-signature'),
  }),
  fc.record({ kind: fc.constant('flip-base64') }),
  fc.record({ kind: fc.constant('upper-case-headers') }),
  fc.record({ kind: fc.constant('version'), prefix: fc.constantFrom('v1=', 'V0=', 'v0:', '', 'v0=v0=') }),
  fc.record({ kind: fc.constant('none') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const replaceAt = (text: string, at: number, char: string) => {
  if (text.length === 0) return char;
  const index = at % text.length;
  return `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
};

const mutate = (request: Request, change: Mutation): Request => {
  const headers = { ...request.headers };
  const next = { ...request, headers };
  const signature = String(headers['x-slack-signature']);
  switch (change.kind) {
    case 'body-char':
      next.body = replaceAt(String(request.body), change.at, change.char);
      break;
    case 'body-append':
      next.body = `${String(request.body)}${change.text}`;
      break;
    case 'timestamp':
      headers['x-slack-request-timestamp'] = String(
        Number(headers['x-slack-request-timestamp']) + change.delta,
      );
      break;
    case 'signature-char':
      headers['x-slack-signature'] = replaceAt(signature, 3 + (change.at % 64), change.char);
      break;
    case 'drop-header':
      delete headers[change.name];
      break;
    case 'flip-base64':
      next.isBase64Encoded = request.isBase64Encoded !== true;
      break;
    case 'upper-case-headers':
      next.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
      break;
    case 'version':
      headers['x-slack-signature'] = `${change.prefix}${signature.slice(3)}`;
      break;
    case 'none':
      break;
  }
  return next;
};

const mutatedClick = fc
  .record({
    actionId: fc.constantFrom('deckhand.approve', 'deckhand.decline'),
    user: fc.constantFrom('U0APPROVE1', 'U0OTHER'),
    age: fc.integer({ min: -400, max: 400 }),
    base64: fc.boolean(),
    changes: fc.array(mutation, { minLength: 0, maxLength: 3 }),
  })
  .map(({ actionId, user, age, base64, changes }) =>
    changes.reduce(
      mutate,
      signedRequest(
        `payload=${encodeURIComponent(validPayload(actionId, user))}`,
        String(nowSeconds + age),
        base64,
      ),
    ),
  );

/** Validly signed, fresh requests with arbitrary bodies: what reaches the parser. */
const signedAnything = fc
  .record({ body: formBody, base64: fc.boolean(), age: fc.integer({ min: -300, max: 300 }) })
  .map(({ body, base64, age }) => signedRequest(body, String(nowSeconds + age), base64));

describe('slack-actions under hostile input', () => {
  it('never throws, never answers 5xx, and decides only what is validly signed', async () => {
    const answered = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 1, arbitrary: randomRequest },
          { weight: 1, arbitrary: signedAnything },
          { weight: 2, arbitrary: mutatedClick },
        ),
        fc.constantFrom(...statuses),
        async (event, status) => {
          let decisions = 0;
          const decide = (_request: DecisionRequest): Promise<DecisionResult> => {
            decisions += 1;
            return Promise.resolve({ status, message: `fuzz ${status}` });
          };
          const outcome = await handleSlackInteraction(event, {
            signingSecret: () => Promise.resolve(secret),
            decide,
            clock,
            log: silentLog,
          });
          answered.set(outcome.statusCode, (answered.get(outcome.statusCode) ?? 0) + 1);
          expect(outcome.kind).toBe('interaction');
          expect(outcome.statusCode).toBeGreaterThanOrEqual(200);
          expect(outcome.statusCode).toBeLessThan(500);
          expect(typeof outcome.body).toBe('string');
          if (outcome.body) JSON.parse(outcome.body);
          expect(decisions).toBeLessThanOrEqual(1);
          if (decisions > 0) expect(genuinelySigned(event)).toBe(true);
          if (!genuinelySigned(event)) {
            expect(outcome.statusCode).toBe(401);
            expect(decisions).toBe(0);
          }
        },
      ),
      { numRuns, seed },
    );
    console.log(`fuzz: answers by status ${JSON.stringify(Object.fromEntries([...answered].sort()))}`);
    // Not vacuous: a good share of the cases got past the signature and were decided.
    if (numRuns >= 1000)
      expect((answered.get(200) ?? 0) + (answered.get(403) ?? 0)).toBeGreaterThan(numRuns / 10);
  }, 15_000);

  it('the mutations do reach a decision when they leave the signature intact', async () => {
    // A guard against a vacuous property: unchanged, fresh clicks are decided.
    let decided = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -300, max: 300 }), fc.boolean(), async (age, base64) => {
        const event = signedRequest(
          `payload=${encodeURIComponent(validPayload('deckhand.approve', 'U0APPROVE1'))}`,
          String(nowSeconds + age),
          base64,
        );
        const outcome = await handleSlackInteraction(event, {
          signingSecret: () => Promise.resolve(secret),
          decide: () => {
            decided += 1;
            return Promise.resolve({ status: 'approved', message: 'ok' });
          },
          clock,
          log: silentLog,
        });
        expect(outcome.statusCode).toBe(200);
      }),
      { numRuns: 200, seed },
    );
    expect(decided).toBe(200);
  });
});
