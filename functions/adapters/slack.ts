/**
 * SlackPort over `fetch`: the Web API (chat.postMessage, chat.update; JSON with the bot token) for teams with
 * a bot token, and incoming webhooks for the rest. A 429 is retried after its Retry-After (a second if it
 * names none), a bounded number of times inside a time budget that fits the Lambda timeout. Two methods and
 * a webhook are all Deckhand sends: Slack's SDK for them weighed ~75 KB in every function, and slowed each
 * cold start.
 */
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

export class SlackDeliveryError extends Error {
  override name = 'SlackDeliveryError';
}

/** Slack answered 429: try again after this many seconds. */
class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super(`rate limited: retry after ${retryAfter}s`);
    this.retryAfter = retryAfter;
  }
}

const timeoutMs = 5_000;

/**
 * POSTs JSON. Neither a URL nor a token ever goes into an error: a webhook URL is a secret, so an unusable one
 * is named as such, and a network failure by its cause (e.g. ECONNREFUSED).
 */
const postJson = async (url: string, body: unknown, token?: string): Promise<Response> => {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new Error('not a usable URL');
  }
  try {
    return await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`unreachable (${cause?.code ?? cause?.message ?? (error as Error).name})`, {
      cause: error,
    });
  }
};

/** A 429 as RateLimitedError; any other answer but 2xx as an error naming its status. */
const refusal = async (response: Response): Promise<Error | undefined> => {
  if (response.ok) return undefined;
  await response.body?.cancel();
  if (response.status !== 429) return new Error(`HTTP ${response.status}`);
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return new RateLimitedError(Number.isFinite(seconds) && seconds >= 0 ? seconds : 1);
};

interface ApiAnswer {
  ok?: boolean;
  error?: string;
  channel?: string;
  ts?: string;
}

export const createSlackAdapter = (options: SlackAdapterOptions): SlackPort => {
  const { secrets, attempts = 3, budgetMs = 8_000 } = options;
  const apiUrl = options.apiUrl ?? 'https://slack.com/api/';
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));

  const withRetries = async <T>(send: () => Promise<T>): Promise<T> => {
    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        const retryAfter = error instanceof RateLimitedError ? error.retryAfter : undefined;
        const waitMs = (retryAfter ?? 0) * 1000;
        if (retryAfter === undefined || attempt >= attempts || waited + waitMs > budgetMs) {
          throw new SlackDeliveryError(`Slack refused the message: ${(error as Error).message}`, {
            cause: error,
          });
        }
        waited += waitMs;
        await sleep(waitMs);
      }
    }
  };

  /** A Web API method: HTTP 200 with `ok: false` is Slack refusing it, for the reason in `error`. */
  const callApi = async (tokenSecret: string, method: string, body: unknown): Promise<ApiAnswer> => {
    const token = await secrets.value(tokenSecret);
    return withRetries(async () => {
      const response = await postJson(`${base}${method}`, body, token);
      const refused = await refusal(response);
      if (refused) throw refused;
      const answer = (await response.json()) as ApiAnswer;
      if (!answer.ok) throw new Error(`${method}: ${answer.error ?? 'not ok'}`);
      return answer;
    });
  };

  const webhookUrl = async (destination: Exclude<Destination, { kind: 'api' }>) =>
    destination.kind === 'webhook-url' ? destination.url : secrets.value(destination.urlSecret);

  return {
    async post(destination, message) {
      if (destination.kind === 'api') {
        const answer = await callApi(destination.tokenSecret, 'chat.postMessage', {
          channel: destination.channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        return answer.ts && answer.channel ? { channel: answer.channel, ts: answer.ts } : undefined;
      }
      const url = await webhookUrl(destination);
      await withRetries(async () => {
        const response = await postJson(url, {
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        const refused = await refusal(response);
        if (refused) throw refused;
        await response.body?.cancel();
      });
      return undefined;
    },

    async update(destination, ref, message) {
      await callApi(destination.tokenSecret, 'chat.update', {
        channel: ref.channel,
        ts: ref.ts,
        text: message.text,
        blocks: message.blocks,
      });
    },
  };
};
