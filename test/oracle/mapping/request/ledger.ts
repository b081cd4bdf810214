// Oracle: src/mapping/request/ledger.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The request writer's acceptance of the parties (identifiers X12 requires, engine/party-ids.ts) and
 * its ledger report: what the writer's own code carries (references followed, the items' order,
 * the Claim's fixed status and use, extensions it handles) is marked here, the rows mark what
 * they write (engine/write-rows.ts), and every other element reachable from the Claim is reported.
 */
import { OTHER_EXTENSION, PAS_EXTENSION } from '../../../../src/pas/constants.js';
import type { RequestSource, SourceProvider } from '../../../../src/mapping/request/disassemble.js';
import type { Ledger, Unconsumed } from '../engine/ledger.js';
import { memberId, writableParty } from '../../../../src/mapping/engine/party-ids.js';
import { RESIDUE_EXTENSION } from '../../../../src/mapping/engine/residue.js';
import type { WriteFinding } from '../../../../src/mapping/request/write-finding.js';
import { isObj } from '../../../../src/mapping/engine/obj.js';

type Obj = Record<string, unknown>;


/** `Bundle.entry[i].resource` of a resource of the bundle (its original, when the writer holds a copy). */
export function entryPath(bundle: Obj, res: Obj | null, ledger: Ledger): string {
  if (res === null) return 'Bundle';
  const real = ledger.originOf(res);
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const i = entries.findIndex((e) => isObj(e) && e.resource === real);
  return i < 0 ? String(res.resourceType ?? 'Bundle') : `Bundle.entry[${i}].resource`;
}

function label(res: Obj | null): string {
  return res === null ? '' : `${String(res.resourceType)}${typeof res.id === 'string' ? `/${res.id}` : ''}`;
}

/** The source with its parties' identifiers made writable (see engine/party-ids.ts); findings added. */
export function acceptParties(source: RequestSource, ledger: Ledger, findings: WriteFinding[]): RequestSource {
  const b = source.bundle;
  const add = (fs: ReadonlyArray<{ severity: 'error' | 'warning'; code: WriteFinding['code']; message: string; path: string }>): void => {
    for (const f of fs) findings.push(f);
  };
  let insurer = source.insurer;
  if (insurer !== null) {
    const r = writableParty(insurer, entryPath(b, insurer, ledger), `Claim.insurer (${label(insurer)})`, 'umo', ledger);
    add(r.findings);
    insurer = r.resource;
  }
  let requester = source.requester;
  if (requester !== null) {
    const r = writableParty(requester, entryPath(b, requester, ledger), `Claim.provider (${label(requester)})`, 'requester', ledger);
    add(r.findings);
    requester = r.resource;
  }
  const providers: SourceProvider[] = source.providers.map((p, i) => {
    const r = writableParty(p.resource, entryPath(b, p.resource, ledger), `Claim.careTeam[${i}].provider (${label(p.resource)})`, 'optional', ledger);
    add(r.findings);
    return r.resource === p.resource ? p : { ...p, resource: r.resource };
  });
  const m = memberId(source.coverage, entryPath(b, source.coverage, ledger), source.subscriber, entryPath(b, source.subscriber, ledger), ledger);
  add(m.findings);
  return { ...source, insurer, requester, providers, coverage: m.coverage };
}

/** Extensions the writer's code reads (disassemble.ts, the residue). */
const HANDLED = new Set<string>([PAS_EXTENSION.transmissionIdentifiers, OTHER_EXTENSION.claimEncounter, RESIDUE_EXTENSION]);

/** Whether `o.coding` is one coding of `system` with `code`. */
function codingIs(o: unknown, system: string, code: string): boolean {
  if (!isObj(o) || !Array.isArray(o.coding) || o.coding.length !== 1) return false;
  const c = o.coding[0] as unknown;
  return isObj(c) && c.system === system && c.code === code && Object.keys(o).length === 1;
}

/** Marks the system and code of each coding of a CodeableConcept (what a 278 code gives again; not the display). */
function codesOf(ledger: Ledger, cc: unknown): void {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return;
  for (const c of cc.coding as unknown[]) {
    ledger.key(c, 'system');
    ledger.key(c, 'code');
  }
}

/** Marks the system and code of each coding of `cc` where the same of `from` (equal to it) was carried. */
function sameCodes(ledger: Ledger, cc: unknown, from: unknown): void {
  if (!isObj(cc) || !Array.isArray(cc.coding) || !isObj(from) || !Array.isArray(from.coding)) return;
  const list = from.coding as unknown[];
  (cc.coding as unknown[]).forEach((c, i) => {
    const f = list[i];
    if (!isObj(f)) return;
    for (const k of ['system', 'code']) if (ledger.carried(f, k, [from, list])) ledger.key(c, k);
  });
}

/** Whether a Reference names `res` (a resource of the bundle, or a writer's copy of one), by fullUrl or Type/id. */
function namesResource(bundle: Obj, ref: unknown, res: Obj | null, ledger: Ledger): boolean {
  if (!isObj(ref) || typeof ref.reference !== 'string' || res === null) return false;
  const target = ledger.originOf(res);
  const r = ref.reference;
  for (const e of Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : []) {
    if (!isObj(e) || e.resource !== target) continue;
    return e.fullUrl === r || (typeof target.id === 'string' && r.split('/').slice(-2).join('/') === `${String(target.resourceType)}/${target.id}`);
  }
  return false;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Values the reader makes again from the 278's structure alone, marked carried when the bundle
 * has exactly them: an order (sequence = place), the Claim's type from the service lines (SV2 ->
 * institutional), a normal priority, a service request's fixed status/intent/subject/code, an
 * item's service type standing for its service, every claim-scope member named by every item.
 */
function derivedFromStructure(source: RequestSource, ledger: Ledger, claim: Obj, teams: ReadonlyMap<Obj, readonly number[]>): void {
  for (const k of ['diagnosis', 'supportingInfo'] as const) {
    const list = claim[k];
    // The reader numbers what it reads in order: a written entry's sequence comes back when it is its place among them.
    let n = 0;
    if (Array.isArray(list)) {
      for (const x of list as unknown[]) {
        if (!isObj(x) || !ledger.anyUnder(x)) continue;
        n++;
        if (x.sequence === n) ledger.key(x, 'sequence');
      }
    }
  }
  const institutional = source.items.some((it) => isObj(ledger.originOf(it.item).revenue));
  if (codingIs(claim.type, 'http://terminology.hl7.org/CodeSystem/claim-type', institutional ? 'institutional' : 'professional')) ledger.all(claim.type);
  if (codingIs(claim.priority, 'http://terminology.hl7.org/CodeSystem/processpriority', 'normal')) ledger.all(claim.priority);
  const patientRef = claim.patient;
  for (const it of source.items) {
    const item = ledger.originOf(it.item);
    const team = teams.get(it.item) ?? [];
    if (Array.isArray(item.careTeamSequence) && team.length > 0 && same(item.careTeamSequence, team)) ledger.all(item.careTeamSequence);
    if (item.productOrService !== undefined && same(item.productOrService, item.category) && isObj(item.category)) {
      // A service named by its type only: the type is what the 278 carries (UM03).
      codesOf(ledger, item.productOrService);
    }
    const sr = it.service !== null ? ledger.originOf(it.service) : null;
    if (sr === null) continue;
    if (sr.status === 'active') ledger.key(sr, 'status');
    if (sr.intent === 'order') ledger.key(sr, 'intent');
    if (isObj(sr.subject) && isObj(patientRef) && sr.subject.reference === patientRef.reference) ledger.all(sr.subject);
    // The reader copies the item's service into the request's code: carried when the item's is.
    // (A DeviceRequest's or MedicationRequest's code, as the rows' view of it names it.)
    const code = it.service!.code;
    if (code !== undefined && same(code, item.productOrService)) sameCodes(ledger, code, item.productOrService);
  }
  // The member id on the patients (the reader names both by it).
  const covIds = source.coverage !== null && Array.isArray(source.coverage.identifier) ? (source.coverage.identifier as unknown[]) : [];
  const member = covIds.find((x): x is Obj => isObj(x) && Array.isArray((x.type as Obj | undefined)?.coding) && ((x.type as Obj).coding as Obj[]).some((c) => c.code === 'MB'))?.value;
  for (const p of [source.subscriber, source.dependent]) {
    if (p === null || typeof member !== 'string') continue;
    for (const id of (ledger.originOf(p).identifier as unknown[] | undefined) ?? []) {
      if (isObj(id) && id.value === member && (id.system === 'urn:x12pas:member-id' || id.system === undefined)) ledger.all(id);
    }
  }
  const enc = source.encounter !== null ? ledger.originOf(source.encounter) : null;
  if (enc !== null) {
    if (enc.status === 'planned') ledger.key(enc, 'status');
    if (isObj(enc.subject) && isObj(patientRef) && enc.subject.reference === patientRef.reference) ledger.all(enc.subject);
  }
}

/** Marks what the writer's code carries, then names every element of the bundle left. */
export function requestUnconsumed(source: RequestSource, ledger: Ledger, itemsWritten: boolean): Unconsumed[] {
  const claim = ledger.originOf(source.claim);
  // Values the reader makes again from the 278 itself: a Claim is an active preauthorization.
  if (claim.status === 'active') ledger.key(claim, 'status');
  if (claim.use === 'preauthorization') ledger.key(claim, 'use');
  // The extensions the writer's code reads, in the form it reads them (sub-extensions, a reference).
  for (const x of (claim.extension as unknown[] | undefined) ?? []) if (isObj(x) && HANDLED.has(x.url as string) && (Array.isArray(x.extension) || isObj(x.valueReference))) ledger.all(x);
  const insurance = Array.isArray(claim.insurance) ? (claim.insurance as unknown[]).filter(isObj) : [];
  const focal = insurance.find((i) => i.focal === true) ?? insurance[0];
  if (focal !== undefined && source.coverage !== null) {
    // The reader makes the one insurance again: sequence 1, focal.
    if (focal.focal === true) ledger.key(focal, 'focal');
    if (focal.sequence === 1) ledger.key(focal, 'sequence');
  }
  // The Coverage's ties the 278's levels say by structure: whose it is, which payer, active, self.
  const coverage = source.coverage !== null ? ledger.originOf(source.coverage) : null;
  if (coverage !== null) {
    // Each only when it names the resource the 278's level stands for (another reference does not come back).
    const patient = source.dependent ?? source.subscriber;
    if (namesResource(source.bundle, coverage.beneficiary, patient, ledger)) ledger.all(coverage.beneficiary);
    if (namesResource(source.bundle, coverage.subscriber, source.subscriber, ledger)) ledger.all(coverage.subscriber);
    if (Array.isArray(coverage.payor) && coverage.payor.length === 1 && namesResource(source.bundle, coverage.payor[0], source.insurer, ledger)) ledger.all(coverage.payor);
    if (coverage.status === 'active') ledger.key(coverage, 'status');
    const rel = isObj(coverage.relationship) && Array.isArray(coverage.relationship.coding) ? (coverage.relationship.coding as unknown[]) : [];
    if (source.dependent === null && rel.length > 0 && rel.every((c) => isObj(c) && c.code === 'self')) ledger.all(coverage.relationship);
  }
  // The items sent, in their order (2000F order is the sequence); their handled extensions.
  source.items.forEach((it, i) => {
    const item = ledger.originOf(it.item);
    // The 2000F order gives the sequence again (not for the items a Claim Update leaves out).
    if ((itemsWritten || source.items.length === 1) && item.sequence === i + 1) ledger.key(item, 'sequence');
  });
  // Care team members written as providers: their place in the team, their claim scope.
  // The reader numbers the 2010EA providers in order, then the 2010F ones as items name them first.
  const numbers = new Map<SourceProvider, number>();
  const eventTeam: number[] = [];
  for (const p of source.providers) if (!p.itemScoped) eventTeam.push(numbers.set(p, numbers.size + 1).size);
  const itemTeam = (item: Obj): number[] => {
    const named = Array.isArray(item.careTeamSequence) ? (item.careTeamSequence as unknown[]) : [];
    const own: number[] = [];
    for (const p of source.providers) {
      if (!p.itemScoped || !named.includes(p.careTeam.sequence)) continue;
      if (!numbers.has(p)) numbers.set(p, numbers.size + 1);
      own.push(numbers.get(p)!);
    }
    return [...eventTeam, ...own];
  };
  const teams = new Map<Obj, number[]>(source.items.map((it) => [it.item, itemTeam(ledger.originOf(it.item))]));
  source.providers.forEach((p) => {
    const ct = ledger.originOf(p.careTeam);
    if (ct.sequence === numbers.get(p)) ledger.key(ct, 'sequence');
    for (const x of (ct.extension as unknown[] | undefined) ?? []) if (isObj(x) && x.url === PAS_EXTENSION.careTeamClaimScope && x.valueBoolean === !p.itemScoped) ledger.all(x);
    // An organization the 278 names is one in business (the reader says active again).
    const res = ledger.originOf(p.resource);
    if (res.active === true) ledger.key(res, 'active');
  });
  for (const party of [source.insurer, source.requester]) {
    if (party === null) continue;
    const res = ledger.originOf(party);
    if (res.active === true) ledger.key(res, 'active');
  }
  derivedFromStructure(source, ledger, claim, teams);
  const roots = [claim, source.insurer, source.requester, source.subscriber, source.dependent, source.coverage, source.encounter].filter((x): x is Obj => x !== null);
  return ledger.unconsumed(source.bundle, roots);
}
