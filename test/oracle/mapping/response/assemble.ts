// Oracle: src/mapping/response/assemble.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The resources read from one X217 response -> a PAS Response Bundle: ClaimResponse first, then
 * the patient(s), the UMO, the requester and the authorized providers, every reference resolved
 * inside the bundle. Built in the 2.2.1 shape and adapted to the asked version (versions.ts).
 *
 * Rules (mappings/response/*.json say which X12 place feeds which role):
 * - Items: one ClaimResponse.item per 2000F, or the 2000E's when there is none. A 2000F takes from
 *   the 2000E what it lacks (extensions by url); the event's decision only when it has neither an
 *   HCR nor an AAA of its own (a line the UMO rejected is not made "certified": its adjudication is
 *   the bare `submitted` category, its AAA an error naming its itemSequence). The event's decision
 *   has no ClaimResponse-level home: reviewAction may sit on ClaimResponse.adjudication, but its
 *   required reviewActionCode's context (PAS 2.2.1) allows only item and addItem adjudications, so
 *   an event decision no line takes is reported. itemSequence: the request item whose trace number
 *   the 2000F TRN echoes, when the request bundle is given, else the loop's order.
 * - A modified decision (A6, the line's or the event's): the authorized version of the service
 *   becomes a ClaimResponse.addItem with the item's itemSequence and the A6 adjudication; its HSD a
 *   ServiceRequest named by extension-requestedService.
 * - MSG -> processNote (numbered in order; a line's note named by its item's noteNumber).
 * - PWK -> a CommunicationRequest each (the documents asked for), named by communicationRequest.
 * - AAA -> ClaimResponse.error (aaa.ts); outcome: `error` when there is one, else `partial` when a
 *   decision is pended (A4: not yet adjudicated), else `complete`.
 * - ClaimResponse.request: the request's Claim when its bundle is given (`Claim/<id>` and its
 *   identifier; identifier only in 2.0.1, see responseMayReferenceAbsentClaim); else the Claim named
 *   by the 2000E TRN echo (a logical reference by identifier); else the data-absent-reason form PAS allows.
 */
import { bundleMeta } from '../../../../src/mapping/engine/usage-tag.js';
import { stableUuids, transmissionIdentifiers } from '../request/assemble.js';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { LoopNode } from '../../../../src/grammar/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION, PAS_PROFILE, SYSTEM } from '../../../../src/pas/constants.js';
import { adaptResponseBundle, responseMayReferenceAbsentClaim, type PasVersion } from '../../../../src/pas/versions.js';
import type { TransactionSet } from '../../../../src/x12/index.js';
import { aaaError, errorElementOf, type AaaPlace } from './aaa.js';
import { copy } from '../engine/path.js';
import type { MappingFinding } from '../../../../src/mapping/engine/finding.js';
import { errorPathOf, indexRequest, type RequestIndex } from './request.js';
import { responseParties } from './parties.js';
import { ROLE } from '../../../../src/mapping/engine/table.js';

type Obj = Record<string, unknown>;

/** A 2010EA/2010FA provider: its extension-itemAuthorizedProvider fields and the resource it names. */
export interface ProviderRead {
  readonly extension: Obj;
  readonly resource: Obj;
}

/** What one 2000E or 2000F loop decided, as the rows read it. */
export interface DecisionRead {
  readonly node: LoopNode;
  /** HCR01 (the line's own, else the event's); null when neither has an HCR. */
  readonly action: string | null;
  readonly item: Obj;
  /** The authorized version of the service (filled only for a modified decision). */
  readonly addItem: Obj;
  /** Its requested quantity and timing (HSD), filled only for a modified decision. */
  readonly service: Obj;
  readonly note: Obj;
  readonly providers: ProviderRead[];
}

export interface AaaRead {
  readonly place: AaaPlace;
  readonly node: LoopNode;
  /** The 2000E/2000F decision the AAA sits under, if any. */
  readonly decision: DecisionRead | null;
  readonly position: number;
}

/** A PWK: the CommunicationRequest fields read, and the line it belongs to (null for the event's). */
export interface CommunicationRead {
  readonly resource: Obj;
  readonly decision: DecisionRead | null;
}

export interface ResponseRead {
  readonly roles: Array<Obj | null>;
  readonly event: DecisionRead | null;
  readonly items: readonly DecisionRead[];
  readonly errors: readonly AaaRead[];
  readonly requests: readonly CommunicationRead[];
  readonly sawDependent: boolean;
}

const absent = (): Obj => ({ extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] });

function hasFields(o: Obj): boolean {
  for (const _ in o) return true;
  return false;
}

/** Fields of `from` that `to` lacks, copied (extensions merged by url); `skip` left out. */
function inherit(to: Obj, from: Obj, skip?: string): void {
  for (const k in from) {
    if (k === skip) continue;
    const v = from[k];
    if (k === 'extension' && Array.isArray(v)) {
      const own = (to.extension as Obj[] | undefined) ?? [];
      const add = (v as Obj[]).filter((e) => !own.some((o) => o.url === e.url)).map((e) => copy(e) as Obj);
      if (add.length > 0) to.extension = [...own, ...add];
    } else if (to[k] === undefined) to[k] = copy(v);
  }
}

/** HCR01 of an item's adjudication, as the rows wrote it. */
function actionCode(item: Obj): string | undefined {
  const adj = (item.adjudication as Obj[] | undefined)?.[0];
  const ra = (adj?.extension as Obj[] | undefined)?.find((e) => e.url === PAS_EXTENSION.reviewAction);
  const code = (ra?.extension as Obj[] | undefined)?.find((e) => e.url === PAS_EXTENSION.reviewActionCode);
  return ((code?.valueCodeableConcept as Obj | undefined)?.coding as Obj[] | undefined)?.[0]?.code as string | undefined;
}

/** The 2000F TRN echo the rows wrote (the request item's trace number). */
function traceOf(item: Obj): { value: string; system: string | undefined } | null {
  for (const e of (item.extension as Obj[] | undefined) ?? []) {
    if (e.url !== PAS_EXTENSION.itemTraceNumber) continue;
    const id = e.valueIdentifier as Obj | undefined;
    if (typeof id?.value === 'string') return { value: id.value, system: id.system as string | undefined };
  }
  return null;
}

/** An institutional response (SV2, or a bill type in UM04) gets ClaimResponse.type institutional. */
function isInstitutional(tx: TransactionSet, compSep: string): boolean {
  for (const s of tx.segments) {
    if (s.id === 'SV2') return true;
    if (s.id === 'UM' && (s.elements()[4] ?? '').split(compSep)[1] === 'A') return true;
  }
  return false;
}

export interface AssembleOptions {
  readonly pasVersion: PasVersion;
  readonly request?: Bundle;
}

/** Builds the response bundle; findings about correlation (a trace not found in the request) are added to `findings`. */
export function assembleResponse(tx: TransactionSet, read: ResponseRead, options: AssembleOptions, findings: MappingFinding[]): Bundle {
  const { roles, event, errors, sawDependent } = read;
  const ic = tx.interchange;
  const compSep = String.fromCharCode(ic.delimiters.component);
  // Ids of their own (not the request's): the seed says response.
  const uuid = stableUuids(`response|${ic.sender}|${ic.control}|${tx.group?.control ?? ''}|${tx.control}`);
  const entryOf = (n: number): { id: string; ref: string } => {
    const id = uuid(n);
    return { id, ref: `urn:uuid:${id}` };
  };
  const role = (i: number): Obj => roles[i] ?? {};
  const req: RequestIndex | null = options.request !== undefined ? indexRequest(options.request) : null;
  if (options.request !== undefined && req === null) {
    findings.push({ severity: 'warning', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: 'the request bundle given has no Claim first: the response is not correlated with it' });
  }

  const responseId = entryOf(1);
  const insurerId = entryOf(2);
  const requesterId = entryOf(3);
  const roleId = entryOf(4);
  const subscriberId = entryOf(5);
  const dependentId = entryOf(6);
  const patientId = sawDependent ? dependentId : subscriberId;
  const extra: Array<[{ ref: string }, Obj]> = [];
  let next = 7;

  const { insurer, subscriber, dependent, requester, practitionerRole } = responseParties(roles, { insurer: insurerId, requester: requesterId, role: roleId, subscriber: subscriberId, dependent: dependentId }, sawDependent);

  // Authorized providers: one resource each; their extension names it.
  const providerRefs = new Map<Obj, { ref: string; ext: Obj }>();
  const providerOf = (p: ProviderRead): { ref: string; ext: Obj } => {
    const known = providerRefs.get(p.extension);
    if (known !== undefined) return known;
    const id = entryOf(next++);
    const res = p.resource;
    const isPerson = res.resourceType === 'Practitioner';
    const resource: Obj = { resourceType: isPerson ? 'Practitioner' : 'Organization', id: id.id, meta: { profile: [isPerson ? PAS_PROFILE.practitioner : PAS_PROFILE.organization] }, ...res };
    resource.resourceType = isPerson ? 'Practitioner' : 'Organization';
    if (!isPerson) resource.active = true;
    extra.push([id, resource]);
    const ext = { url: PAS_EXTENSION.itemAuthorizedProvider, extension: [...((p.extension.extension as Obj[] | undefined) ?? []), { url: 'provider', valueReference: { reference: id.ref } }] };
    const made = { ref: id.ref, ext };
    providerRefs.set(p.extension, made);
    return made;
  };

  // Items.
  const decisions: DecisionRead[] = read.items.length > 0 ? [...read.items] : event !== null ? [event] : [];
  const template = read.items.length > 0 ? event : null;
  const notes: Obj[] = [];
  const noteOf = (d: DecisionRead): number | null => {
    if (typeof d.note.text !== 'string') return null;
    notes.push({ number: notes.length + 1, type: 'display', text: d.note.text });
    return notes.length;
  };
  if (event !== null && template !== null) noteOf(event);
  const items: Obj[] = [];
  const addItems: Obj[] = [];
  const sequenceOf = new Map<DecisionRead, number>();
  /** Whether the event's decision (2000E HCR, with 2000F loops) reached an item or an addItem. */
  let eventDecisionUsed = false;
  const usedSequences = new Set<number>();
  decisions.forEach((d, i) => {
    const raw = d.item;
    if (template !== null) inherit(raw, template.item, 'adjudication');
    // A line with no decision and no rejection (AAA) of its own takes the event's; a rejected line is not made "certified".
    if (raw.adjudication === undefined && template?.item.adjudication !== undefined && !errors.some((e) => e.decision === d)) {
      raw.adjudication = copy(template.item.adjudication);
      eventDecisionUsed = true;
    }
    // itemSequence: by the trace number the line echoes, in the request given; else the loop's order.
    let seq = i + 1;
    if (req !== null) {
      const trace = traceOf(raw);
      const found = trace !== null ? req.sequenceOfTrace(trace.value, trace.system) : decisions.length === 1 && req.claim.item?.length === 1 ? req.claim.item[0]!.sequence : null;
      if (found !== null && !usedSequences.has(found)) seq = found;
      else {
        const pos = d.node.segments[0]?.position ?? 1;
        findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: d.node.path, segment: 'TRN', position: pos, message: `${d.node.path} (segment ${pos}): no item of the request bundle has ${trace !== null ? `trace number ${trace.value}` : 'this line (no TRN echo)'}; itemSequence ${seq} is the loop's order` });
      }
    }
    usedSequences.add(seq);
    sequenceOf.set(d, seq);
    const provs = [...(template?.providers ?? []), ...d.providers].map(providerOf);
    const ext = [...((raw.extension as Obj[] | undefined) ?? []), ...provs.map((p) => copy(p.ext) as Obj)];
    const item: Obj = {};
    if (ext.length > 0) item.extension = ext;
    item.itemSequence = seq;
    const note = noteOf(d);
    if (note !== null) item.noteNumber = [note];
    // PAS (and R4) need an adjudication per item: a line with no decision at all (only AAA) gets the bare category.
    item.adjudication = raw.adjudication ?? [{ category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }] } }];
    items.push(item);

    // A modified decision: the authorized version as an addItem with the same itemSequence.
    // A modified decision: the line's own, or the event's (read.ts: not for a line rejected with no decision of its own).
    if (d.action !== 'A6' && (template?.action !== 'A6' || d.action === null)) return;
    const added = d.addItem;
    const service = d.service;
    if (template !== null && template.action === 'A6') {
      inherit(added, template.addItem);
      inherit(service, template.service);
    }
    const adjudicationFrom = actionCode(raw) === 'A6' ? raw.adjudication : (template ?? event)?.item.adjudication;
    if (adjudicationFrom !== raw.adjudication) eventDecisionUsed = true;
    const a: Obj = {};
    const aExt = [...((added.extension as Obj[] | undefined) ?? [])];
    const productOrService = added.productOrService ?? (aExt.find((e) => e.url === PAS_EXTENSION.itemCategory)?.valueCodeableConcept as Obj | undefined) ?? absent();
    if (hasFields(service)) {
      const srId = entryOf(next++);
      extra.push([srId, { resourceType: 'ServiceRequest', id: srId.id, meta: { profile: [PAS_PROFILE.serviceRequest] }, status: 'active', intent: 'order', code: copy(productOrService), subject: { reference: patientId.ref }, ...service }]);
      aExt.push({ url: PAS_EXTENSION.requestedService, valueReference: { reference: srId.ref } });
    }
    if (aExt.length > 0) a.extension = aExt;
    a.itemSequence = [seq];
    if (provs.length > 0) {
      a.provider = provs.map((p) => {
        const type = ((p.ext.extension as Obj[]) ?? []).find((e) => e.url === PAS_EXTENSION.authorizedProviderType);
        return type !== undefined ? { extension: [copy(type)], reference: p.ref } : { reference: p.ref };
      });
    }
    a.productOrService = copy(productOrService);
    for (const k of ['modifier', 'servicedDate', 'servicedPeriod', 'locationCodeableConcept', 'quantity', 'net']) if (added[k] !== undefined) a[k] = added[k];
    a.adjudication = copy(adjudicationFrom ?? item.adjudication);
    addItems.push(a);
  });

  // PWK: the documentation asked for, one PASCommunicationRequest each.
  const communication: Obj[] = [];
  for (const c of read.requests) {
    if (!hasFields(c.resource)) continue;
    const id = entryOf(next++);
    const r: Obj = { resourceType: 'CommunicationRequest', id: id.id, meta: { profile: [PAS_PROFILE.communicationRequest] } };
    const seq = c.decision !== null ? sequenceOf.get(c.decision) : undefined;
    if (seq !== undefined) r.extension = [{ url: PAS_EXTENSION.serviceLineNumber, valuePositiveInt: seq }];
    Object.assign(r, c.resource, { status: 'active', subject: { reference: patientId.ref }, requester: { reference: insurerId.ref }, recipient: [{ reference: requesterId.ref }] });
    // PAS asks for an identifier (the attachment control number) unless the documents come by voice (VO): without PWK06 it is marked absent, not invented.
    const medium = ((r.medium as Obj[] | undefined)?.[0]?.coding as Obj[] | undefined)?.[0]?.code;
    if (r.identifier === undefined && medium !== 'VO') r.identifier = [absent()];
    extra.push([id, r]);
    communication.push({ reference: id.ref });
  }

  // PAS has reviewAction on item and addItem adjudications only (its ClaimResponse.adjudication slice
  // cannot hold the reviewActionCode its definition restricts to those): an event decision no line takes is reported.
  if (template !== null && template.item.adjudication !== undefined && !eventDecisionUsed) {
    const hcr = template.node.segment('HCR');
    const pos = hcr?.position ?? 0;
    findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: template.node.path, segment: 'HCR', position: pos, message: `${template.node.path} HCR (segment ${pos}): the event's decision (${template.action ?? ''}) has no place in PAS when every line has a decision of its own; not carried` });
  }

  // Errors (AAA), with a path into the request when it is known.
  const eaIndex = new Map<LoopNode, number>();
  if (event !== null) event.node.children.filter((c) => c.id === '2010EA').forEach((c, k) => eaIndex.set(c, k));
  const error = errors.map((e) => {
    let path: string | undefined;
    if (req !== null) {
      const seq = e.decision !== null && e.decision !== event ? (sequenceOf.get(e.decision) ?? null) : null;
      path = errorPathOf(req, e.place.loop, errorElementOf(e.place), seq, eaIndex.get(e.node) ?? null) ?? undefined;
    }
    const error = aaaError(e.place, path);
    // A line's rejection names its item (R4 ClaimResponse.error.itemSequence).
    const line = e.decision !== null && e.decision !== event ? sequenceOf.get(e.decision) : undefined;
    return line !== undefined && (e.place.loop === '2000F' || e.place.loop === '2010FA') ? { ...(error as Obj), itemSequence: line } : error;
  });

  // Outcome.
  const pended = decisions.some((d) => actionCode(d.item) === 'A4') || (event !== null && actionCode(event.item) === 'A4');
  const outcome = error.length > 0 ? 'error' : pended ? 'partial' : 'complete';

  // ClaimResponse.
  const crRaw = role(ROLE.ClaimResponse);
  const echo = (crRaw.request as Obj | undefined)?.identifier as Obj | undefined;
  let request: Obj;
  if (req !== null) {
    const claim = req.claim;
    // A literal reference where the version allows one to a Claim the bundle does not carry; always its identifier.
    const reference = !responseMayReferenceAbsentClaim(options.pasVersion) ? undefined : claim.id !== undefined ? `Claim/${claim.id}` : options.request?.entry?.[0]?.fullUrl;
    const identifier = echo ?? (claim.identifier?.[0] as Obj | undefined);
    request = { ...(reference !== undefined ? { reference } : {}), ...(identifier !== undefined ? { identifier: copy(identifier) } : {}) };
  } else request = echo !== undefined ? { identifier: echo } : absent();
  const cr: Obj = { resourceType: 'ClaimResponse', id: responseId.id, meta: { profile: [PAS_PROFILE.claimResponse] }, extension: [transmissionIdentifiers(tx)] };
  if (crRaw.identifier !== undefined) cr.identifier = crRaw.identifier;
  cr.status = 'active';
  cr.type = req?.claim.type !== undefined ? copy(req.claim.type) : { coding: [{ system: SYSTEM.claimType, code: isInstitutional(tx, compSep) ? 'institutional' : 'professional' }] };
  cr.use = 'preauthorization';
  cr.patient = { reference: patientId.ref };
  cr.created = crRaw.created ?? role(ROLE.Bundle).timestamp;
  cr.insurer = { reference: insurerId.ref };
  cr.requestor = { reference: practitionerRole !== null ? roleId.ref : requesterId.ref };
  cr.request = request;
  cr.outcome = outcome;
  if (crRaw.preAuthPeriod !== undefined) cr.preAuthPeriod = crRaw.preAuthPeriod;
  if (items.length > 0) cr.item = items;
  if (addItems.length > 0) cr.addItem = addItems;
  if (communication.length > 0) cr.communicationRequest = communication;
  if (notes.length > 0) cr.processNote = notes;
  if (error.length > 0) cr.error = error;

  const entry: BundleEntry[] = [{ fullUrl: responseId.ref, resource: cr as unknown as Resource }];
  const put = (e: { ref: string }, resource: Obj): void => {
    entry.push({ fullUrl: e.ref, resource: resource as unknown as Resource });
  };
  if (dependent !== null) put(dependentId, dependent);
  put(subscriberId, subscriber);
  put(insurerId, insurer);
  put(requesterId, requester);
  if (practitionerRole !== null) put(roleId, practitionerRole);
  for (const [id, r] of extra) put(id, r);
  const bundle: Obj = { resourceType: 'Bundle', id: entryOf(0).id, meta: bundleMeta(PAS_PROFILE.responseBundle, tx.interchange.usage), ...role(ROLE.Bundle) };
  bundle.type = 'collection';
  bundle.entry = entry;
  return adaptResponseBundle(bundle as unknown as Bundle, options.pasVersion, (what) => {
    findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: '', segment: '', position: 0, message: `PAS ${options.pasVersion} has no place for ${what}: left out` });
  });
}
