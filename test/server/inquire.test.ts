/** `Claim/$inquire` over real HTTP: from the store (PAS's matching rules), and via an X215 to the UM system when the store does not know. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readX12Buffer } from '../../src/x12/index.js';
import { requestToBundle } from '../../src/mapping/index.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { claimResponse, itemActions, postJson, sampleBundle, sampleText, testGateway, type TestGateway } from './support.js';

/** The sample X215 inquiry (same requester and member as referral-request) as a PAS Inquiry Request Bundle. */
function inquiryBundle(v: PasVersion, replace: ReadonlyArray<readonly [string, string]> = []): unknown {
  let text = sampleText('referral-inquiry');
  for (const [a, b] of replace) text = text.replaceAll(a, b);
  const ev = readX12Buffer(Buffer.from(text, 'latin1')).find((e) => e.kind === 'transaction');
  if (ev?.kind !== 'transaction') throw new Error('no inquiry');
  const r = requestToBundle(ev.transaction, { pasVersion: v });
  if (r.bundle === null) throw new Error('inquiry does not convert');
  return r.bundle;
}

/** The inquiry response bundles of a `$inquire` answer (2.2.1: Parameters of `return`; 2.0.1: the bundle). */
const returned = (v: PasVersion, body: any): any[] => (v === '2.2.1' ? body.parameter.filter((p: any) => p.name === 'return').map((p: any) => p.resource) : [body]);

let g: TestGateway;
beforeAll(async () => {
  g = await testGateway();
});
afterAll(async () => {
  await g?.stop();
});

describe.each(['2.2.1', '2.0.1'] as const)('PAS %s $inquire', (v) => {
  it('asks the UM system with an X215 when the store knows nothing, and translates its answer', async () => {
    const before = g.gateway.metrics.upstreamLatency.expose();
    const r = await postJson(`${g.url}/fhir/${v}/Claim/$inquire`, inquiryBundle(v, [['W123456789', `W${v.replaceAll('.', '')}00001`]]));
    expect(r.status).toBe(200);
    const bundles = returned(v, r.json());
    expect(bundles).toHaveLength(1);
    expect(bundles[0].meta.profile[0]).toContain('profile-pas-inquiry-response-bundle');
    expect(claimResponse(bundles[0]).resourceType).toBe('ClaimResponse');
    expect(g.gateway.metrics.upstreamLatency.expose()).not.toBe(before);
    const audit = (g.gateway.store as any).rows("SELECT outcome FROM audit WHERE kind = 'pas.$inquire' ORDER BY id DESC LIMIT 1");
    expect(audit[0].outcome).toBe('from-upstream');
  });

  it('answers from the store when requester and member match a submission, with its current decisions; nothing goes upstream', async () => {
    const member = `W${v.replaceAll('.', '')}00002`;
    const bundle = sampleBundle('referral-request', v, [['W123456789', member], ['M5416', 'M5442']]);
    const sub = await postJson(`${g.url}/fhir/${v}/Claim/$submit`, bundle);
    expect(itemActions(sub.json())).toEqual(['A6']);
    const store = g.gateway.store as any;
    const auth = store.items(store.findByTraces([], (bundle as any).identifier.value).id)[0].authNumber;
    const calls = g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' });
    // The inquiry names the member, the requester and the authorization number it was given.
    const r = await postJson(`${g.url}/fhir/${v}/Claim/$inquire`, inquiryBundle(v, [['W123456789', member], ['AUTH7781234', auth]]));
    expect(r.status).toBe(200);
    const bundles = returned(v, r.json());
    expect(bundles).toHaveLength(1);
    expect(itemActions(bundles[0])).toEqual(['A6']);
    expect(JSON.stringify(bundles[0])).toContain(auth);
    expect(bundles[0].meta.profile[0]).toContain('profile-pas-inquiry-response-bundle');
    expect(claimResponse(bundles[0]).meta.profile[0]).toContain('profile-claiminquiryresponse');
    expect(g.gateway.metrics.upstreamCalls.get({ upstream: 'simulator', outcome: 'ok' })).toBe(calls);
    const audit = (g.gateway.store as any).rows("SELECT outcome FROM audit WHERE kind = 'pas.$inquire' ORDER BY id DESC LIMIT 1");
    expect(audit[0].outcome).toBe('from-store');
  });

  it('another requester, or another authorization number, does not get the stored authorization', async () => {
    const member = `W${v.replaceAll('.', '')}00003`;
    const bundle = sampleBundle('referral-request', v, [['W123456789', member]]);
    await postJson(`${g.url}/fhir/${v}/Claim/$submit`, bundle);
    const store = g.gateway.store as any;
    const auth = store.items(store.findByTraces([], (bundle as any).identifier.value).id)[0].authNumber;
    const other = await postJson(`${g.url}/fhir/${v}/Claim/$inquire`, inquiryBundle(v, [['W123456789', member], ['AUTH7781234', 'NOSUCHAUTH']]));
    expect(other.status).toBe(200);
    expect(store.rows("SELECT outcome FROM audit WHERE kind = 'pas.$inquire' ORDER BY id DESC LIMIT 1")[0].outcome).toBe('from-upstream');
    const r = await postJson(`${g.url}/fhir/${v}/Claim/$inquire`, inquiryBundle(v, [['W123456789', member], ['AUTH7781234', auth], ['1578902342', '1093817462']]));
    expect(r.status).toBe(200);
    const audit = (g.gateway.store as any).rows("SELECT outcome FROM audit WHERE kind = 'pas.$inquire' ORDER BY id DESC LIMIT 1");
    expect(audit[0].outcome).toBe('from-upstream');
  });
});
