/**
 * Approvals in Slack: the approval request renders as Block Kit with Approve and Decline buttons; a click,
 * signed as Slack signs it and delivered as a Function URL request, decides the promotion; the answer Slack
 * gets (status and body) for each decision; the message updated in place afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TransientError } from '#core/errors.ts';
import { noticesFor } from '#core/notify/notice.ts';
import { promotionThread } from '#core/notify/promotion-notices.ts';
import { renderSlack } from '#core/notify/slack-blocks.ts';
import type { PromotionAction, PromotionOutcome } from '#core/outcome.ts';
import { silentLog } from '#core/ports/log.ts';
import type { Promotion } from '#core/ports/records.ts';
import type { SlackPort } from '#core/ports/slack.ts';
import { slackSignature } from '#core/slack/signature.ts';
import {
  decidePromotion,
  type DecisionRequest,
  type DecisionResult,
  type DecisionStatus,
} from '#core/use-cases/decide-promotion.ts';
import { deliverNotices } from '#core/use-cases/notify.ts';
import { directOutbox } from '#core/use-cases/send-notice.ts';
import { handleSlackInteraction } from '#core/use-cases/slack-interaction.ts';
import {
  type Block,
  blockKitViolation,
  type ReceivedMessage,
  signedClick,
} from '../../scripts/lib/slack-receiver.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';
import { webPromotionConfig } from '../helpers/config.ts';

const secret = 'test-signing-secret';
/** Slack's own block_actions example (docs.slack.dev), kept beside the repository. */
const documentedSample = join(
  import.meta.dirname,
  '../../../shared/payloads/slack-block-actions-payload.slackdocs.json',
);
const digest = `sha256:${'abcdef12'.repeat(8)}`;
const approvers = ['U0APPROVE1', 'U0APPROVE2'];
const config = webPromotionConfig({ approvers, required: 2, expires: '24h' });
const context = { region: 'eu-west-1', trigger: 'timer' };

const awaiting = (clock: ManualClock, patch: Partial<Promotion> = {}): Promotion => ({
  pipeline: 'web-prod',
  source: 'web-staging',
  digest,
  tag: '1.5.1',
  repository: 'web',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
  pushedAt: clock.now().toISOString(),
  status: 'awaiting-approval',
  approvals: [],
  expiresAt: new Date(clock.now().getTime() + 24 * 3600_000).toISOString(),
  createdAt: clock.now().toISOString(),
  updatedAt: clock.now().toISOString(),
  ...patch,
});

const requestOutcome = (action: Partial<PromotionAction> = {}): PromotionOutcome => ({
  kind: 'promotion',
  eventId: 'tick-1',
  detailType: 'Deckhand Promotion',
  outcome: 'awaiting-approval',
  actions: [
    {
      pipeline: 'web-prod',
      source: 'web-staging',
      digest,
      tag: '1.5.1',
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@${digest}`,
      status: 'awaiting-approval',
      approvers,
      required: 2,
      approvals: [],
      expiresAt: '2026-11-25T10:00:00.000Z',
      ...action,
    },
  ],
});

/** The approval request as Slack received it in the team's channel. */
const received = (outcome: PromotionOutcome = requestOutcome()): ReceivedMessage => {
  const [notice] = noticesFor(outcome, context);
  const message = renderSlack(notice!);
  return {
    kind: 'post',
    destination: 'C0WEBTEAM1',
    ts: '1795946400.000100',
    text: message.text,
    blocks: message.blocks as Block[],
    body: {},
    at: 0,
  };
};

const fakeDecide = (status: DecisionStatus, message = `${status}!`) =>
  vi.fn((_request: DecisionRequest): Promise<DecisionResult> => Promise.resolve({ status, message }));

const depsWith = (decide: (r: DecisionRequest) => Promise<DecisionResult>, clock = new ManualClock()) => ({
  signingSecret: () => Promise.resolve(secret),
  decide,
  clock,
  log: silentLog,
});

describe('the approval request', () => {
  it('asks the owning team, with Approve and Decline buttons carrying the promotion', () => {
    const [notice] = noticesFor(requestOutcome(), context);
    expect(notice).toMatchObject({
      trigger: 'promotion',
      key: promotionThread('web-prod', digest),
      thread: `promotion#web-prod#${digest}`,
      state: 'awaiting-approval',
      tone: 'warning',
      title: 'web-prod: approve 1.5.1 (abcdef12abcd) from web-staging?',
      owner: { pipeline: 'web-prod' },
    });
    expect(notice?.fields.map((f) => f.label)).toEqual(['Pipeline', 'From', 'Image', 'Approvals', 'Expires']);
    expect(notice?.fields.find((f) => f.label === 'Approvals')?.value).toBe('0 of 2');
    const value = JSON.stringify({ pipeline: 'web-prod', digest });
    expect(notice?.buttons).toEqual([
      { text: 'Approve', actionId: 'deckhand.approve', value, style: 'primary' },
      { text: 'Decline', actionId: 'deckhand.decline', value, style: 'danger' },
    ]);
    const message = renderSlack(notice!);
    expect(blockKitViolation(message.blocks as Block[])).toBeUndefined();
    expect(message.blocks).toContainEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Approve', emoji: true },
          action_id: 'deckhand.approve',
          value,
          style: 'primary',
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Decline', emoji: true },
          action_id: 'deckhand.decline',
          value,
          style: 'danger',
        },
      ],
    });
  });

  it.each([
    ['approved', { decidedBy: 'U0APPROVE1, U0APPROVE2', approvals: approvers }, 'approved by U0APPROVE1'],
    ['declined', { decidedBy: 'U0APPROVE1', reason: 'not today' }, 'declined by U0APPROVE1'],
    ['expired', {}, 'expired'],
    ['promoted', {}, 'promoted from web-staging'],
    ['frozen', { reason: 'change freeze until Monday' }, 'held by a freeze'],
    ['released', {}, 'released'],
    ['cancelled', {}, 'cancelled'],
    ['superseded', {}, 'superseded'],
  ] as const)('%s: says so in the same thread, without buttons', (status, patch, title) => {
    const [notice] = noticesFor(requestOutcome({ status, ...patch }), context);
    expect(notice?.thread).toBe(promotionThread('web-prod', digest));
    expect(notice?.state).toBe(status);
    expect(notice?.title).toContain(title);
    expect(notice?.buttons).toBeUndefined();
    const message = renderSlack(notice!);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blockKitViolation(message.blocks as Block[])).toBeUndefined();
  });

  it('keeps buttons within Slack’s limits, leaving out what cannot be sent whole', () => {
    const [notice] = noticesFor(requestOutcome(), context);
    const buttons = Array.from({ length: 30 }, (_, n) => ({
      text: `<!channel> ${'x'.repeat(100)}`,
      actionId: `a${n}`,
      value: 'v',
    }));
    const message = renderSlack({
      ...notice!,
      buttons: [...buttons, { text: 'big', actionId: 'big', value: 'v'.repeat(2001) }],
    });
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: unknown[] };
    expect(actions.elements).toHaveLength(25);
    expect(JSON.stringify(actions)).not.toContain('<!channel>');
    expect(blockKitViolation(message.blocks as Block[])).toBeUndefined();
  });
});

describe('a click', () => {
  it('is signed and shaped as Slack sends it, base64 in a Function URL request', () => {
    const message = received();
    const event = signedClick(
      message,
      'deckhand.approve',
      'U0APPROVE1',
      secret,
      Date.parse('2026-11-24T10:00:00Z'),
    );
    expect(event.isBase64Encoded).toBe(true);
    const body = Buffer.from(event.body, 'base64').toString('utf8');
    expect(event.headers['x-slack-signature']).toBe(
      slackSignature(secret, event.headers['x-slack-request-timestamp']!, body),
    );
    const payload = JSON.parse(new URLSearchParams(body).get('payload')!);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0APPROVE1' },
      container: { message_ts: message.ts, channel_id: 'C0WEBTEAM1' },
      channel: { id: 'C0WEBTEAM1' },
      response_url: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/actions\//),
      trigger_id: expect.any(String),
      actions: [{ action_id: 'deckhand.approve', value: JSON.stringify({ pipeline: 'web-prod', digest }) }],
    });
    expect(() => signedClick(message, 'deckhand.nothing', 'U0APPROVE1', secret)).toThrow(/no button/);
  });

  it('decides with the button’s promotion and the clicking user, and answers 200', async () => {
    const clock = new ManualClock();
    const decide = fakeDecide('recorded');
    const event = signedClick(received(), 'deckhand.decline', 'U0APPROVE2', secret, clock.now());
    const outcome = await handleSlackInteraction(event, depsWith(decide, clock));
    expect(decide).toHaveBeenCalledExactlyOnceWith({
      pipeline: 'web-prod',
      ref: digest,
      approver: 'U0APPROVE2',
      decision: 'decline',
      via: 'slack',
    });
    expect(outcome).toMatchObject({
      kind: 'interaction',
      detailType: 'Slack Interaction',
      statusCode: 200,
      body: '',
      outcome: 'recorded',
      actions: [
        { pipeline: 'web-prod', digest, approver: 'U0APPROVE2', decision: 'decline', result: 'recorded' },
      ],
    });
    expect(outcome.eventId).toMatch(/^slack:.+:decline$/);
  });

  it('reads Slack’s documented block_actions sample, carrying a Deckhand button', async () => {
    const clock = new ManualClock();
    const sample = JSON.parse(readFileSync(documentedSample, 'utf8'));
    const value = JSON.stringify({ pipeline: 'web-prod', digest });
    for (const [actions, decided] of [
      [sample.actions, 0],
      [[{ ...sample.actions[0], action_id: 'deckhand.approve', value }], 1],
    ] as const) {
      const body = new URLSearchParams({ payload: JSON.stringify({ ...sample, actions }) }).toString();
      const timestamp = String(Math.floor(clock.now().getTime() / 1000));
      const decide = fakeDecide('approved');
      const outcome = await handleSlackInteraction(
        {
          headers: {
            'x-slack-request-timestamp': timestamp,
            'x-slack-signature': slackSignature(secret, timestamp, body),
          },
          body: Buffer.from(body).toString('base64'),
          isBase64Encoded: true,
        },
        depsWith(decide, clock),
      );
      expect(outcome.statusCode).toBe(200);
      expect(decide).toHaveBeenCalledTimes(decided);
      if (decided) {
        expect(decide).toHaveBeenCalledWith(expect.objectContaining({ approver: 'UA8RXUSPL', ref: digest }));
        expect(outcome.eventId).toBe(`slack:${sample.trigger_id}:approve`);
      }
    }
  });

  it('reads a plain (not base64) body too', async () => {
    const clock = new ManualClock();
    const decide = fakeDecide('approved');
    const event = signedClick(received(), 'deckhand.approve', 'U0APPROVE1', secret, clock.now(), {
      base64: false,
    });
    expect(event.isBase64Encoded).toBe(false);
    expect((await handleSlackInteraction(event, depsWith(decide, clock))).statusCode).toBe(200);
    expect(decide).toHaveBeenCalledOnce();
  });

  it.each([
    ['approved', 200, 'approved', false],
    ['recorded', 200, 'recorded', false],
    ['declined', 200, 'declined', false],
    ['duplicate', 200, 'ignored', false],
    ['not-approver', 403, 'rejected', true],
    ['expired', 200, 'ignored', true],
    ['superseded', 200, 'ignored', true],
    ['closed', 200, 'ignored', true],
    ['not-found', 200, 'ignored', true],
  ] as const)('%s → %i', async (status, statusCode, kind, explains) => {
    const clock = new ManualClock();
    const event = signedClick(received(), 'deckhand.approve', 'U0APPROVE1', secret, clock.now());
    const outcome = await handleSlackInteraction(
      event,
      depsWith(fakeDecide(status, `because ${status}`), clock),
    );
    expect(outcome.statusCode).toBe(statusCode);
    expect(outcome.outcome).toBe(kind);
    expect(outcome.reason).toBe(`because ${status}`);
    if (explains)
      expect(JSON.parse(outcome.body)).toEqual({
        response_type: 'ephemeral',
        replace_original: false,
        text: `because ${status}`,
      });
    else expect(outcome.body).toBe('');
  });

  it('answers 400 to a validly signed but malformed payload, deciding nothing', async () => {
    const clock = new ManualClock();
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const value = JSON.stringify({ pipeline: 'web-prod', digest });
    for (const body of [
      '',
      'payload=',
      'payload=%7Bnot-json',
      `payload=${encodeURIComponent('"a string"')}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [] }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0APPROVE1' }, actions: {} }))}`,
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'block_actions',
          user: { id: 'U0APPROVE1' },
          actions: [{ action_id: 'deckhand.approve', value: '{"pipeline":"web-prod","digest":"latest"}' }],
        }),
      )}`,
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'block_actions',
          user: {},
          actions: [{ action_id: 'deckhand.approve', value }],
        }),
      )}`,
    ]) {
      const decide = fakeDecide('approved');
      const event = {
        headers: {
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(secret, timestamp, body),
        },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      };
      const outcome = await handleSlackInteraction(event, depsWith(decide, clock));
      expect(outcome, body).toMatchObject({ statusCode: 400, outcome: 'rejected' });
      expect(decide).not.toHaveBeenCalled();
    }
  });

  it('ignores (200) a signed interaction that is not one of Deckhand’s buttons', async () => {
    const clock = new ManualClock();
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    for (const payload of [
      { type: 'view_submission', user: { id: 'U0APPROVE1' } },
      { type: 'block_actions', user: { id: 'U0APPROVE1' }, actions: [{ action_id: 'other', value: 'x' }] },
    ]) {
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const decide = fakeDecide('approved');
      const outcome = await handleSlackInteraction(
        {
          headers: {
            'x-slack-request-timestamp': timestamp,
            'x-slack-signature': slackSignature(secret, timestamp, body),
          },
          body,
        },
        depsWith(decide, clock),
      );
      expect(outcome).toMatchObject({ statusCode: 200, outcome: 'ignored', body: '' });
      expect(decide).not.toHaveBeenCalled();
    }
  });

  it('answers 503 when the decision fails transiently (the user clicks again), and never throws', async () => {
    const clock = new ManualClock();
    const error = vi.fn();
    const event = signedClick(received(), 'deckhand.approve', 'U0APPROVE1', secret, clock.now());
    const outcome = await handleSlackInteraction(event, {
      ...depsWith(() => Promise.reject(new TransientError('throttled')), clock),
      log: { ...silentLog, error },
    });
    expect(outcome).toMatchObject({ statusCode: 503, outcome: 'failed' });
    expect(error).toHaveBeenCalledWith(
      'slack decision failed',
      expect.objectContaining({ error: 'throttled', transient: true }),
    );
  });
});

describe('approving through Slack, end to end on the in-memory ledger', () => {
  it('counts each approver once, approves at two, and updates the one message in place', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.promotions.create(awaiting(clock));
    const decideDeps = { config, home: sampleHome, ledger, clock, log: silentLog };
    const decide = vi.fn((request: DecisionRequest) => decidePromotion(request, decideDeps));
    const posted: unknown[] = [];
    const updated: unknown[] = [];
    const slack: SlackPort = {
      post: (_destination, message) => {
        posted.push(message);
        return Promise.resolve({ channel: 'C0WEBTEAM1', ts: '1795946400.000100' });
      },
      update: (_destination, _ref, message) => {
        updated.push(message);
        return Promise.resolve();
      },
    };
    const notifyDeps = {
      config,
      home: sampleHome,
      outbox: directOutbox({ slack, ledger, log: silentLog }),
      ecs: { describeServices: () => Promise.reject(new Error('not needed')) },
      log: silentLog,
    };
    const tell = (outcome: PromotionOutcome | undefined) =>
      outcome ? deliverNotices(outcome, context, notifyDeps) : Promise.resolve(undefined);

    // The timer tick's request, posted to the team's channel.
    const request = requestOutcome({ expiresAt: awaiting(clock).expiresAt });
    expect(await tell(request)).toMatchObject({ sent: 1 });
    const message = received(request);

    const click = async (user: string) => {
      clock.advance(1000);
      const results: DecisionResult[] = [];
      const outcome = await handleSlackInteraction(
        signedClick(message, 'deckhand.approve', user, secret, clock.now()),
        depsWith(async (r) => {
          const result = await decide(r);
          results.push(result);
          return result;
        }, clock),
      );
      await tell(results[0]?.outcome);
      return outcome;
    };

    expect(await click('U0APPROVE1')).toMatchObject({ statusCode: 200, outcome: 'recorded' });
    // The same approver clicks again: decided (as a duplicate), counted once, nothing told.
    expect(await click('U0APPROVE1')).toMatchObject({ statusCode: 200, outcome: 'ignored' });
    expect(decide).toHaveBeenCalledTimes(2);
    expect((await ledger.promotions.get('web-prod', digest))?.approvals).toHaveLength(1);
    expect(updated).toHaveLength(1);
    expect(JSON.stringify(updated[0])).toContain('1 of 2');

    // Someone else may not approve.
    expect(await click('U0INTRUDER')).toMatchObject({ statusCode: 403, outcome: 'rejected' });

    expect(await click('U0APPROVE2')).toMatchObject({ statusCode: 200, outcome: 'approved' });
    expect((await ledger.promotions.get('web-prod', digest))?.status).toBe('approved');
    expect(posted).toHaveLength(1);
    expect(updated).toHaveLength(2);
    const final = JSON.stringify(updated[1]);
    expect(final).toContain('approved by U0APPROVE1, U0APPROVE2');
    expect(final).not.toContain('"actions"');

    // A late click on the old message: the promotion is closed, explained only to the clicker.
    const late = await click('U0APPROVE1');
    expect(late.statusCode).toBe(200);
    expect(JSON.parse(late.body)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  });

  it('tells the clicker that a request expired', async () => {
    const clock = new ManualClock();
    const ledger = createMemoryLedger(clock);
    await ledger.promotions.create(awaiting(clock));
    const message = received();
    clock.advance(25 * 3600_000);
    const outcome = await handleSlackInteraction(
      signedClick(message, 'deckhand.approve', 'U0APPROVE1', secret, clock.now()),
      depsWith((r) => decidePromotion(r, { config, home: sampleHome, ledger, clock, log: silentLog }), clock),
    );
    expect(outcome).toMatchObject({ statusCode: 200, outcome: 'ignored' });
    expect(JSON.parse(outcome.body)).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('expired'),
    });
    expect((await ledger.promotions.get('web-prod', digest))?.approvals).toEqual([]);
  });
});
