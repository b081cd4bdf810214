// Oracle: src/mapping/response/ledger.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The response writer's ledger (see engine/ledger.ts): the rows mark what they write; this marks what
 * the writer's own code carries (the parties' references, each error written as an AAA, the
 * notes written as MSG, the providers and CommunicationRequests it writes, the item order) and
 * what the reader makes again from the 278's structure (status, use, outcome, a type the lines
 * imply); everything else reachable from the ClaimResponse is reported NOT_WRITTEN by its path.
 */
import { RESIDUE_EXTENSION } from '../../../../src/mapping/engine/residue.js';
import { PAS_EXTENSION } from '../../../../src/pas/constants.js';
import type { Ledger, Unconsumed } from '../engine/ledger.js';
import type { ResponseSource } from './disassemble.js';
import { isObj } from '../../../../src/mapping/engine/obj.js';

type Obj = Record<string, unknown>;


/** Marks the system and code of each coding of a CodeableConcept. */
function codes(ledger: Ledger, cc: unknown): void {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return;
  for (const c of cc.coding as unknown[]) {
    ledger.key(c, 'system');
    ledger.key(c, 'code');
  }
}

export interface ResponseWritten {
  /** The errors written as AAA. */
  readonly errors: ReadonlySet<Obj>;
  /** The notes written as MSG (processNote entries). */
  readonly notes: ReadonlySet<Obj>;
  /** The CommunicationRequests written as PWK. */
  readonly requests: ReadonlySet<Obj>;
  /** The provider extensions written as 2010EA/2010FA. */
  readonly providers: ReadonlySet<Obj>;
}

/** The resource a reference names in the bundle (by fullUrl or Type/id). */
function resolver(bundle: Obj): (ref: unknown) => Obj | undefined {
  const m = new Map<string, Obj>();
  for (const e of (bundle.entry as unknown[] | undefined) ?? []) {
    if (!isObj(e) || !isObj(e.resource)) continue;
    if (typeof e.fullUrl === 'string') m.set(e.fullUrl, e.resource);
    if (typeof e.resource.id === 'string') m.set(`${String(e.resource.resourceType)}/${e.resource.id}`, e.resource);
  }
  return (ref) => (isObj(ref) && typeof ref.reference === 'string' ? m.get(ref.reference) : undefined);
}

export function responseUnconsumed(source: ResponseSource, ledger: Ledger, written: ResponseWritten, institutional: boolean): Unconsumed[] {
  const cr = source.claimResponse;
  const resolve = resolver(source.bundle);
  // What the reader makes again from structure: organizations in business, the Claim type the lines imply,
  // created = the response's time, a PractitionerRole's practitioner, a service request's fixed fields.
  const parties = [source.insurer, source.requester, ...source.items.flatMap((d) => d.providers.map((p) => p.resource))].filter((x): x is Obj => x !== null).map((x) => ledger.originOf(x));
  for (const p of parties) if (p.active === true) ledger.key(p, 'active');
  const type = cr.type;
  if (isObj(type) && Array.isArray(type.coding) && type.coding.length === 1 && isObj(type.coding[0]) && type.coding[0].system === 'http://terminology.hl7.org/CodeSystem/claim-type' && type.coding[0].code === (institutional ? 'institutional' : 'professional')) codes(ledger, type);
  if (typeof cr.created === 'string' && cr.created === source.bundle.timestamp && ledger.has(source.bundle, 'timestamp')) ledger.key(cr, 'created');
  for (const ref of [cr.requestor, ...source.items.flatMap((d) => d.providers.map((p) => (p.extension.extension as Obj[] | undefined)?.find((x) => x.url === 'provider')?.valueReference))]) {
    const r = resolve(ref);
    if (r?.resourceType === 'PractitionerRole' && isObj(r.practitioner) && resolve(r.practitioner) !== undefined) ledger.all(r.practitioner);
  }
  for (const d of source.items) {
    const sr = d.service;
    if (sr === null) continue;
    if (sr.status === 'active') ledger.key(sr, 'status');
    if (sr.intent === 'order') ledger.key(sr, 'intent');
    if (isObj(sr.subject) && resolve(sr.subject) === source.subscriber) ledger.all(sr.subject);
    if (d.addItem !== null && JSON.stringify(sr.code) === JSON.stringify(d.addItem.productOrService)) codes(ledger, sr.code);
  }
  for (const k of ['insurer', 'requestor', 'patient'] as const) if (isObj(cr[k])) ledger.all(cr[k]);
  if (cr.status === 'active') ledger.key(cr, 'status');
  if (cr.use === 'preauthorization') ledger.key(cr, 'use');
  // The outcome the reader infers: error with an AAA, partial when pended, else complete.
  const pended = JSON.stringify(cr).includes('"A4"');
  const outcome = (source.errors.length > 0 ? 'error' : pended ? 'partial' : 'complete');
  if (cr.outcome === outcome) ledger.key(cr, 'outcome');
  for (const x of (cr.extension as unknown[] | undefined) ?? []) {
    if (isObj(x) && x.url === PAS_EXTENSION.transmissionIdentifiers && Array.isArray(x.extension)) ledger.all(x);
    // --lossless: the residue is written back in place of the loop instances it names (x12.ts).
    if (isObj(x) && x.url === RESIDUE_EXTENSION) ledger.all(x);
  }
  for (const e of written.errors) {
    codes(ledger, e.code);
    for (const x of (e.extension as unknown[] | undefined) ?? []) {
      // errorPath only places the AAA: the reader makes it again only with the request bundle (reported otherwise).
      // errorElement: marked by the writer when the reader makes the same again from the AAA's place.
      if (isObj(x) && x.url === PAS_EXTENSION.errorFollowupAction) {
        ledger.key(x, 'url');
        codes(ledger, x.valueCodeableConcept);
      }
    }
  }
  for (const n of written.notes) {
    ledger.key(n, 'text');
    ledger.key(n, 'number');
    if (n.type === 'display') ledger.key(n, 'type');
  }
  const refs = (cr.communicationRequest as unknown[] | undefined) ?? [];
  for (const r of refs) if (isObj(r)) ledger.all(r);
  for (const p of written.providers) {
    ledger.key(p, 'url');
    for (const x of (p.extension as unknown[] | undefined) ?? []) if (isObj(x) && x.url === 'provider') ledger.all(x);
  }
  const items = (cr.item as unknown[] | undefined) ?? [];
  items.forEach((it, i) => {
    if (!isObj(it)) return;
    // Without the request, the reader numbers the items in loop order.
    if (it.itemSequence === i + 1) ledger.key(it, 'itemSequence');
    if (Array.isArray(it.noteNumber) && it.noteNumber.every((n) => [...written.notes].some((w) => w.number === n))) ledger.all(it.noteNumber);
    // The bare adjudication an item without a decision gets (category submitted).
    for (const a of (it.adjudication as unknown[] | undefined) ?? []) if (isObj(a)) codes(ledger, a.category);
  });
  for (const a of (cr.addItem as unknown[] | undefined) ?? []) {
    if (!isObj(a)) continue;
    if (Array.isArray(a.itemSequence)) ledger.all(a.itemSequence);
    for (const adj of (a.adjudication as unknown[] | undefined) ?? []) if (isObj(adj)) codes(ledger, adj.category);
  }
  for (const r of written.requests) {
    if (r.status === 'active') ledger.key(r, 'status');
    if (isObj(r.subject)) ledger.all(r.subject);
    if (isObj(r.requester) && resolve(r.requester) === source.insurer) ledger.all(r.requester);
    if (Array.isArray(r.recipient) && r.recipient.length === 1 && resolve(r.recipient[0]) === source.requester) ledger.all(r.recipient);
    for (const x of (r.extension as unknown[] | undefined) ?? []) if (isObj(x) && x.url === PAS_EXTENSION.serviceLineNumber) ledger.all(x);
  }
  // The ClaimResponse and every resource the writer took a party from (a patient found by type when the reference fails).
  const roots = [cr, source.insurer, source.requester, source.subscriber, source.dependent].filter((x): x is Obj => x !== null);
  return ledger.unconsumed(source.bundle, roots);
}
