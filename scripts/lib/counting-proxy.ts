/**
 * A loopback HTTP proxy in front of the emulator that counts AWS API calls by operation (X-Amz-Target for
 * JSON protocols, Action= for query protocols, method and path for REST). Every SDK client in the process
 * goes through it when AWS_ENDPOINT_URL points here, so the count covers the handlers' own clients.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class CountingProxy {
  readonly calls: Map<string, number>;
  private readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string, calls: Map<string, number>) {
    this.server = server;
    this.url = url;
    this.calls = calls;
  }

  static async start(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    const calls = new Map<string, number>();
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
        const forward = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forward.on('error', () => outgoing.writeHead(502).end());
        forward.end(body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new CountingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls);
  }

  total(prefix?: string): number {
    return [...this.calls]
      .filter(([name]) => !prefix || name.startsWith(prefix))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  reset(): void {
    this.calls.clear();
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.calls].sort());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
