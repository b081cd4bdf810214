/** Upstream plumbing over real HTTP: concurrency limits, timeouts, and retries only where they are safe. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPoster } from '../../src/server/upstream/http.js';
import { Limit } from '../../src/server/upstream/limit.js';
import { UpstreamError } from '../../src/server/upstream/types.js';
import { closedPort } from './support.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server that answers each request with the next status of the list (after `delayMs`), counting requests and the most in flight. */
async function server(statuses: number[], delayMs = 0): Promise<{ url: string; count: () => number; peak: () => number }> {
  let n = 0;
  let inFlight = 0;
  let peak = 0;
  const s = createServer((req, res) => {
    const status = statuses[Math.min(n, statuses.length - 1)]!;
    n++;
    inFlight++;
    peak = Math.max(peak, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    }, delayMs);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, count: () => n, peak: () => peak };
}

describe('Limit', () => {
  it('runs at most N tasks at once, all of them in the end', async () => {
    const l = new Limit(3);
    let running = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        l.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          return i;
        }),
      ),
    );
    expect(done).toEqual([...Array(10).keys()]);
    expect(peak).toBe(3);
  });
});

describe('HttpPoster', () => {
  it('keeps to the concurrency limit against a real server', async () => {
    const s = await server([200], 30);
    const p = new HttpPoster({ timeoutMs: 5000, retries: 0, concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => p.post(s.url, 'x', 'text/plain', 'text/plain', false)));
    expect(s.count()).toBe(6);
    expect(s.peak()).toBe(2);
  });

  it('a 5xx is retried when the call is safe to repeat (an inquiry), and not otherwise (a 278 request)', async () => {
    const safe = await server([503, 200]);
    const r = await new HttpPoster({ timeoutMs: 5000, retries: 1, concurrency: 4 }).post(safe.url, 'x', 'text/plain', 'text/plain', true);
    expect(r.status).toBe(200);
    expect(safe.count()).toBe(2);
    const unsafe = await server([503, 200]);
    const u = await new HttpPoster({ timeoutMs: 5000, retries: 1, concurrency: 4 }).post(unsafe.url, 'x', 'text/plain', 'text/plain', false);
    expect(u.status).toBe(503);
    expect(unsafe.count()).toBe(1);
  });

  it('a refused connection is retried (nothing was sent), then reported as an upstream failure', async () => {
    const p = new HttpPoster({ timeoutMs: 2000, retries: 2, concurrency: 1 });
    await expect(p.post(await closedPort(), 'x', 'text/plain', 'text/plain', false)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a slow upstream times out as an UpstreamError with timeout set', async () => {
    const s = await server([200], 1000);
    const p = new HttpPoster({ timeoutMs: 100, retries: 0, concurrency: 1 });
    const e = await p.post(s.url, 'x', 'text/plain', 'text/plain', false).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UpstreamError);
    expect((e as UpstreamError).timeout).toBe(true);
  });
});
