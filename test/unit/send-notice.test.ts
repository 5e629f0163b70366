/** Sending one queued notice: claimed once, the claim handed back when Slack fails, threads kept. */
import { describe, expect, it } from 'vitest';
import { silentLog } from '#core/ports/log.ts';
import type { Destination, OutgoingNotice, SlackPort } from '#core/ports/slack.ts';
import { directOutbox, sendNotice } from '#core/use-cases/send-notice.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';

const api: Destination = { kind: 'api', id: 'payments:C1', channel: 'C1', tokenSecret: 'arn:token' };
const notice = (state: string): OutgoingNotice => ({
  id: `rollout#prod/web#sha#${state}#${api.id}`,
  eventId: `event-${state}`,
  thread: 'rollout#prod/web#sha',
  destination: api,
  message: { text: state, blocks: [] },
});

/** A Slack that fails the next `failures` calls, then answers with one message per post. */
const scriptedSlack = (failures = 0) => {
  const calls: string[] = [];
  let left = failures;
  const slack: SlackPort = {
    post(_destination, message) {
      if (left-- > 0) return Promise.reject(new Error('rate limited'));
      calls.push(`post ${message.text}`);
      return Promise.resolve({ channel: 'C1', ts: '1.000001' });
    },
    update(_destination, ref, message) {
      calls.push(`update ${ref.ts} ${message.text}`);
      return Promise.resolve();
    },
  };
  return { slack, calls };
};

describe('sendNotice', () => {
  it('posts a thread’s first notice, updates it with the next, and skips a duplicate', async () => {
    const { slack, calls } = scriptedSlack();
    const deps = { slack, ledger: createMemoryLedger(new ManualClock()), log: silentLog };
    expect(await sendNotice(notice('deployed'), deps)).toBe('sent');
    expect(await sendNotice(notice('succeeded'), deps)).toBe('updated');
    expect(await sendNotice(notice('succeeded'), deps)).toBe('duplicate');
    expect(calls).toEqual(['post deployed', 'update 1.000001 succeeded']);
  });

  it('hands the claim back when Slack fails, so the retry sends it', async () => {
    const { slack, calls } = scriptedSlack(1);
    const deps = { slack, ledger: createMemoryLedger(new ManualClock()), log: silentLog };
    await expect(sendNotice(notice('deployed'), deps)).rejects.toThrow('rate limited');
    expect(await sendNotice(notice('deployed'), deps)).toBe('sent');
    expect(calls).toEqual(['post deployed']);
  });

  it('keeps a sent notice sent when its thread message cannot be kept', async () => {
    const { slack, calls } = scriptedSlack();
    const ledger = createMemoryLedger(new ManualClock());
    ledger.notices.putMessageRef = () => Promise.reject(new Error('DynamoDB unavailable'));
    const deps = { slack, ledger, log: silentLog };
    expect(await sendNotice(notice('deployed'), deps)).toBe('sent');
    expect(await sendNotice(notice('deployed'), deps)).toBe('duplicate');
    expect(calls).toEqual(['post deployed']);
  });

  it('counts what the CLI’s outbox sent, updated, skipped and failed, never throwing', async () => {
    const { slack } = scriptedSlack(1);
    const outbox = directOutbox({ slack, ledger: createMemoryLedger(new ManualClock()), log: silentLog });
    expect(await outbox.send([notice('deployed'), notice('deployed'), notice('succeeded')])).toEqual({
      sent: 1,
      updated: 1,
      skipped: 0,
      failed: 1,
    });
  });
});
