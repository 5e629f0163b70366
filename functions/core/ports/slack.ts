/** Where a notice goes, and the port that sends it. Secrets are named by ARN; the adapter reads them. */
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
