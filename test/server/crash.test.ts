/**
 * Crash test: `x12pas serve` as a real child process, concurrent submissions, `kill -9` in the
 * middle, a restart on the same SQLite file. Every submission that got a 2xx is in the store with
 * that answer; a retry gets the same answer and sends nothing upstream; no control number is ever
 * used twice (the UM here is the simulator on its own port, in this process, so it sees every 278
 * sent before and after the crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { startSimulatorServer } from '../../src/server/simulator/http.js';
import { loadRules } from '../../src/server/simulator/rules.js';
import { UmSimulator } from '../../src/server/simulator/simulator.js';
import { readX12Buffer } from '../../src/x12/index.js';
import { postJson, sampleBundle } from './support.js';

const BIN = fileURLToPath(new URL('../../bin/x12pas.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'x12pas-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `x12pas serve` and resolves with its URL once it listens. */
function serve(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

it('kill -9 under concurrent load: answered submissions survive, retries send nothing, no control number is reused', async () => {
  /** ISA13 / GS06 / ST02 of every 278 the UM received, over the whole run. */
  const received: { isa13: string; gs06: string; st02: string }[] = [];
  const sim = await startSimulatorServer(new UmSimulator({ rules: loadRules() }), 0, (x12) => {
    for (const ev of readX12Buffer(Buffer.from(x12, 'latin1'))) {
      if (ev.kind === 'transaction') received.push({ isa13: ev.transaction.interchange.control, gs06: ev.transaction.group!.control, st02: ev.transaction.control });
    }
  });
  const config = join(dir, 'config.json');
  const db = join(dir, 'gateway.db');
  writeFileSync(
    config,
    JSON.stringify({
      port: 0,
      host: '127.0.0.1',
      store: db,
      validation: { enabled: false },
      log: { level: 'error' },
      auth: { required: false },
      partners: { um: { upstream: 'um' } },
      upstreams: { um: { type: 'x12-http', url: sim.url, envelope: 'raw', timeoutMs: 5000 } },
    }),
  );
  try {
    let { child, url } = await serve(config);
    const bundles = Array.from({ length: 80 }, (_, i) => sampleBundle('referral-request', '2.2.1', i % 3 === 0 ? [['M5416', 'Z411']] : []));
    const answered = new Map<number, string>();
    let next = 0;
    let killed = false;
    const worker = async (): Promise<void> => {
      while (next < bundles.length) {
        const i = next++;
        try {
          const r = await postJson(`${url}/fhir/2.2.1/Claim/$submit`, bundles[i]);
          if (r.status >= 200 && r.status < 300) answered.set(i, r.text);
        } catch {
          // the server is gone: this one got no answer
        }
        if (!killed && answered.size >= 25) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(answered.size).toBeGreaterThanOrEqual(25);
    expect(answered.size).toBeLessThan(bundles.length);

    // Restart on the same file.
    ({ child, url } = await serve(config));
    // Every 2xx is in the store with that very answer.
    const look = new Database(db, { readonly: true });
    for (const [i, body] of answered) {
      const row = look.prepare("SELECT state, answer_body FROM submissions WHERE face = 'pas' AND idempotency_key = ?").get(`2.2.1|${(bundles[i] as any).identifier.value}`) as { state: string; answer_body: string } | undefined;
      expect(row?.state).toBe('answered');
      expect(row?.answer_body).toBe(body);
    }
    look.close();
    // A retry of each gets the same answer, and nothing goes upstream.
    const before = received.length;
    for (const [i, body] of answered) {
      const r = await postJson(`${url}/fhir/2.2.1/Claim/$submit`, bundles[i]);
      expect(r.status).toBe(200);
      expect(r.text).toBe(body);
    }
    expect(received.length).toBe(before);
    // The others are answered now (sent again), with new control numbers.
    for (let i = 0; i < bundles.length; i++) {
      if (answered.has(i)) continue;
      const r = await postJson(`${url}/fhir/2.2.1/Claim/$submit`, bundles[i]);
      expect(r.status).toBe(200);
    }
    expect(received.length).toBeGreaterThan(before);
    const isa = received.map((r) => r.isa13);
    expect(new Set(isa).size).toBe(isa.length);
    expect(new Set(received.map((r) => r.gs06)).size).toBe(received.length);
    expect(new Set(received.map((r) => r.st02)).size).toBe(received.length);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  } finally {
    await sim.close();
  }
});
