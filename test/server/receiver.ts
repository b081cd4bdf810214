/** A real HTTP server standing in for a subscriber's rest-hook endpoint: it records every POST and fails on demand. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  status: number;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The status to answer a POST with (200 unless set). */
  answer: (path: string, body: any, nth: number) => number;
  /** Event notifications received on a path (handshakes and heartbeats left out). */
  events(path: string): Received[];
  close(): Promise<void>;
}

const typeOf = (b: any): string | undefined => b?.entry?.[0]?.resource?.parameter?.find((p: any) => p.name === 'type')?.valueCode;

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let server: Server;
  const r: Receiver = {
    url: '',
    received,
    answer: () => 200,
    events: (path) => received.filter((x) => x.path === path && typeOf(x.body) === 'event-notification'),
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const path = req.url ?? '/';
      const nth = received.filter((x) => x.path === path && typeOf(x.body) === typeOf(body)).length + 1;
      const status = r.answer(path, body, nth);
      received.push({ path, headers: req.headers, body, status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  (r as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

export { typeOf as notificationType };
