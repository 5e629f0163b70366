/**
 * A local HTTP server that behaves like Slack, for tests and the demo.
 * - Incoming webhooks: POST /services/<T>/<B>/<secret>, answers `ok` (no ts, so no updates).
 * - Web API: POST /api/chat.postMessage and /api/chat.update with a bearer token, answers `{ok, channel, ts}`.
 * - Enforces Block Kit limits (50 blocks, 3000 characters of section text, 150 of header text; actions blocks:
 *   25 elements, button text 75, value 2000, action_id 255, action ids unique) as Slack does.
 * - Scripted failures: 429 with Retry-After, 500, or being down.
 * - `signedClick`: a click on a received message's button, as Slack would post it to the Function URL.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from '#core/slack/signature.ts';

export interface ReceivedMessage {
  kind: 'webhook' | 'post' | 'update';
  /** Webhook path secret or Web API channel. */
  destination: string;
  ts: string;
  text: string | undefined;
  blocks: Block[];
  body: Record<string, unknown>;
  at: number;
}

export type Block = {
  type: string;
  block_id?: string;
  text?: { text?: string };
  elements?: unknown[];
  fields?: { text?: string }[];
};

/** A button element of an `actions` block. */
export interface ButtonElement {
  type: 'button';
  text: { type: string; text: string; emoji?: boolean };
  action_id: string;
  value?: string;
  style?: string;
}
export type ScriptedResponse = { status: 429; retryAfter: number } | { status: 500 };

export const slackLimits = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  messageText: 40_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why Slack would refuse this element of an actions block (buttons are all Deckhand sends). */
const elementViolation = (element: unknown, where: string, actionIds: Set<string>): string | undefined => {
  if (!isRecord(element) || element.type !== 'button') return `${where} is not a button`;
  const text = isRecord(element.text) ? element.text : undefined;
  if (text?.type !== 'plain_text' || typeof text.text !== 'string' || text.text.length === 0)
    return `${where}.text must be non-empty plain_text`;
  if (text.text.length > slackLimits.buttonText) return `${where}.text too long`;
  const actionId = element.action_id;
  if (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > slackLimits.actionId)
    return `${where}.action_id missing or too long`;
  if (actionIds.has(actionId)) return `${where}.action_id ${actionId} is not unique`;
  actionIds.add(actionId);
  if (
    element.value !== undefined &&
    (typeof element.value !== 'string' || element.value.length > slackLimits.buttonValue)
  )
    return `${where}.value too long`;
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
    return `${where}.style must be primary or danger`;
  return undefined;
};

/** Returns why Slack would refuse these blocks, or undefined when they are fine. */
export const blockKitViolation = (blocks: Block[]): string | undefined => {
  if (blocks.length > slackLimits.blocks) return `${blocks.length} blocks > ${slackLimits.blocks}`;
  const actionIds = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    if (block.type === 'actions') {
      const elements = block.elements ?? [];
      if (elements.length === 0 || elements.length > slackLimits.actionsElements)
        return `blocks[${index}] actions need 1 to ${slackLimits.actionsElements} elements`;
      for (const [n, element] of elements.entries()) {
        const violation = elementViolation(element, `blocks[${index}].elements[${n}]`, actionIds);
        if (violation) return violation;
      }
    }
    const text = block.text?.text ?? '';
    if (block.type === 'header' && text.length > slackLimits.headerText)
      return `blocks[${index}] header too long`;
    if (block.type === 'section' && text.length > slackLimits.sectionText)
      return `blocks[${index}] section too long`;
    for (const field of block.fields ?? []) {
      if ((field.text ?? '').length > 2000) return `blocks[${index}] field too long`;
    }
  }
  return undefined;
};

export class SlackReceiver {
  readonly messages: ReceivedMessage[] = [];
  /** Every request, including refused ones. */
  attempts = 0;
  private readonly script: ScriptedResponse[] = [];
  private sequence = 0;
  private readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<SlackReceiver> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const receiver = new SlackReceiver(server, `http://127.0.0.1:${port}`);
    server.on('request', (request, response) => {
      receiver.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    return receiver;
  }

  webhookUrl(name: string): string {
    return `${this.url}/services/T0000000/B0000000/${encodeURIComponent(name)}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** The next requests get these answers, in order, before normal service resumes. */
  respondNext(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  /** The latest version of every message, keyed by destination and ts (updates replace posts). */
  current(): ReceivedMessage[] {
    const latest = new Map<string, ReceivedMessage>();
    for (const message of this.messages) latest.set(`${message.destination}/${message.ts}`, message);
    return [...latest.values()];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.attempts += 1;
    const body = await readBody(request);
    const scripted = this.script.shift();
    if (scripted?.status === 429) {
      response.writeHead(429, {
        'retry-after': String(scripted.retryAfter),
        'content-type': 'application/json',
      });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (scripted?.status === 500) {
      response.writeHead(500).end('internal_error');
      return;
    }
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (path.startsWith('/services/')) return this.webhook(path, body, response);
    if (path === '/api/chat.postMessage' || path === '/api/chat.update') {
      return this.webApi(path.endsWith('update') ? 'update' : 'post', request, body, response);
    }
    response.writeHead(404).end('not_found');
  }

  private webhook(path: string, body: Record<string, unknown>, response: ServerResponse): void {
    const blocks = (body.blocks as Block[] | undefined) ?? [];
    if (!body.text && blocks.length === 0) return void response.writeHead(400).end('no_text');
    if (blockKitViolation(blocks)) return void response.writeHead(400).end('invalid_blocks');
    this.record('webhook', decodeURIComponent(path.split('/').pop() ?? ''), body, String(++this.sequence));
    response.writeHead(200, { 'content-type': 'text/html' }).end('ok');
  }

  private webApi(
    kind: 'post' | 'update',
    request: IncomingMessage,
    body: Record<string, unknown>,
    response: ServerResponse,
  ): void {
    const reply = (payload: Record<string, unknown>): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (!/^Bearer xox[bp]-/.test(request.headers.authorization ?? '')) {
      reply({ ok: false, error: 'not_authed' });
      return;
    }
    const channel = stringField(body.channel);
    if (!channel) {
      reply({ ok: false, error: 'channel_not_found' });
      return;
    }
    const blocks =
      typeof body.blocks === 'string'
        ? (JSON.parse(body.blocks) as Block[])
        : ((body.blocks as Block[]) ?? []);
    if (blockKitViolation(blocks)) {
      reply({ ok: false, error: 'invalid_blocks' });
      return;
    }
    if (stringField(body.text).length > slackLimits.messageText) {
      reply({ ok: false, error: 'msg_too_long' });
      return;
    }
    let ts: string;
    if (kind === 'update') {
      ts = stringField(body.ts);
      if (!this.messages.some((m) => m.destination === channel && m.ts === ts)) {
        reply({ ok: false, error: 'message_not_found' });
        return;
      }
    } else {
      ts = `${Math.floor(Date.now() / 1000)}.${String(++this.sequence).padStart(6, '0')}`;
    }
    this.record(kind, channel, { ...body, blocks }, ts);
    reply({ ok: true, channel, ts });
  }

  private record(
    kind: ReceivedMessage['kind'],
    destination: string,
    body: Record<string, unknown>,
    ts: string,
  ): void {
    this.messages.push({
      kind,
      destination,
      ts,
      text: typeof body.text === 'string' ? body.text : undefined,
      blocks: (body.blocks as Block[] | undefined) ?? [],
      body,
      at: Date.now(),
    });
  }
}

const readBody = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return JSON.parse(raw) as Record<string, unknown>;
};

const stringField = (value: unknown): string => (typeof value === 'string' ? value : '');

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `requestContext.time` as Lambda writes it: `12/Mar/2020:19:03:58 +0000`. */
const requestTime = (at: Date): string => {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
};

/** A Lambda Function URL request (payload format 2.0), as the slack-actions function receives it. */
export interface FunctionUrlEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  requestContext: Record<string, unknown>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * A click on the button `actionId` of a received message by `userId`, signed with `signingSecret` at `now`, as
 * Slack posts it to the interactivity Request URL (a Function URL): a form body `payload=<block_actions JSON>`
 * shaped like Slack's documented sample, carrying the button's value, `response_url`, `trigger_id`, the user,
 * `container.message_ts` and the channel. The body is base64-encoded as a Function URL hands over a
 * form-encoded body, unless `base64: false`.
 */
export const signedClick = (
  message: ReceivedMessage,
  actionId: string,
  userId: string,
  signingSecret: string,
  now: Date | number = Date.now(),
  options: { base64?: boolean } = {},
): FunctionUrlEvent => {
  const block = message.blocks.find(
    (b) => b.type === 'actions' && (b.elements ?? []).some((e) => isRecord(e) && e.action_id === actionId),
  );
  const button = block?.elements?.find((e) => isRecord(e) && e.action_id === actionId) as
    ButtonElement | undefined;
  if (!block || !button) throw new Error(`message ${message.ts} has no button ${actionId}`);
  const at = typeof now === 'number' ? now : now.getTime();
  const seconds = Math.floor(at / 1000);
  const nonce = randomBytes(16).toString('hex');
  const teamId = 'T0000DECK';
  const payload = {
    type: 'block_actions',
    team: { id: teamId, domain: 'deckhand-local' },
    user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0000DECK',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.destination,
      is_ephemeral: false,
    },
    trigger_id: `${seconds}.${teamId}.${nonce}`,
    channel: { id: message.destination, name: message.destination },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text ?? '',
      bot_id: 'B0000DECK',
      blocks: message.blocks,
    },
    response_url: `https://hooks.slack.com/actions/${teamId}/${seconds}/${nonce}`,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: block.block_id ?? 'deckhand',
        text: button.text,
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.style ? { style: button.style } : {}),
        action_ts: `${(at / 1000).toFixed(6)}`,
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(seconds);
  const base64 = options.base64 ?? true;
  const userAgent = 'Slackbot 1.0 (+https://api.slack.com/robots)';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      host: 'deckhand-local.lambda-url.us-east-1.on.aws',
      'user-agent': userAgent,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'deckhand-local',
      domainName: 'deckhand-local.lambda-url.us-east-1.on.aws',
      domainPrefix: 'deckhand-local',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent },
      requestId: nonce,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(new Date(at)),
      timeEpoch: at,
    },
    body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: base64,
  };
};
