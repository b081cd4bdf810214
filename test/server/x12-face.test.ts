/**
 * The X12 face over real HTTP: a clearinghouse posts a 278 (raw, or in the CAQH CORE SOAP
 * envelope); the gateway answers the 999 (and TA1) and the 278 response, calling a payer's PAS
 * API — here another gateway's PAS face on its own port, whose UM is the simulator. Also: X12 over
 * HTTP to a UM system (raw and CORE) as the PAS face's upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCore, parseCore, PAYLOAD } from '../../src/server/core-envelope.js';
import { startSimulatorServer } from '../../src/server/simulator/http.js';
import { checkRules, loadRules } from '../../src/server/simulator/rules.js';
import { UmSimulator } from '../../src/server/simulator/simulator.js';
import { readX12Buffer } from '../../src/x12/index.js';
import { itemActions, postJson, sampleBundle, sampleText, testGateway, waitFor, type TestGateway } from './support.js';

let payer: TestGateway;
let clearinghouse: TestGateway;
beforeAll(async () => {
  payer = await testGateway();
  clearinghouse = await testGateway({
    partners: { um: { upstream: 'simulator' }, payer: { upstream: 'payer-pas' } },
    upstreams: { simulator: { type: 'simulator' }, 'payer-pas': { type: 'pas-fhir', url: `${payer.url}/fhir/2.2.1`, pasVersion: '2.2.1' } },
    x12: { partner: 'payer' },
  });
});
afterAll(async () => {
  await clearinghouse?.stop();
  await payer?.stop();
});

const post = (url: string, body: string, type: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': type } });

/** Transaction sets of an X12 text, by type. */
function sets(text: string): { type: string; segments: (readonly string[])[] }[] {
  return readX12Buffer(Buffer.from(text, 'latin1')).flatMap((e) => (e.kind === 'transaction' ? [{ type: e.transaction.type, segments: e.transaction.segments.map((s) => s.elements()) }] : []));
}
const unique = (text: string, n: string): string => text.replace(/\*000000101\*/, `*${n.padStart(9, '0')}*`).replace('CLN20261123A1', `CLN${n}`).replace('REF2026112301', `REF${n}`);

describe('X12 face, raw', () => {
  it('a 278 request: 999 accepted and the 278 response with the payer decision, back to the sender; the payer got one $submit', async () => {
    const res = await post(`${clearinghouse.url}/x12/278`, unique(sampleText('referral-request'), '1001'), 'application/edi-x12');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/edi-x12');
    const text = await res.text();
    const got = sets(text);
    expect(got.map((s) => s.type)).toEqual(['999', '278']);
    expect(got[0]!.segments.find((s) => s[0] === 'IK5')).toEqual(['IK5', 'A']);
    const hcr = got[1]!.segments.find((s) => s[0] === 'HCR')!;
    expect(hcr[1]).toBe('A1');
    expect(got[1]!.segments.find((s) => s[0] === 'BHT')![2]).toBe('11');
    expect(got[1]!.segments.find((s) => s[0] === 'TRN')).toEqual(['TRN', '2', 'REF1001', '1578902342']);
    // The response goes back to the one who sent the request.
    const isa = text.split('ISA*').pop()!;
    expect(isa).toContain('ACMEHEALTH');
    expect(isa).toMatch(/\*ZZ\*CLINICSUBMIT01 /);
    expect(payer.gateway.metrics.requests.get({ face: 'pas', operation: '$submit', status: '200', outcome: 'decided-A1' })).toBe(1);
  });

  it('the same interchange again: the same 278 response, no second call to the payer', async () => {
    const body = unique(sampleText('referral-request'), '1002');
    const a = await (await post(`${clearinghouse.url}/x12/278`, body, 'application/edi-x12')).text();
    const b = await (await post(`${clearinghouse.url}/x12/278`, body, 'application/edi-x12')).text();
    const responses = (t: string) => t.slice(t.indexOf('ST*278'));
    expect(responses(b)).toBe(responses(a));
    const n = payer.gateway.metrics.requests.get({ face: 'pas', operation: '$submit', status: '200', outcome: 'decided-A1' });
    expect(n).toBe(2);
  });

  it('a broken 278: a 999 that rejects it, and no 278 response', async () => {
    const broken = unique(sampleText('referral-request'), '1003').replace('SE*19*0001', 'SE*7*0001');
    const text = await (await post(`${clearinghouse.url}/x12/278`, broken, 'application/edi-x12')).text();
    const got = sets(text);
    expect(got.map((s) => s.type)).toEqual(['999']);
    expect(got[0]!.segments.find((s) => s[0] === 'IK5')![1]).toBe('R');
  });

  it('an X215 inquiry goes to the payer as $inquire and comes back as an X215 response', async () => {
    const text = await (await post(`${clearinghouse.url}/x12/278`, sampleText('referral-inquiry'), 'application/edi-x12')).text();
    const got = sets(text);
    expect(got.map((s) => s.type)).toEqual(['999', '278']);
    expect(text).toContain('005010X215');
  });

  it('a wrong content type: 415', async () => {
    const res = await post(`${clearinghouse.url}/x12/278`, sampleText('referral-request'), 'application/json');
    expect(res.status).toBe(415);
  });
});

describe('X12 face, CAQH CORE envelope', () => {
  it('a 278 request in the envelope: the 278 response in the envelope, payload type and ids as CORE asks', async () => {
    const xml = buildCore({ kind: 'request', payloadType: PAYLOAD.request278, senderId: 'CLINICSUBMIT01', receiverId: 'ACMEHEALTH', payloadId: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', payload: unique(sampleText('referral-request'), '2001') });
    const res = await post(`${clearinghouse.url}/x12/278`, xml, 'application/soap+xml; charset=utf-8');
    expect(res.status).toBe(200);
    const m = parseCore(await res.text());
    expect(m.kind).toBe('response');
    expect(m.payloadType).toBe(PAYLOAD.response278);
    expect(m.payloadId).toBe('f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(m.senderId).toBe('ACMEHEALTH');
    expect(m.receiverId).toBe('CLINICSUBMIT01');
    expect(m.errorCode).toBe('Success');
    expect(sets(m.payload)[0]!.segments.find((s) => s[0] === 'HCR')![1]).toBe('A1');
  });

  it('a rejected 278 in the envelope: the 999 as the payload', async () => {
    const broken = unique(sampleText('referral-request'), '2002').replace('SE*19*0001', 'SE*7*0001');
    const xml = buildCore({ kind: 'request', payloadType: PAYLOAD.request278, senderId: 'CLINICSUBMIT01', receiverId: 'ACMEHEALTH', payload: broken });
    const m = parseCore(await (await post(`${clearinghouse.url}/x12/278`, xml, 'application/soap+xml')).text());
    expect(m.payloadType).toBe(PAYLOAD.ack999);
    expect(m.payload).toContain('IK5*R');
  });

  it('an envelope that is not CORE: 400 with the error named', async () => {
    const res = await post(`${clearinghouse.url}/x12/278`, '<Envelope><Body><Other/></Body></Envelope>', 'application/soap+xml');
    expect(res.status).toBe(400);
    expect(parseCore(await res.text()).errorCode).toBe('EnvelopeError');
  });
});

describe('unsolicited 278 responses on the X12 face', () => {
  it('a UM system posting a later decision updates the submission it answers', async () => {
    const bundle = sampleBundle('referral-request', '2.2.1', [['M5416', 'R938']]);
    const sub = await postJson(`${payer.url}/fhir/2.2.1/Claim/$submit`, bundle);
    expect(itemActions(sub.json())).toEqual(['A4']);
    const store = payer.gateway.store as any;
    const rec = store.findByTraces([], (bundle as any).identifier.value);
    // The UM's later decision, as a UM system would post it: the stored 278 answered again, certified.
    const later = (rec.responseX12 as string).replace('HCR*A4', 'HCR*A1*LATER0001');
    const res = await post(`${payer.url}/x12/278`, later, 'application/edi-x12');
    expect(res.status).toBe(200);
    expect(store.items(rec.id)[0].decision).toBe('A1');
    expect(store.items(rec.id)[0].authNumber).toBe('LATER0001');
  });
});

describe('X12 over HTTP to a UM system (the PAS face upstream)', () => {
  it.each(['raw', 'core'] as const)('%s: the 278 goes to the UM over HTTP, once per submission, with fresh control numbers', async (envelope) => {
    const received: string[] = [];
    const sim = await startSimulatorServer(new UmSimulator({ rules: loadRules() }), 0, (x12) => received.push(x12));
    const g = await testGateway({ partners: { um: { upstream: 'remote' } }, upstreams: { remote: { type: 'x12-http', url: sim.url, envelope } } });
    try {
      const bundle = sampleBundle('referral-request', '2.0.1', [['M5416', 'Z411']]);
      const r = await postJson(`${g.url}/fhir/2.0.1/Claim/$submit`, bundle);
      expect(r.status).toBe(200);
      expect(itemActions(r.json())).toEqual(['A3']);
      await postJson(`${g.url}/fhir/2.0.1/Claim/$submit`, bundle);
      await postJson(`${g.url}/fhir/2.0.1/Claim/$submit`, sampleBundle('referral-request', '2.0.1'));
      expect(received).toHaveLength(2);
      const isa13 = received.map((t) => t.slice(0, 106).split('*')[13]);
      expect(new Set(isa13).size).toBe(2);
    } finally {
      await g.stop();
      await sim.close();
    }
  });

  it('a remote UM pends, then posts its later decision to the X12 face: the submission is updated', async () => {
    let gatewayUrl = '';
    const rules = checkRules({ rules: [{ when: { diagnoses: ['R938'] }, then: { decision: 'A4', later: 'A3', laterMs: 100 } }] });
    const um = new UmSimulator({ rules, deliver: async (x12) => void (await fetch(`${gatewayUrl}/x12/278`, { method: 'POST', body: x12, headers: { 'content-type': 'application/edi-x12' } })) });
    const sim = await startSimulatorServer(um);
    const g = await testGateway({ partners: { um: { upstream: 'remote' } }, upstreams: { remote: { type: 'x12-http', url: sim.url, envelope: 'core' } } });
    gatewayUrl = g.url;
    try {
      const bundle = sampleBundle('referral-request', '2.2.1', [['M5416', 'R938']]);
      const r = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(itemActions(r.json())).toEqual(['A4']);
      const store = g.gateway.store as any;
      const rec = store.findByTraces([], (bundle as any).identifier.value);
      await waitFor(() => (store.items(rec.id)[0].decision === 'A3' ? true : null), 8000);
      const again = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
      expect(itemActions(again.json())).toEqual(['A3']);
    } finally {
      await g.stop();
      await sim.close();
    }
  });
});
