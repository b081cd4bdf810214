/**
 * HTTP semantics of the PAS face (PAS's rules): 4xx with one OperationOutcome for what the gateway
 * refuses, 5xx without one when the UM system fails or times out, and the items pended when the
 * answer takes longer than the synchronous budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { closedPort, itemActions, postJson, sampleBundle, testGateway, waitFor, type TestGateway } from './support.js';

describe('4xx: one OperationOutcome', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await testGateway({ maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await g?.stop();
  });
  const url = (v = '2.2.1') => `${g.url}/fhir/${v}/Claim/$submit`;
  const oo = (text: string) => {
    const o = JSON.parse(text);
    expect(o.resourceType).toBe('OperationOutcome');
    expect(o.issue.length).toBeGreaterThan(0);
    return o;
  };

  it('a body that is not JSON: 400', async () => {
    const r = await postJson(url(), '{"resourceType": "Bundle",');
    expect(r.status).toBe(400);
    expect(oo(r.text).issue[0].code).toBe('structure');
  });

  it('not a PAS bundle (a Patient; a Bundle whose first entry is no Claim): 400 with the expression', async () => {
    const a = await postJson(url(), { resourceType: 'Patient' });
    expect(a.status).toBe(400);
    expect(oo(a.text).issue[0].expression).toEqual(['Bundle']);
    const b = await postJson(url(), { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient' } }] });
    expect(b.status).toBe(400);
    expect(oo(b.text).issue[0].expression).toEqual(['Bundle.entry[0].resource']);
  });

  it('a wrong content type: 415', async () => {
    const r = await postJson(url(), sampleBundle('referral-request', '2.2.1'), 'text/plain');
    expect(r.status).toBe(415);
    oo(r.text);
  });

  it('a body over the limit: 413', async () => {
    const big = sampleBundle('referral-request', '2.2.1') as any;
    big.entry[0].resource.text = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(70 * 1024)}</div>` };
    const r = await postJson(url(), big);
    expect(r.status).toBe(413);
    expect(oo(r.text).issue[0].code).toBe('too-costly');
  });

  it('an invalid bundle (checked against the shipped snapshot): 400, each error with its FHIRPath expression; nothing stored, nothing sent', async () => {
    const bad = sampleBundle('referral-request', '2.2.1') as any;
    delete bad.entry[0].resource.patient;
    bad.type = 'batch';
    const before = g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' });
    const r = await postJson(url(), bad);
    expect(r.status).toBe(400);
    const expressions = oo(r.text).issue.flatMap((i: any) => i.expression ?? []);
    expect(expressions).toContain('Bundle.type');
    expect(expressions.some((e: string) => e.startsWith('Bundle.entry[0].resource'))).toBe(true);
    expect(g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' })).toBe(before);
    expect((g.gateway.store as SqliteStore).rows('SELECT id FROM submissions')).toEqual([]);
  });

  it('an unknown PAS version: 404 OperationOutcome', async () => {
    const r = await postJson(url('3.0.0'), sampleBundle('referral-request', '2.2.1'));
    expect(r.status).toBe(404);
    oo(r.text);
  });
});

describe('5xx and the synchronous budget', () => {
  it('the UM system times out: 504 without an OperationOutcome; nothing stays claimed, a retry is sent again', async () => {
    const g = await testGateway({ upstreams: { simulator: { type: 'simulator', latencyMs: 2000, timeoutMs: 150 } } });
    try {
      const bundle = sampleBundle('referral-request', '2.2.1');
      const r = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(r.status).toBe(504);
      expect(r.type).not.toContain('fhir');
      expect(r.text).not.toContain('OperationOutcome');
      expect((g.gateway.store as SqliteStore).rows('SELECT id FROM submissions')).toEqual([]);
      const again = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(again.status).toBe(504);
      expect(g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'timeout' })).toBe(2);
    } finally {
      await g.stop();
    }
  });

  it('the UM system cannot be reached: 502 without an OperationOutcome', async () => {
    const g = await testGateway({
      partners: { um: { upstream: 'remote' } },
      upstreams: { remote: { type: 'x12-http', url: await closedPort(), timeoutMs: 2000, retries: 1 } },
    });
    try {
      const r = await postJson(`${g.url}/fhir/2.0.1/Claim/$submit`, sampleBundle('referral-request', '2.0.1'));
      expect(r.status).toBe(502);
      expect(r.text).not.toContain('OperationOutcome');
      expect(g.logs.join('')).toContain('ECONNREFUSED');
    } finally {
      await g.stop();
    }
  });

  it('an answer slower than the budget: 200 with every item pended; the answer, when it comes, updates the store', async () => {
    const g = await testGateway({ syncBudgetMs: 200, upstreams: { simulator: { type: 'simulator', latencyMs: 1200, timeoutMs: 5000 } } });
    try {
      const bundle = sampleBundle('dependent-request', '2.2.1');
      const r = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(r.status).toBe(200);
      expect(itemActions(r.json())).toEqual(['A4', 'A4', 'A4']);
      const store = g.gateway.store as SqliteStore;
      const rec = store.findByTraces([], (bundle as any).identifier.value)!;
      await waitFor(() => (store.items(rec.id).every((i) => i.decision === 'A1') ? true : null), 8000);
      const again = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(itemActions(again.json())).toEqual(['A1', 'A1', 'A1']);
    } finally {
      await g.stop();
    }
  });
});
