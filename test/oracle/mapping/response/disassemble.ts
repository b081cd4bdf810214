// Oracle: src/mapping/response/disassemble.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * A PAS Response Bundle taken apart for the X217 response writer: the resources each response
 * role names (the inverse of assemble.ts), per item its addItem, ServiceRequest, note and
 * authorized providers. A 2.0.1 bundle is read in its 2.2.1 shape (errorElement and providerType
 * forms); the caller's bundle is not changed.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { OTHER_EXTENSION, PAS_EXTENSION } from '../../../../src/pas/constants.js';

type Obj = Record<string, unknown>;

export interface ProviderSource {
  /** The extension-itemAuthorizedProvider (its providerType, qualification). */
  readonly extension: Obj;
  readonly resource: Obj;
  /** The reference naming the resource (to tell event providers, named by every item, from a line's). */
  readonly ref: string;
}

export interface DecisionSource {
  readonly item: Obj;
  readonly addItem: Obj | null;
  readonly service: Obj | null;
  /** `{ text }` of the processNote the item names, or `{}`. */
  readonly note: Obj;
  readonly providers: readonly ProviderSource[];
}

export interface ResponseSource {
  readonly bundle: Obj;
  readonly claimResponse: Obj;
  readonly insurer: Obj | null;
  readonly requester: Obj | null;
  readonly subscriber: Obj | null;
  readonly dependent: Obj | null;
  readonly items: readonly DecisionSource[];
  /** Notes no item names (the event's MSG). */
  readonly eventNotes: readonly Obj[];
  readonly errors: readonly Obj[];
  /** The CommunicationRequests (PWK) ClaimResponse.communicationRequest names, with the itemSequence of their line (null: the event's). */
  readonly requests: ReadonlyArray<{ readonly resource: Obj; readonly line: number | null }>;
  /** ISA/GS identifiers of extension-TransmissionIdentifiers (2.2.1). */
  readonly transmission: Readonly<Record<string, string>>;
}

const isAbsent = (x: unknown): boolean => typeof x === 'object' && x !== null && ((x as Obj).extension as Obj[] | undefined)?.some((e) => e.url === OTHER_EXTENSION.dataAbsentReason) === true;

/** 2.0.1 forms -> the 2.2.1 forms the rows and aaa.ts read. */
function as221(cr: Obj): void {
  for (const err of (cr.error as Obj[] | undefined) ?? []) {
    for (const e of (err.extension as Obj[] | undefined) ?? []) {
      if (e.url === PAS_EXTENSION.errorElement && typeof e.valueString === 'string') {
        e.extension = [{ url: 'error', valueString: e.valueString }];
        delete e.valueString;
      }
    }
  }
  for (const item of (cr.item as Obj[] | undefined) ?? []) {
    for (const e of (item.extension as Obj[] | undefined) ?? []) {
      if (e.url !== PAS_EXTENSION.itemAuthorizedProvider) continue;
      for (const x of (e.extension as Obj[] | undefined) ?? []) if (x.url === 'providerType') x.url = PAS_EXTENSION.authorizedProviderType;
    }
  }
}

/**
 * The requester a request bundle names (its Claim.provider, a PractitionerRole read as its
 * Practitioner with the role's specialty and telecom), or null.
 */
function requesterOf(request: Bundle | Obj): Obj | null {
  const entries = ((request as Obj).entry as Obj[] | undefined) ?? [];
  const byRef = new Map<string, Obj>();
  let claim: Obj | undefined;
  for (const e of entries) {
    const r = e.resource as Obj | undefined;
    if (r === undefined) continue;
    if (typeof e.fullUrl === 'string') byRef.set(e.fullUrl, r);
    if (typeof r.id === 'string') byRef.set(`${r.resourceType as string}/${r.id}`, r);
    if (claim === undefined && r.resourceType === 'Claim') claim = r;
  }
  const at = (ref: unknown): Obj | null => {
    const r = typeof ref === 'object' && ref !== null ? (ref as Obj).reference : undefined;
    return typeof r === 'string' ? (byRef.get(r) ?? null) : null;
  };
  return practitionerOfRole(at(claim?.provider), at);
}

/** A PractitionerRole read as its Practitioner (with the role's specialty and telecom); any other resource as it is. */
function practitionerOfRole(found: Obj | null, resolve: (ref: unknown) => Obj | null): Obj | null {
  if (found?.resourceType !== 'PractitionerRole') return found;
  const role = found;
  const person = resolve(role.practitioner);
  if (person === null) return null;
  const requester = { ...person };
  if (role.specialty !== undefined) requester.specialty = role.specialty;
  const telecom = role.telecom as Obj[] | undefined;
  if (telecom !== undefined && !telecom.some((t) => isAbsent(t._system))) requester.telecom = telecom;
  return requester;
}

/**
 * Takes a response bundle apart; `problems` says what it cannot use (an error when there is no
 * ClaimResponse first). `request`, the request bundle the response answers, names the requester
 * when the response's own requestor is absent or not in the bundle (X12 requires 2010B).
 */
export function disassembleResponse(input: Bundle | Obj, request?: Bundle | Obj): { source: ResponseSource | null; problems: string[] } {
  const problems: string[] = [];
  const bundle = structuredClone(input) as Obj;
  const entries = (bundle.entry as Obj[] | undefined) ?? [];
  let cr = entries[0]?.resource as Obj | undefined;
  if (cr?.resourceType !== 'ClaimResponse') {
    // PAS puts the ClaimResponse first; one further down is still the response (reported).
    const at = entries.findIndex((e) => (e?.resource as Obj | undefined)?.resourceType === 'ClaimResponse');
    if (at < 0) return { source: null, problems: ['the bundle has no ClaimResponse: not a PAS Response Bundle'] };
    cr = entries[at]!.resource as Obj;
    problems.push(`Bundle.entry[${at}]: the ClaimResponse is not the first entry, as PAS requires; read as the response all the same`);
  }
  as221(cr);
  const byRef = new Map<string, Obj>();
  for (const e of entries) {
    const r = e.resource as Obj | undefined;
    if (r === undefined) continue;
    if (typeof e.fullUrl === 'string') byRef.set(e.fullUrl, r);
    // A relative reference (`Patient/SubscriberExample`, as the IG's examples write them) names the entry with that type and id.
    if (typeof r.id === 'string') byRef.set(`${r.resourceType as string}/${r.id}`, r);
  }
  const resolve = (ref: unknown, from: string): Obj | null => {
    const r = typeof ref === 'object' && ref !== null ? (ref as Obj).reference : undefined;
    if (typeof r !== 'string') return null;
    const found = byRef.get(r);
    if (found === undefined) problems.push(`${from}: ${r} is not in the bundle`);
    return found ?? null;
  };

  const insurer = resolve(cr.insurer, 'ClaimResponse.insurer');
  let requester = practitionerOfRole(resolve(cr.requestor, 'ClaimResponse.requestor'), (ref) => resolve(ref, 'PractitionerRole.practitioner'));
  if (requester === null && request !== undefined) {
    requester = requesterOf(request);
    if (requester !== null) problems.push(`ClaimResponse.requestor: ${cr.requestor === undefined ? 'absent' : 'not in the bundle'}; the requester is the Claim.provider of the request it answers`);
  }
  const patient = resolve(cr.patient, 'ClaimResponse.patient');
  const other = entries.map((e) => e.resource as Obj).find((r) => r?.resourceType === 'Patient' && r !== patient) ?? null;
  const subscriber = other ?? patient;
  const dependent = other !== null ? patient : null;

  const notes = new Map<number, Obj>();
  for (const n of (cr.processNote as Obj[] | undefined) ?? []) if (typeof n.number === 'number') notes.set(n.number, n);
  const named = new Set<number>();
  const addItems = (cr.addItem as Obj[] | undefined) ?? [];
  const items: DecisionSource[] = ((cr.item as Obj[] | undefined) ?? []).map((item) => {
    const seq = item.itemSequence;
    const addItem = addItems.find((a) => Array.isArray(a.itemSequence) && a.itemSequence.includes(seq)) ?? null;
    const srExt = (addItem?.extension as Obj[] | undefined)?.find((e) => e.url === PAS_EXTENSION.requestedService);
    const service = srExt !== undefined ? resolve(srExt.valueReference, 'addItem extension-requestedService') : null;
    const n = (item.noteNumber as number[] | undefined)?.[0];
    if (n !== undefined) named.add(n);
    const note = n !== undefined && notes.has(n) ? { text: notes.get(n)!.text } : {};
    const providers: ProviderSource[] = [];
    for (const e of (item.extension as Obj[] | undefined) ?? []) {
      if (e.url !== PAS_EXTENSION.itemAuthorizedProvider) continue;
      const ref = (e.extension as Obj[] | undefined)?.find((x) => x.url === 'provider')?.valueReference as Obj | undefined;
      const resource = resolve(ref, 'extension-itemAuthorizedProvider');
      if (resource !== null) providers.push({ extension: e, resource, ref: ref!.reference as string });
    }
    return { item, addItem, service, note, providers };
  });
  const eventNotes = [...notes.values()].filter((n) => !named.has(n.number as number));
  const requests = ((cr.communicationRequest as Obj[] | undefined) ?? []).flatMap((ref) => {
    const resource = resolve(ref, 'ClaimResponse.communicationRequest');
    if (resource === null) return [];
    const n = ((resource.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.serviceLineNumber)?.valuePositiveInt;
    return [{ resource, line: typeof n === 'number' ? n : null }];
  });
  const transmission: Record<string, string> = {};
  const tid = (cr.extension as Obj[] | undefined)?.find((e) => e.url === PAS_EXTENSION.transmissionIdentifiers);
  for (const x of (tid?.extension as Obj[] | undefined) ?? []) if (typeof x.url === 'string' && typeof x.valueString === 'string') transmission[x.url] = x.valueString;
  return {
    source: { bundle, claimResponse: cr, insurer, requester, subscriber, dependent, items, eventNotes, errors: (cr.error as Obj[] | undefined) ?? [], requests, transmission },
    problems,
  };
}
