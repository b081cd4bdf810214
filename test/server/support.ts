/** Shared helpers of the gateway tests: a gateway on a free port with its store in a temp dir, bundles from the samples. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { requestToBundle } from '../../src/mapping/index.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { checkConfig, type GatewayConfig } from '../../src/server/config.js';
import { startGateway, type RunningGateway } from '../../src/server/serve.js';
import type { GatewayOptions } from '../../src/server/gateway.js';
import { readX12Buffer } from '../../src/x12/index.js';

export interface TestGateway extends RunningGateway {
  readonly dir: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

/** A gateway on a free port, its SQLite file in a fresh temp dir; config keys override the defaults. */
export async function testGateway(overrides: Record<string, unknown> = {}, options: GatewayOptions = {}, dir?: string): Promise<TestGateway> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'x12pas-gw-'));
  const config: GatewayConfig = checkConfig({
    port: 0,
    host: '127.0.0.1',
    store: join(d, 'gateway.db'),
    // Validation always on, with the PAS snapshot x12pas ships (fhir/pas-snapshot.json.gz): no ../shared needed.
    validation: { enabled: true, packages: null },
    log: { level: 'info' },
    // The flow tests call without tokens; test/server/auth.test.ts turns auth on (the shipped default).
    auth: { required: false },
    ...overrides,
  });
  const logs: string[] = [];
  const { jsonLogger } = await import('../../src/server/log.js');
  const g = await startGateway(config, { log: jsonLogger('debug', (l) => logs.push(l)), ...options });
  return {
    ...g,
    dir: d,
    logs,
    stop: async () => {
      await g.close();
      if (dir === undefined) rmSync(d, { recursive: true, force: true });
    },
  };
}

export const sampleText = (name: string): string => readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url), 'latin1');

let unique = 0;
/**
 * A PAS Request Bundle made from a sample 278, with replacements applied to the X12 first; its
 * BHT03 (the Bundle.identifier) and trace numbers are made unique unless `keepIds`.
 */
export function sampleBundle(name: string, pasVersion: PasVersion, replace: ReadonlyArray<readonly [string, string]> = [], keepIds = false): Bundle {
  let text = sampleText(name);
  for (const [a, b] of replace) text = text.replaceAll(a, b);
  if (!keepIds) {
    const n = `${process.pid}${++unique}${Date.now() % 100000}`;
    text = text.replace(/BHT\*(\d+)\*(\d+)\*([^*~]+)/, (_m, a: string, b: string) => `BHT*${a}*${b}*T${n}`);
    let k = 0;
    text = text.replace(/TRN\*1\*([^*~]+)/g, () => `TRN*1*TR${n}-${++k}`);
  }
  const ev = readX12Buffer(Buffer.from(text, 'latin1')).find((e) => e.kind === 'transaction');
  if (ev === undefined || ev.kind !== 'transaction') throw new Error(`no 278 in ${name}`);
  const r = requestToBundle(ev.transaction, { pasVersion });
  if (r.bundle === null) throw new Error(`sample ${name} does not convert: ${JSON.stringify(r.findings)}`);
  return r.bundle as Bundle;
}

export async function postJson(url: string, body: unknown, contentType = 'application/fhir+json'): Promise<{ status: number; type: string; text: string; json: () => any }> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}

type Json = Record<string, any>;

/** The ClaimResponse of a Response Bundle. */
export const claimResponse = (b: Json): Json => b.entry[0].resource;

/** The review action code of each ClaimResponse item (A1, A3, A4, A6...). */
export function itemActions(b: Json): (string | undefined)[] {
  const cr = claimResponse(b);
  return (cr.item ?? []).map((i: Json) => {
    const ext = (i.adjudication ?? []).flatMap((a: Json) => a.extension ?? []);
    const review = ext.find((e: Json) => String(e.url).endsWith('extension-reviewAction'));
    const code = (review?.extension ?? []).find((e: Json) => String(e.url).endsWith('extension-reviewActionCode') || e.url === 'reviewActionCode');
    return code?.valueCodeableConcept?.coding?.[0]?.code;
  });
}

export async function waitFor<T>(what: () => Promise<T | null> | T | null, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A URL on a port nobody listens on (a server was there a moment ago): connections are refused. */
export async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/x12`;
}
