/**
 * Claim Updates and cancels through the gateway, over real HTTP, against a remote UM system (the
 * simulator on its own port) whose every received 278 is kept and checked: an update sends only
 * the items it adds, changes or cancels (with their prior authorization numbers), is linked to its
 * prior in the store and answered from the merged state; a cancel ends the items it names, or
 * all of them; updates of unknown, denied or cancelled requests are refused with one
 * OperationOutcome and send nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAS_EXTENSION, PAS_PROFILE } from '../../src/pas/constants.js';
import { startSimulatorServer } from '../../src/server/simulator/http.js';
import { checkRules } from '../../src/server/simulator/rules.js';
import { UmSimulator } from '../../src/server/simulator/simulator.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { claimResponse, itemActions, postJson, sampleBundle, testGateway, waitFor, type TestGateway } from './support.js';

type Json = Record<string, any>;
const X12_1322 = 'https://codesystem.x12.org/005010/1322';

let g: TestGateway;
let sim: { url: string; close: () => Promise<void> };
/** Every 278 the UM system received, in order. */
const received: string[] = [];

beforeAll(async () => {
  let gatewayUrl = '';
  const rules = checkRules({
    rules: [
      { when: { diagnoses: ['Z411'] }, then: { decision: 'A3' } },
      { when: { serviceCodes: ['97156'] }, then: { decision: 'A3' } },
      { when: { serviceCodes: ['97158'] }, then: { decision: 'A4', later: 'A1', laterMs: 300 } },
    ],
    default: { decision: 'A1' },
  });
  // Later decisions come back as unsolicited 278 responses on the gateway's X12 face.
  const um = new UmSimulator({ rules, deliver: async (x12) => void (await fetch(`${gatewayUrl}/x12/278`, { method: 'POST', body: x12, headers: { 'content-type': 'application/edi-x12' } })) });
  sim = await startSimulatorServer(um, 0, (x12) => received.push(x12));
  g = await testGateway({ partners: { um: { upstream: 'remote' } }, upstreams: { remote: { type: 'x12-http', url: sim.url, envelope: 'raw' } } });
  gatewayUrl = g.url;
});
afterAll(async () => {
  await g?.stop();
  await sim?.close();
});

const submitUrl = () => `${g.url}/fhir/2.2.1/Claim/$submit`;
const store = () => g.gateway.store as SqliteStore;
/** The segments of a 278 as element lists. */
const segments = (x12: string): string[][] => x12.split('~').map((s) => s.trim()).filter((s) => s !== '').map((s) => s.split('*'));
/** The 2000F (service) levels of a 278: their segments. */
function serviceLevels(x12: string): string[][][] {
  const out: string[][][] = [];
  let cur: string[][] | null = null;
  for (const s of segments(x12)) {
    if (s[0] === 'HL') cur = s[3] === 'SS' ? [] : null;
    if (s[0] === 'HL' && cur !== null) out.push(cur);
    if (cur !== null && s[0] !== 'HL') cur.push(s);
    if (s[0] === 'SE') cur = null;
  }
  return out;
}
const seg = (level: string[][], id: string): string[] | undefined => level.find((s) => s[0] === id);
const eventUm = (x12: string): string[] => {
  let inEvent = false;
  for (const s of segments(x12)) {
    if (s[0] === 'HL') inEvent = s[3] === 'EV';
    else if (inEvent && s[0] === 'UM') return s;
  }
  return [];
};
/** The authorization number of each ClaimResponse item. */
const authNumbers = (b: Json): (string | undefined)[] =>
  (claimResponse(b).item ?? []).map((i: Json) => {
    const review = (i.adjudication ?? []).flatMap((a: Json) => a.extension ?? []).find((e: Json) => String(e.url).endsWith('extension-reviewAction'));
    return (review?.extension ?? []).find((e: Json) => e.url === 'number')?.valueString;
  });
const sequences = (b: Json): number[] => (claimResponse(b).item ?? []).map((i: Json) => i.itemSequence);

/** The prior request, submitted; its answer. */
async function submitted(replace: ReadonlyArray<readonly [string, string]> = []): Promise<{ bundle: Json; answer: Json; id: number }> {
  const bundle = sampleBundle('dependent-request', '2.2.1', replace) as unknown as Json;
  const r = await postJson(submitUrl(), bundle);
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  const rec = store().findClaim('1245780360', [bundle.entry[0].resource.identifier[0].value])!;
  return { bundle, answer: r.json(), id: rec.id };
}

let n = 0;
/**
 * A PAS Claim Update of `prior`: a new Bundle and Claim identifier, PASClaimUpdate, related.claim
 * naming the prior Claim (included in the bundle, as PAS asks); `edit` marks what changes.
 */
function updateOf(prior: Json, edit: (items: Json[], claim: Json) => void): Json {
  const u = structuredClone(prior);
  // PAS: the prior Claim is included, not the one it updated in turn.
  u.entry = u.entry.filter((e: Json, i: number) => i === 0 || e.resource.resourceType !== 'Claim');
  const k = `${process.pid}-${Date.now()}-${++n}`;
  u.identifier = { ...u.identifier, value: `UPD-B-${k}` };
  const claim = u.entry[0].resource;
  const priorClaim = structuredClone(prior.entry[0].resource);
  const uuid = randomUUID();
  priorClaim.id = uuid;
  // A prior that is an update itself is included as a plain Claim (its own prior is not in the bundle).
  delete priorClaim.related;
  priorClaim.meta = { profile: [PAS_PROFILE.claim] };
  claim.meta = { profile: [PAS_PROFILE.claimUpdate] };
  claim.identifier = [{ ...claim.identifier[0], value: `UPD-C-${k}` }];
  claim.related = [{ claim: { reference: `urn:uuid:${uuid}` }, relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship', code: 'prior' }] } }];
  u.entry.push({ fullUrl: `urn:uuid:${uuid}`, resource: priorClaim });
  edit(claim.item, claim);
  return u;
}
const changed = (item: Json, mode: 'changed' | 'added'): void => {
  item.extension = [...(item.extension ?? []).filter((e: Json) => e.url !== PAS_EXTENSION.infoChanged), { url: PAS_EXTENSION.infoChanged, valueCode: mode }];
};
const cancel = (item: Json): void => {
  changed(item, 'changed');
  item.modifierExtension = [{ url: PAS_EXTENSION.infoCancelled, valueBoolean: true }];
  for (const e of item.extension) if (e.url === PAS_EXTENSION.certificationType) e.valueCodeableConcept = { coding: [{ system: X12_1322, code: '3' }] };
};

describe('Claim Update through the gateway', () => {
  it('sends only the items it changes or adds (with their prior authorization numbers), links to the prior, answers from the merged state; a later decision on an added item lands on the update', async () => {
    const prior = await submitted();
    expect(itemActions(prior.answer)).toEqual(['A1', 'A1', 'A3']);
    const priorAuth = authNumbers(prior.answer);
    const update = updateOf(prior.bundle, (items) => {
      changed(items[1]!, 'changed');
      const added = structuredClone(items[2]!);
      added.sequence = 4;
      added.productOrService = { coding: [{ ...added.productOrService.coding[0], code: '97158' }] };
      for (const e of added.extension) if (e.url === PAS_EXTENSION.itemTraceNumber) e.valueIdentifier = { ...e.valueIdentifier, value: `ADD-${n}` };
      changed(added, 'added');
      items.push(added);
    });
    const before = received.length;
    const r = await postJson(submitUrl(), update);
    expect(r.status, r.text.slice(0, 500)).toBe(200);

    // Upstream: one 278 with the changed item 2 (naming its prior authorization number) and the added item 4, nothing else.
    expect(received.length).toBe(before + 1);
    const sent = received.at(-1)!;
    const levels = serviceLevels(sent);
    expect(levels.map((l) => seg(l, 'SV1')?.[1])).toEqual(['HC:97155', 'HC:97158:HO']);
    expect(seg(levels[0]!, 'REF')).toEqual(['REF', 'BB', priorAuth[1]]);
    expect(seg(levels[1]!, 'REF')).toBeUndefined();
    expect(segments(sent).find((s) => s[0] === 'TRN' && s[2]?.startsWith('UPD-C-'))).toBeDefined();

    // The answer: every item, the unchanged ones as they were, the sent ones as the UM system decided now.
    const body = r.json();
    expect(sequences(body)).toEqual([1, 2, 3, 4]);
    expect(itemActions(body)).toEqual(['A1', 'A1', 'A3', 'A4']);
    expect(authNumbers(body)[0]).toBe(priorAuth[0]);
    expect(authNumbers(body)[1]).not.toBe(priorAuth[1]);

    // The store: linked both ways; the update holds the current items.
    const u = store().findClaim('1245780360', [update.entry[0].resource.identifier[0].value])!;
    expect(u.priorId).toBe(prior.id);
    expect(store().get(prior.id)!.supersededBy).toBe(u.id);
    expect(store().items(u.id).map((i) => [i.sequence, i.decision])).toEqual([[1, 'A1'], [2, 'A1'], [3, 'A3'], [4, 'A4']]);

    // An inquiry naming the prior's Claim identifier finds the current state: the update (PAS: the current record).
    const found = store().match({ requesterId: '1245780360', memberId: 'W555000111', references: [prior.bundle.entry[0].resource.identifier[0].value] });
    expect(found.map((f) => f.id)).toEqual([u.id]);

    // The UM system decides item 4 later: the update's state takes it, the other items stay.
    await waitFor(() => (store().items(u.id).find((i) => i.sequence === 4)?.decision === 'A1' ? true : null), 8000);
    expect(store().items(u.id).map((i) => [i.sequence, i.decision])).toEqual([[1, 'A1'], [2, 'A1'], [3, 'A3'], [4, 'A1']]);
    const again = await postJson(submitUrl(), update);
    expect(itemActions(again.json())).toEqual(['A1', 'A1', 'A3', 'A1']);
    expect(received.length).toBe(before + 1);
  });

  it('cancels some items: only they go upstream (UM02 3, with their authorization numbers); they end in the store and the answer; a cancelled item cannot come back', async () => {
    const prior = await submitted();
    const priorAuth = authNumbers(prior.answer);
    const update = updateOf(prior.bundle, (items) => cancel(items[0]!));
    const before = received.length;
    const r = await postJson(submitUrl(), update);
    expect(r.status, r.text.slice(0, 500)).toBe(200);
    const levels = serviceLevels(received.at(-1)!);
    expect(levels).toHaveLength(1);
    expect(seg(levels[0]!, 'UM')?.slice(0, 3)).toEqual(['UM', 'HS', '3']);
    expect(seg(levels[0]!, 'SV1')?.[1]).toBe('HC:97153');
    // Its prior authorization number goes along (one item sent: at the event level, 2000E REF*BB).
    expect(segments(received.at(-1)!).filter((s) => s[0] === 'REF' && s[1] === 'BB')).toEqual([['REF', 'BB', priorAuth[0]]]);
    expect(itemActions(r.json())).toEqual(['C', 'A1', 'A3']);
    const u = store().findClaim('1245780360', [update.entry[0].resource.identifier[0].value])!;
    expect(store().items(u.id).map((i) => [i.sequence, i.decision, i.cancelled])).toEqual([[1, 'C', true], [2, 'A1', false], [3, 'A3', false]]);

    // Asking for item 1 again (no longer marked cancelled) is refused; nothing goes upstream.
    const revive = updateOf(update, (items) => changed(items[0]!, 'changed'));
    revive.entry[0].resource.item[0].modifierExtension = undefined;
    for (const e of revive.entry[0].resource.item[0].extension) if (e.url === PAS_EXTENSION.certificationType) e.valueCodeableConcept = { coding: [{ system: X12_1322, code: 'I' }] };
    const refused = await postJson(submitUrl(), revive);
    expect(refused.status).toBe(422);
    const oo = refused.json();
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue[0].code).toBe('business-rule');
    expect(oo.issue[0].diagnostics ?? oo.issue[0].details?.text).toContain('item 1 was cancelled');
    expect(received.length).toBe(before + 1);
  });

  it('cancels the whole request (Claim-level certification type 3): every item goes as a cancel and ends; a later update is refused', async () => {
    const prior = await submitted();
    const update = updateOf(prior.bundle, (_items, claim) => {
      claim.extension = [...(claim.extension ?? []), { url: PAS_EXTENSION.certificationType, valueCodeableConcept: { coding: [{ system: X12_1322, code: '3' }] } }];
    });
    const before = received.length;
    const r = await postJson(submitUrl(), update);
    expect(r.status, r.text.slice(0, 500)).toBe(200);
    const sent = received.at(-1)!;
    expect(eventUm(sent)[2]).toBe('3');
    expect(serviceLevels(sent).map((l) => seg(l, 'UM')?.[2])).toEqual(['3', '3', '3']);
    expect(itemActions(r.json())).toEqual(['C', 'C', 'C']);
    const u = store().findClaim('1245780360', [update.entry[0].resource.identifier[0].value])!;
    expect(store().items(u.id).every((i) => i.cancelled === true)).toBe(true);

    const late = updateOf(update, (items) => changed(items[1]!, 'changed'));
    const refused = await postJson(submitUrl(), late);
    expect(refused.status, refused.text.slice(0, 400)).toBe(422);
    expect(refused.json().issue[0].code).toBe('business-rule');
    expect(refused.text).toContain('was cancelled');
    expect(received.length).toBe(before + 1);
  });
});

describe('updates PAS refuses', () => {
  it('an update of a request this gateway does not know: 422 not-found, nothing stored, nothing sent', async () => {
    const stranger = sampleBundle('dependent-request', '2.2.1') as unknown as Json;
    const update = updateOf(stranger, (items) => changed(items[0]!, 'changed'));
    const before = received.length;
    const count = (store().rows('SELECT COUNT(*) AS n FROM submissions') as { n: number }[])[0]!.n;
    const r = await postJson(submitUrl(), update);
    expect(r.status).toBe(422);
    const oo = r.json();
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue).toHaveLength(1);
    expect(oo.issue[0].code).toBe('not-found');
    expect(oo.issue[0].expression).toEqual(['Bundle.entry[0].resource.related[0].claim']);
    expect(received.length).toBe(before);
    expect((store().rows('SELECT COUNT(*) AS n FROM submissions') as { n: number }[])[0]!.n).toBe(count);
  });

  it('an update of a request whose every item was not certified: 422 business-rule, nothing sent', async () => {
    const prior = await submitted([['ABK:F840', 'ABK:Z411']]);
    expect(itemActions(prior.answer)).toEqual(['A3', 'A3', 'A3']);
    const before = received.length;
    const r = await postJson(submitUrl(), updateOf(prior.bundle, (items) => changed(items[0]!, 'changed')));
    expect(r.status).toBe(422);
    expect(r.json().issue[0].code).toBe('business-rule');
    expect(r.text).toContain('no item of it is certified or pending');
    expect(received.length).toBe(before);
  });

  it("another submitter's request is unknown to this one", async () => {
    const prior = await submitted();
    // The same request under another requester (with auth off, the requester is the submitter).
    const update = updateOf(prior.bundle, (items) => changed(items[0]!, 'changed'));
    const json = JSON.stringify(update).replaceAll('1245780360', '1679576722');
    const r = await postJson(submitUrl(), json);
    expect(r.status).toBe(422);
    expect(r.json().issue[0].code).toBe('not-found');
  });
});
