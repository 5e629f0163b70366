/**
 * SlackPort: the Web API (`@slack/web-api`: chat.postMessage, chat.update) for teams with a bot token, and
 * incoming webhooks (`@slack/webhook`) for the rest. 429s are retried after Retry-After, a bounded number
 * of times inside a time budget that fits the Lambda timeout; the SDK's own 30-minute retrying is off.
 * Past that, a failure that may pass later (rate limit, network, 5xx) is a SlackUnavailableError, which the
 * notifier's queue retries; anything else is a SlackDeliveryError, which no retry mends.
 */
import type { ErrorCode, WebClient } from '@slack/web-api';
import { TransientError } from '#core/errors.ts';
import type { Destination, SlackPort } from '#core/ports/slack.ts';
import type { SecretsPort } from './secrets-manager.ts';

export interface SlackAdapterOptions {
  secrets: SecretsPort;
  /** DECKHAND_SLACK_API_URL: the Web API base URL (the local receiver in tests). */
  apiUrl?: string;
  attempts?: number;
  /** Longest total wait for Retry-After, in ms. */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

// Loaded on the first message, not at start-up: most invocations tell nobody, and initialising the Slack SDKs
// (axios and its kin) was a good part of every function's cold start.
const webApi = () => import('@slack/web-api');
const webhook = () => import('@slack/webhook');

/** @slack/web-api's code for a refused rate-limited call, spelled out so checking it loads nothing. */
const rateLimitedCode: `${ErrorCode.RateLimitedError}` = 'slack_webapi_rate_limited_error';

/** Slack refused the message for good (a bad token, an unknown channel, a revoked webhook). */
export class SlackDeliveryError extends Error {
  override name = 'SlackDeliveryError';
}

/** Slack could not take the message now (rate limited past the budget, unreachable, a 5xx): try later. */
export class SlackUnavailableError extends TransientError {
  override name = 'SlackUnavailableError';
}

/** Seconds to wait before retrying, or undefined when the failure is not a rate limit. */
const retryAfterOf = (error: unknown): number | undefined => {
  const failure = error as { code?: string; retryAfter?: number; statusCode?: number };
  if (failure.code === rateLimitedCode && typeof failure.retryAfter === 'number') return failure.retryAfter;
  // @slack/webhook reports the 429 but not its Retry-After: wait a second, as Slack's own guidance does.
  if (failure.statusCode === 429) return 1;
  return undefined;
};

/** Network failures (both SDKs' `*_request_error`), 5xx answers and rate limits may pass on a later try. */
const isTransientSlackError = (error: unknown): boolean => {
  const failure = error as { code?: string; statusCode?: number };
  return (
    retryAfterOf(error) !== undefined ||
    (typeof failure.code === 'string' && failure.code.endsWith('_request_error')) ||
    (typeof failure.statusCode === 'number' && failure.statusCode >= 500)
  );
};

export const createSlackAdapter = (options: SlackAdapterOptions): SlackPort => {
  const { secrets, apiUrl, attempts = 3, budgetMs = 8_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const clients = new Map<string, WebClient>();
  const webClient = async (tokenSecret: string) => {
    const token = await secrets.value(tokenSecret);
    let client = clients.get(token);
    if (!client) {
      const { WebClient } = await webApi();
      client = new WebClient(token, {
        ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
        timeout: 5_000,
      });
      clients.set(token, client);
    }
    return client;
  };

  const withRetries = async <T>(send: () => Promise<T>): Promise<T> => {
    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        const retryAfter = retryAfterOf(error);
        const waitMs = (retryAfter ?? 0) * 1000;
        if (retryAfter === undefined || attempt >= attempts || waited + waitMs > budgetMs) {
          const reason = `Slack refused the message: ${(error as Error).message}`;
          throw isTransientSlackError(error)
            ? new SlackUnavailableError(reason, { cause: error })
            : new SlackDeliveryError(reason, { cause: error });
        }
        waited += waitMs;
        await sleep(waitMs);
      }
    }
  };

  const webhookUrl = async (destination: Exclude<Destination, { kind: 'api' }>) =>
    destination.kind === 'webhook-url' ? destination.url : secrets.value(destination.urlSecret);

  return {
    async post(destination, message) {
      if (destination.kind === 'api') {
        const client = await webClient(destination.tokenSecret);
        const answer = await withRetries(() =>
          client.chat.postMessage({
            channel: destination.channel,
            text: message.text,
            blocks: message.blocks as never,
            unfurl_links: false,
          }),
        );
        return answer.ts && answer.channel ? { channel: answer.channel, ts: answer.ts } : undefined;
      }
      const { IncomingWebhook } = await webhook();
      const hook = new IncomingWebhook(await webhookUrl(destination), { timeout: 5_000 });
      await withRetries(() =>
        hook.send({ text: message.text, blocks: message.blocks as never, unfurl_links: false }),
      );
      return undefined;
    },

    async update(destination, ref, message) {
      const client = await webClient(destination.tokenSecret);
      await withRetries(() =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: message.text,
          blocks: message.blocks as never,
        }),
      );
    },
  };
};
