/**
 * Hardening over real HTTP: body size and JSON depth limits, header and request timeouts on a raw
 * socket, the rate limit, security headers; and a full run whose every log line and metric is
 * searched for the sample patients' names and member ids.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readX12Buffer } from '../../src/x12/index.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { PAS_TOPIC } from '../../src/server/subscriptions/resource.js';
import { startReceiver, type Receiver } from './receiver.js';
import { postJson, sampleBundle, sampleText, testGateway, waitFor, type TestGateway } from './support.js';

const nested = (depth: number): string => `{"resourceType":"Bundle","entry":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('limits', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await testGateway({ maxBodyBytes: 4096, maxJsonDepth: 32, headersTimeoutMs: 300, requestTimeoutMs: 600, rateLimitPerMinute: 600, validation: { enabled: false } });
  });
  afterAll(async () => {
    await g?.stop();
  });

  it.each(['/fhir/2.2.1/Claim/$submit', '/fhir/2.2.1/Claim/$inquire', '/fhir/2.2.1/Subscription'])('%s: a body too large is 413, one nested too deep is 400, each one OperationOutcome', async (path) => {
    const big = await postJson(`${g.url}${path}`, JSON.stringify({ resourceType: 'Bundle', pad: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    expect(big.json().resourceType).toBe('OperationOutcome');
    const deep = await postJson(`${g.url}${path}`, nested(40));
    expect(deep.status).toBe(400);
    expect(deep.json().issue[0].code).toBe('too-costly');
    expect(deep.json().issue[0].details.text).toContain('deeper than 32');
    // Depth within the limit is read as usual (then refused for what it is, not for its depth).
    const shallow = await postJson(`${g.url}${path}`, nested(20));
    expect(shallow.json().issue[0].code).not.toBe('too-costly');
  });

  it('the X12 face refuses a body too large with 413', async () => {
    const r = await fetch(`${g.url}/x12/278`, { method: 'POST', body: sampleText('referral-request').padEnd(5000, ' '), headers: { 'content-type': 'application/edi-x12' } });
    expect(r.status).toBe(413);
  });

  it('a client that sends its headers too slowly is answered 408 and cut off', async () => {
    const u = new URL(g.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(u.port), u.hostname, () => s.write('POST /fhir/2.2.1/Claim/$submit HTTP/1.1\r\nHost: x\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', reject);
      setTimeout(() => reject(new Error('not cut off')), 5000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('security headers on every answer; nothing but metadata may be cached', async () => {
    const r = await fetch(`${g.url}/fhir/2.2.1/Subscription`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.headers.get('strict-transport-security')).toContain('max-age=');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const m = await fetch(`${g.url}/fhir/2.2.1/metadata`);
    expect(m.headers.get('cache-control')).toBeNull();
  });
});

it('the rate limit per caller: past it, 429 with Retry-After', async () => {
  const g = await testGateway({ rateLimitPerMinute: 3, validation: { enabled: false } });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await fetch(`${g.url}/fhir/2.2.1/Subscription`)).status);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const r = await fetch(`${g.url}/fhir/2.2.1/Subscription`);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await r.json()) as any).issue[0].code).toBe('throttled');
    // Not limited: health and metrics.
    expect((await fetch(`${g.url}/healthz`)).status).toBe(200);
  } finally {
    await g.stop();
  }
});

describe('no patient data in logs or metrics', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.close();
  });

  it('a full run (approve, deny, pend then decide with a notification, inquiries, the X12 face, errors): no name or member id in any log line or metric', async () => {
    const g = await testGateway({ subscriptions: { retryBaseMs: 50, pollMs: 50 } });
    try {
      // Every name and member id of the samples used below, read from the 278s themselves.
      const secrets = new Set<string>();
      for (const name of ['referral-request', 'dependent-request', 'admission-request', 'referral-inquiry']) {
        for (const seg of sampleText(name).split('~')) {
          const e = seg.trim().split('*');
          if (e[0] === 'NM1' && (e[1] === 'IL' || e[1] === 'QC')) for (const v of [e[3], e[4], e[9]]) if (v) secrets.add(v);
        }
      }
      expect([...secrets]).toEqual(expect.arrayContaining(['NGUYEN', 'TOM', 'W123456789', 'GARCIA', 'SOFIA']));
      const sub = await postJson(`${g.url}/fhir/2.2.1/Subscription`, {
        resourceType: 'Subscription', status: 'requested', criteria: PAS_TOPIC,
        _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: 'orgIdentifier=1578902342' }] },
        channel: { type: 'rest-hook', endpoint: `${rx.url}/hook` },
      });
      expect(sub.status).toBe(201);
      for (const v of ['2.2.1', '2.0.1'] as const) {
        const submit = (b: unknown) => postJson(`${g.url}/fhir/${v}/Claim/$submit`, b);
        expect((await submit(sampleBundle('referral-request', v))).status).toBe(200);
        expect((await submit(sampleBundle('referral-request', v, [['M5416', 'Z411']]))).status).toBe(200);
        expect((await submit(sampleBundle('dependent-request', v))).status).toBe(200);
        expect((await submit(sampleBundle('admission-request', v))).status).toBe(200);
        expect((await submit(sampleBundle('referral-request', v, [['W123456789', 'NOTFOUND00']]))).status).toBe(200);
        const ev = readX12Buffer(Buffer.from(sampleText('referral-inquiry'), 'latin1')).find((e) => e.kind === 'transaction');
        if (ev?.kind !== 'transaction') throw new Error('no inquiry');
        expect((await postJson(`${g.url}/fhir/${v}/Claim/$inquire`, requestToBundle(ev.transaction, { pasVersion: v }).bundle)).status).toBe(200);
        // Refused ones: a broken bundle, an invalid one.
        await postJson(`${g.url}/fhir/${v}/Claim/$submit`, '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"NGUYEN"}]}}]}');
      }
      // Pended, then decided later: one notification to the subscriber.
      await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, sampleBundle('referral-request', '2.2.1', [['M5416', 'R938']]));
      await waitFor(() => (rx.events('/hook').length > 0 ? true : null), 10_000);
      const x12 = await fetch(`${g.url}/x12/278`, { method: 'POST', body: sampleText('referral-request'), headers: { 'content-type': 'application/edi-x12' } });
      expect(x12.status).toBe(200);
      await fetch(`${g.url}/x12/278`, { method: 'POST', body: sampleText('referral-request').replace('NM1*IL', 'NM1*ZZ'), headers: { 'content-type': 'application/edi-x12' } });
      const metrics = await (await fetch(`${g.url}/metrics`)).text();
      const everything = [...g.logs, metrics];
      expect(g.logs.length).toBeGreaterThan(20);
      for (const s of secrets) {
        const hits = everything.filter((l) => l.includes(s));
        expect(hits, `${s} appears in: ${hits.slice(0, 2).join(' | ')}`).toEqual([]);
      }
    } finally {
      await g.stop();
    }
  });
});

it('encryption at rest: with a key file, the store file holds no bundle, 278 or name; answers still come back from it', async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { randomBytes } = await import('node:crypto');
  const d = mkdtempSync(join(tmpdir(), 'x12pas-enc-'));
  const keyFile = join(d, 'store.key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`);
  const g = await testGateway({ store: join(d, 'gw.db'), encryption: { keyFile }, validation: { enabled: false } }, {}, d);
  try {
    const bundle = sampleBundle('referral-request', '2.2.1');
    const first = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
    expect(first.status).toBe(200);
    const again = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
    expect(again.text).toBe(first.text);
    const bytes = ['gw.db', 'gw.db-wal'].map((f) => { try { return readFileSync(join(d, f)).toString('latin1'); } catch { return ''; } }).join('');
    for (const secret of ['NGUYEN', 'ISA*00', '"resourceType"', 'HCR*A1']) expect(bytes.includes(secret), secret).toBe(false);
    expect(g.logs.some((l) => l.includes('store not encrypted'))).toBe(false);
  } finally {
    await g.stop();
    rmSync(d, { recursive: true, force: true });
  }
});
