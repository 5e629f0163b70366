/**
 * The notice outbox on SQS: every handler's rendered notices go to one FIFO queue, which the notifier
 * function drains. A thread's notices share a message group, so its first message is posted before the
 * updates to it; the deduplication id is the notice's own, so a re-sent notice within five minutes is
 * dropped by SQS (and after that by the notifier's claim).
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { errorMessage } from '#core/errors.ts';
import type { Log } from '#core/ports/log.ts';
import type { NoticeOutbox, OutgoingNotice } from '#core/ports/slack.ts';

/** SQS takes ten messages and 256 KiB a batch; a notice within Slack's limits is well under that alone. */
const perBatch = 10;
const batchBytes = 240 * 1024;
const attempts = 3;

/** Group and deduplication ids are at most 128 characters: a hash of any length of id fits. */
const idOf = (text: string) => createHash('sha256').update(text).digest('hex');

const batchesOf = (notices: readonly OutgoingNotice[]) => {
  const batches: { notice: OutgoingNotice; body: string }[][] = [];
  let current: { notice: OutgoingNotice; body: string }[] = [];
  let bytes = 0;
  for (const notice of notices) {
    const body = JSON.stringify(notice);
    const size = Buffer.byteLength(body);
    if (current.length === perBatch || (current.length > 0 && bytes + size > batchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ notice, body });
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

export const createSqsNoticeOutbox = (sqs: SQSClient, queueUrl: string, log: Log): NoticeOutbox => ({
  async send(notices) {
    let queued = 0;
    let failed = 0;
    // In order, one batch at a time: FIFO keeps a group's order only as the messages were sent.
    for (const batch of batchesOf(notices)) {
      let pending = batch.map(({ notice, body }, index) => ({
        Id: String(index),
        MessageBody: body,
        MessageGroupId: idOf(notice.thread ?? notice.id),
        MessageDeduplicationId: idOf(notice.id),
      }));
      let reason = '';
      for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt += 1) {
        try {
          const { Failed = [] } = await sqs.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
          );
          const again = new Set(Failed.map((entry) => entry.Id));
          reason = Failed[0]?.Message ?? reason;
          pending = pending.filter((entry) => again.has(entry.Id));
        } catch (error) {
          // The client has already retried what was transient.
          reason = errorMessage(error);
          break;
        }
      }
      queued += batch.length - pending.length;
      for (const entry of pending) {
        const notice = batch[Number(entry.Id)]?.notice;
        log.error('notice not queued', { noticeId: notice?.id, eventId: notice?.eventId, error: reason });
        failed += 1;
      }
    }
    return { queued, failed };
  },
});
