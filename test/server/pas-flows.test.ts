/**
 * The PAS face over real HTTP (the gateway on a free port, fetch as the client, a SQLite file in a
 * temp dir, the built-in UM simulator answering real 278s): every decision the rules can give, for
 * both PAS versions, and what the store keeps of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { claimResponse, itemActions, postJson, sampleBundle, testGateway, waitFor, type TestGateway } from './support.js';

let g: TestGateway;
beforeAll(async () => {
  g = await testGateway();
});
afterAll(async () => {
  await g?.stop();
});

const store = (): SqliteStore => g.gateway.store as SqliteStore;

describe.each(['2.2.1', '2.0.1'] as const)('PAS %s $submit through the UM simulator', (v) => {
  const submit = (body: unknown) => postJson(`${g.url}/fhir/${v}/Claim/$submit`, body);

  it('approves (A1): 200, a Response Bundle with the item certified and its authorization number, stored with its 278s', async () => {
    const bundle = sampleBundle('referral-request', v);
    const r = await submit(bundle);
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/fhir+json');
    const answer = r.json();
    expect(answer.resourceType).toBe('Bundle');
    expect(claimResponse(answer).outcome).toBe('complete');
    expect(itemActions(answer)).toEqual(['A1']);
    const rec = store().findByTraces([], (bundle as any).identifier.value)!;
    expect(store().find('pas', rec.submitter, rec.key)?.id).toBe(rec.id);
    expect(rec.state).toBe('answered');
    expect(rec.answer!.body).toBe(r.text);
    // Correlation: BHT03, the 278's control numbers, trace numbers; the items' decision and authorization number.
    expect(rec.correlation.bht03).toBe((bundle as any).identifier.value);
    expect(rec.correlation.isa13).toMatch(/^\d{9}$/);
    expect(rec.correlation.requestX12).toContain(`ISA*00*`);
    expect(rec.correlation.requestX12).toContain(`*${rec.correlation.isa13}*`);
    expect(rec.correlation.traces.length).toBeGreaterThan(0);
    expect(rec.responseX12).toContain('HCR*A1*');
    const items = store().items(rec.id);
    expect(items).toHaveLength(1);
    expect(items[0]!.decision).toBe('A1');
    expect(items[0]!.authNumber).toMatch(/^SIM/);
    expect(JSON.stringify(answer)).toContain(items[0]!.authNumber!);
  });

  it('denies (A3) by diagnosis', async () => {
    const r = await submit(sampleBundle('referral-request', v, [['M5416', 'Z411']]));
    expect(r.status).toBe(200);
    expect(itemActions(r.json())).toEqual(['A3']);
  });

  it('modifies (A6): the authorized quantity comes back halved', async () => {
    const r = await submit(sampleBundle('referral-request', v, [['M5416', 'M5442']]));
    expect(r.status).toBe(200);
    const answer = r.json();
    expect(itemActions(answer)).toEqual(['A6']);
    const rec = store().rows('SELECT response_x12 FROM submissions ORDER BY id DESC LIMIT 1')[0] as { response_x12: string };
    expect(rec.response_x12).toContain('HSD*VS*3~');
  });

  it('pends (A4) one service, and the simulator decides it later: the store takes the unsolicited 278 response', async () => {
    const bundle = sampleBundle('dependent-request', v, [['97155', '72148']]);
    const r = await submit(bundle);
    expect(r.status).toBe(200);
    expect(itemActions(r.json())).toEqual(['A1', 'A4', 'A1']);
    expect(claimResponse(r.json()).outcome).toBe('partial');
    const rec = store().findByTraces([], (bundle as any).identifier.value)!;
    expect(store().items(rec.id).map((i) => i.decision)).toEqual(['A1', 'A4', 'A1']);
    // The rule decides it after 2 s: the stored answer and the item change; a retry now gets the decision.
    await waitFor(() => (store().items(rec.id)[1]!.decision === 'A1' ? true : null), 8000);
    const again = await submit(bundle);
    expect(itemActions(again.json())).toEqual(['A1', 'A1', 'A1']);
    const audit = store().rows("SELECT kind, outcome FROM audit WHERE submission_id = ?", rec.id) as { kind: string }[];
    expect(audit.map((a) => a.kind)).toContain('278.unsolicited:simulator');
  });

  it('an AAA error (member not found) is a 200 with the error inside the ClaimResponse', async () => {
    const r = await submit(sampleBundle('referral-request', v, [['W123456789', 'NOTFOUND00']]));
    expect(r.status).toBe(200);
    const cr = claimResponse(r.json());
    expect(cr.outcome).toBe('error');
    expect(cr.error.map((e: any) => e.code.coding[0].code)).toEqual(['75']);
  });

  it('the same Bundle.identifier from the same submitter gets the stored answer, and no second 278 goes upstream', async () => {
    const bundle = sampleBundle('admission-request', v);
    const before = g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' });
    const first = await submit(bundle);
    const [second, third] = await Promise.all([submit(bundle), submit(bundle)]);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(third.text).toBe(first.text);
    expect(g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' }) - before).toBe(1);
  });

  it('CapabilityStatement at /metadata names $submit and $inquire and the version', async () => {
    const res = await fetch(`${g.url}/fhir/${v}/metadata`);
    expect(res.status).toBe(200);
    const cs = (await res.json()) as any;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.rest[0].resource[0].operation.map((o: any) => o.name)).toEqual(['submit', 'inquire']);
    expect(cs.implementationGuide[0]).toContain(`|${v}`);
  });
});

describe('control numbers', () => {
  it('no ISA13 or ST02 is used twice for the partner over all the submissions above', () => {
    const rows = store().rows("SELECT isa13, st02 FROM submissions WHERE face = 'pas' AND isa13 IS NOT NULL") as { isa13: string; st02: string }[];
    expect(rows.length).toBeGreaterThan(8);
    expect(new Set(rows.map((r) => r.isa13)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.st02)).size).toBe(rows.length);
  });
});

describe('/healthz and /metrics', () => {
  it('healthz answers ok; metrics count requests by face and outcome, latency, upstream latency, pended items, store size', async () => {
    const h = (await (await fetch(`${g.url}/healthz`)).json()) as any;
    expect(h.status).toBe('ok');
    const m = await (await fetch(`${g.url}/metrics`)).text();
    expect(m).toMatch(/x12pas_requests_total\{.*face="pas".*outcome="decided-A1".*\} \d+/);
    expect(m).toMatch(/x12pas_request_duration_seconds_bucket\{face="pas",operation="\$submit",le="0\.5"\} \d+/);
    expect(m).toMatch(/x12pas_upstream_duration_seconds_count\{.*upstream="simulator".*\} \d+/);
    expect(m).toMatch(/x12pas_pended_items \d+/);
    expect(m).toMatch(/x12pas_store_bytes [1-9]\d*/);
  });

  it('the logs carry no names or member ids of the samples', () => {
    const all = g.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const s of ['NGUYEN', 'RIVERA', 'GARCIA', 'BAKER', 'W123456789', 'W555000111', 'M5416']) expect(all).not.toContain(s);
  });
});
