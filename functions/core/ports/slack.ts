/** Where a notice goes, the port that sends it, and the outbox notices leave a use case through. */
import type { SlackMessage } from '../notify/slack-blocks.ts';

export type Destination =
  | { kind: 'api'; id: string; channel: string; tokenSecret: string }
  | { kind: 'webhook'; id: string; urlSecret: string }
  | { kind: 'webhook-url'; id: string; url: string };

export interface SlackPort {
  /** Posts; the Web API answers the message's channel and ts, a webhook answers nothing. */
  post(destination: Destination, message: SlackMessage): Promise<{ channel: string; ts: string } | undefined>;
  update(
    destination: Destination & { kind: 'api' },
    ref: { channel: string; ts: string },
    message: SlackMessage,
  ): Promise<void>;
}

/** A rendered notice bound for one destination: what the notifier claims, sends and threads. */
export interface OutgoingNotice {
  /** `<notice key>#<state>#<destination id>`: claimed once, so it is never sent twice. */
  id: string;
  /** The event whose outcome it tells, for the logs. */
  eventId: string;
  /** Web API destinations: later notices of the thread update its first message in place. */
  thread?: string;
  destination: Destination;
  message: SlackMessage;
}

export interface DeliveryReport {
  sent: number;
  updated: number;
  /** Handed to the notifier function's queue. */
  queued: number;
  skipped: number;
  failed: number;
}

export interface NoticeOutbox {
  /**
   * Sends each notice in order (in-process), or queues them for the notifier function. Never throws: a
   * notification never fails, delays or retries the use case it reports.
   */
  send(notices: readonly OutgoingNotice[]): Promise<Partial<DeliveryReport>>;
}
