/**
 * A loopback HTTP proxy in front of the emulator that counts AWS API calls by operation (X-Amz-Target for
 * JSON protocols, Action= for query protocols, method and path for REST). Every SDK client in the process
 * goes through it when AWS_ENDPOINT_URL points here, so the count covers the handlers' own clients.
 * It can also play a service's server-side throttling: per operation, a token bucket (burst, then a sustained
 * rate per second); a call past it is answered 400 ThrottlingException, as ECS answers (ecs-throttles.ts has
 * the documented buckets and the response), and counted apart.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ecsThrottlingResponse } from './ecs-throttles.ts';

/**
 * The headers a proxy passes on: not the hop-by-hop `Connection` (and those it names) nor `Keep-Alive`
 * (RFC 9110, 7.6.1). moto's server closes every connection; passed on, that would make each SDK call open a
 * new one to the proxy, which AWS's endpoints do not.
 */
const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const hop = new Set(['connection', 'keep-alive', 'proxy-connection']);
  for (const name of String(headers.connection ?? '').split(',')) hop.add(name.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hop.has(name.toLowerCase())));
};

/** Server-side limits per operation: [burst, sustained calls per second]. */
export type ServerThrottles = Record<string, readonly [burst: number, perSecond: number]>;

class ServerBucket {
  private readonly burst: number;
  private readonly perSecond: number;
  private tokens: number;
  private last = performance.now();
  constructor(burst: number, perSecond: number) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
  }
  /** True when the call may pass; false when the server would throttle it. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class CountingProxy {
  readonly calls: Map<string, number>;
  /** Calls answered with a ThrottlingException, by operation (also counted in `calls`). */
  readonly throttled: Map<string, number>;
  /** Milliseconds the emulator took to answer, summed by operation (where a slow path hides). */
  readonly ms: Map<string, number>;
  /** The server-side buckets by operation; `throttle()` replaces them. */
  private readonly buckets: Map<string, ServerBucket>;
  private readonly server: Server;
  readonly url: string;

  private constructor(
    server: Server,
    url: string,
    counts: { calls: Map<string, number>; throttled: Map<string, number>; ms: Map<string, number> },
    buckets: Map<string, ServerBucket>,
  ) {
    this.server = server;
    this.url = url;
    this.calls = counts.calls;
    this.throttled = counts.throttled;
    this.ms = counts.ms;
    this.buckets = buckets;
  }

  static async start(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    const calls = new Map<string, number>();
    const buckets = new Map<string, ServerBucket>();
    const throttled = new Map<string, number>();
    const ms = new Map<string, number>();
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const amzTarget = incoming.headers['x-amz-target'];
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1];
        const operation =
          typeof amzTarget === 'string'
            ? amzTarget.slice(amzTarget.indexOf('.') + 1)
            : (action ?? `${incoming.method ?? ''} ${(incoming.url ?? '').split('?')[0] ?? ''}`);
        calls.set(operation, (calls.get(operation) ?? 0) + 1);
        if (buckets.get(operation)?.take() === false) {
          throttled.set(operation, (throttled.get(operation) ?? 0) + 1);
          const answer = ecsThrottlingResponse(`throttled-${calls.get(operation) ?? 0}`);
          outgoing.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        const sent = performance.now();
        const forward = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 500, endToEnd(answer.headers));
            answer.on('end', () => ms.set(operation, (ms.get(operation) ?? 0) + performance.now() - sent));
            answer.pipe(outgoing);
          },
        );
        forward.on('error', () => outgoing.writeHead(502).end());
        forward.end(body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new CountingProxy(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      { calls, throttled, ms },
      buckets,
    );
  }

  /** Throttles these operations from now on, each bucket full; no argument: throttles nothing. */
  throttle(limits: ServerThrottles = {}): void {
    this.buckets.clear();
    for (const [operation, [burst, perSecond]] of Object.entries(limits))
      this.buckets.set(operation, new ServerBucket(burst, perSecond));
  }

  total(prefix?: string): number {
    return [...this.calls]
      .filter(([name]) => !prefix || name.startsWith(prefix))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  reset(): void {
    this.calls.clear();
    this.throttled.clear();
    this.ms.clear();
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.calls].sort());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
