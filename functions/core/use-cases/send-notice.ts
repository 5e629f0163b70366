/**
 * Sending one rendered notice to Slack: the notifier function's work per queued message, and the CLI's
 * in-process outbox.
 *
 * Primary course:
 *  1. Claim the notice id in the ledger, so a duplicate (a redelivered event, a re-sent message) never posts.
 *  2. Web API destinations with a thread: update the thread's first message in place if there is one.
 *  3. Otherwise post, and keep a new thread message's channel and ts for the updates that follow.
 *
 * Alternate courses: a failed post or update hands the claim back and is thrown, so the queue tries again
 * (transient) or the caller logs it (permanent). A post that went out is never posted again, even if its
 * thread reference could not be kept.
 */
import { errorMessage } from '../errors.ts';
import type { Log } from '../ports/log.ts';
import type { DeliveryReport, NoticeOutbox, OutgoingNotice, SlackPort } from '../ports/slack.ts';
import type { Ledger } from '../ports/stores.ts';

export interface SendNoticeDeps {
  slack: SlackPort;
  ledger: Pick<Ledger, 'notices'>;
  log: Log;
}

export type SendResult = 'sent' | 'updated' | 'duplicate';

export const sendNotice = async (notice: OutgoingNotice, deps: SendNoticeDeps): Promise<SendResult> => {
  const { destination, thread, message } = notice;
  const { notices } = deps.ledger;
  if (!(await notices.claim(notice.id))) return 'duplicate';
  let posted: { channel: string; ts: string } | undefined;
  try {
    const ref =
      destination.kind === 'api' && thread ? await notices.getMessageRef(thread, destination.id) : undefined;
    if (ref && destination.kind === 'api') {
      await deps.slack.update(destination, ref, message);
      return 'updated';
    }
    posted = await deps.slack.post(destination, message);
  } catch (error) {
    await notices
      .release(notice.id)
      .catch((release: unknown) =>
        deps.log.warn('notice claim not released', { noticeId: notice.id, error: errorMessage(release) }),
      );
    throw error;
  }
  if (posted && thread)
    await notices.putMessageRef(thread, destination.id, posted).catch((error: unknown) =>
      // Sent is sent: the thread's next notice starts a new message instead of updating this one.
      deps.log.warn('thread message not kept', { noticeId: notice.id, error: errorMessage(error) }),
    );
  return 'sent';
};

/** The CLI's outbox: each notice straight to Slack, in order; a failure is logged with its id and counted. */
export const directOutbox = (deps: SendNoticeDeps): NoticeOutbox => ({
  async send(outgoing) {
    const report: Partial<DeliveryReport> = { sent: 0, updated: 0, skipped: 0, failed: 0 };
    for (const notice of outgoing) {
      try {
        const result = await sendNotice(notice, deps);
        const key = result === 'duplicate' ? 'skipped' : result;
        report[key] = (report[key] ?? 0) + 1;
      } catch (error) {
        deps.log.error('notification failed', {
          noticeId: notice.id,
          eventId: notice.eventId,
          error: errorMessage(error),
        });
        report.failed = (report.failed ?? 0) + 1;
      }
    }
    return report;
  },
});
