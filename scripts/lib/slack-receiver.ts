/**
 * A local HTTP server that behaves like Slack, for tests and the demo.
 * - Incoming webhooks: POST /services/<T>/<B>/<secret>, answers `ok` (no ts, so no updates).
 * - Web API: POST /api/chat.postMessage and /api/chat.update with a bearer token, answers `{ok, channel, ts}`.
 * - Enforces Block Kit limits (50 blocks, 3000 characters of section text, 150 of header text) as Slack does.
 * - Scripted failures: 429 with Retry-After, 500, or being down.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  text?: { text?: string };
  elements?: unknown[];
  fields?: { text?: string }[];
};
export type ScriptedResponse = { status: 429; retryAfter: number } | { status: 500 };

export const slackLimits = { blocks: 50, sectionText: 3000, headerText: 150, messageText: 40_000 } as const;

/** Returns why Slack would refuse these blocks, or undefined when they are fine. */
export const blockKitViolation = (blocks: Block[]): string | undefined => {
  if (blocks.length > slackLimits.blocks) return `${blocks.length} blocks > ${slackLimits.blocks}`;
  for (const [index, block] of blocks.entries()) {
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
