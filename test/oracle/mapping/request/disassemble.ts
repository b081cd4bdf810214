// Oracle: src/mapping/request/disassemble.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { Bundle } from '@medplum/fhirtypes';
import { OTHER_EXTENSION, PAS_EXTENSION, PAS_PROFILE, X12_CODE_SYSTEM } from '../../../../src/pas/constants.js';
import { SUBMITTER_REFERENCE_SYSTEM } from './assemble.js';
import type { Ledger } from '../engine/ledger.js';
import { withCharge } from '../../../../src/mapping/request/item-charge.js';
import { statedTaxonomy, type StatedTaxonomy } from '../../../../src/mapping/request/provider-taxonomy.js';
import { readKind, serviceView } from '../../../../src/mapping/request/requested-kind.js';

/**
 * A PAS Request Bundle taken apart into the resources the request rows write from: the inverse
 * of `assemble.ts`. References are followed inside the bundle (by fullUrl, or by
 * `Type/id` for bundles that use relative references).
 */

type Obj = Record<string, unknown>;

export interface SourceItem {
  readonly item: Obj;
  /** The item's requested service (extension-requestedService), if any. */
  readonly service: Obj | null;
}

export interface SourceProvider {
  /** The Claim.careTeam entry. */
  readonly careTeam: Obj;
  /** The Practitioner (with its role's telecom) or Organization it names. */
  readonly resource: Obj;
  /** PAS ItemClaimMember: written in the 2010F of the items naming it (careTeamSequence), never in 2010EA. */
  readonly itemScoped: boolean;
}

export interface RequestSource {
  readonly bundle: Obj;
  readonly claim: Obj;
  readonly insurer: Obj | null;
  /** The requester: an Organization, or a Practitioner with its PractitionerRole's telecom. */
  readonly requester: Obj | null;
  readonly subscriber: Obj | null;
  /** The patient when it is not the subscriber. */
  readonly dependent: Obj | null;
  readonly coverage: Obj | null;
  readonly encounter: Obj | null;
  readonly items: readonly SourceItem[];
  readonly providers: readonly SourceProvider[];
  /** ISA06/ISA08/GS02/GS03 from extension-TransmissionIdentifiers (PAS 2.2.1), where given. */
  readonly transmission: { readonly interchangeSender?: string; readonly interchangeReceiver?: string; readonly applicationSender?: string; readonly applicationReceiver?: string };
}

export interface DisassemblyProblem {
  readonly severity: 'error' | 'warning';
  readonly code: 'NOT_A_REQUEST_BUNDLE' | 'UNRESOLVED_REFERENCE' | 'MISSING_RESOURCE' | 'LOSSY_VALUE' | 'NOT_WRITTEN';
  readonly message: string;
  /** The element concerned, by its path in the bundle, when it is one of the Claim's. */
  readonly path?: string;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A telecom entry that only says data is absent (as assemble.ts writes for pd-1) carries nothing. */
function realTelecom(t: unknown): Obj[] | undefined {
  if (!Array.isArray(t)) return undefined;
  const kept = t.filter((x): x is Obj => isObj(x) && (x.value !== undefined || x.system !== undefined));
  return kept.length > 0 ? kept : undefined;
}

/** A copy of an item whose certification type is 3 (cancel). */
/** Reference numbers PAS 2.2.1 allows on the Claim as well as on its items. */
const CLAIM_REFS = [PAS_EXTENSION.authorizationNumber, PAS_EXTENSION.administrationReferenceNumber];

function asCancelled(item: Obj, ledger?: Ledger): Obj {
  const ext = Array.isArray(item.extension) ? (item.extension as unknown[]).filter((x) => !(isObj(x) && x.url === PAS_EXTENSION.certificationType)) : [];
  ext.push({ url: PAS_EXTENSION.certificationType, valueCodeableConcept: { coding: [{ system: X12_CODE_SYSTEM.certificationType, code: '3' }] } });
  const copy = { ...item, extension: ext };
  ledger?.copyOf(copy, item);
  // The cancel speaks for the item's own certification type.
  if (Array.isArray(item.extension)) {
    for (const x of item.extension as unknown[]) {
      if (!isObj(x) || x.url !== PAS_EXTENSION.certificationType) continue;
      const codings = isObj(x.valueCodeableConcept) && Array.isArray(x.valueCodeableConcept.coding) ? (x.valueCodeableConcept.coding as unknown[]) : [];
      for (const c of codings) if (isObj(c) && c.code === '3') for (const k of ['system', 'code']) ledger?.key(c, k);
    }
  }
  return copy;
}

function extensionCode(o: Obj, url: string): unknown {
  const ext = o.extension;
  if (!Array.isArray(ext)) return undefined;
  return (ext.find((x): x is Obj => isObj(x) && x.url === url) as Obj | undefined)?.valueCode;
}

function extensionValue(o: Obj, url: string): unknown {
  const ext = o.extension;
  if (!Array.isArray(ext)) return undefined;
  const e = ext.find((x): x is Obj => isObj(x) && x.url === url);
  return e === undefined ? undefined : (e.valueReference ?? e.extension);
}

export function disassembleRequest(bundle: Bundle | Obj, ledger?: Ledger): { source: RequestSource | null; problems: DisassemblyProblem[] } {
  const problems: DisassemblyProblem[] = [];
  // A 2.0.1 bundle is read as its 2.2.1 form where the rows read it (engine/write-rows.ts `as221`): no
  // system the 2.0.1 renames touch is read here.
  const b = bundle as Obj;
  if (b.resourceType !== 'Bundle' || !Array.isArray(b.entry)) {
    problems.push({ severity: 'error', code: 'NOT_A_REQUEST_BUNDLE', message: 'not a Bundle with entries' });
    return { source: null, problems };
  }
  const byUrl = new Map<string, Obj>();
  const byTypeId = new Map<string, Obj>();
  let claim: Obj | null = null;
  const claimAt = (b.entry as unknown[]).findIndex((e) => isObj(e) && isObj(e.resource) && e.resource.resourceType === 'Claim');
  for (const e of b.entry as unknown[]) {
    if (!isObj(e) || !isObj(e.resource)) continue;
    const r = e.resource;
    if (typeof e.fullUrl === 'string') byUrl.set(e.fullUrl, r);
    if (typeof r.resourceType === 'string' && typeof r.id === 'string') byTypeId.set(`${r.resourceType}/${r.id}`, r);
    if (claim === null && r.resourceType === 'Claim') {
      // The identifier made from BHT03 when the 278 has no TRN (assemble.ts) is not a trace number: BHT03 comes from Bundle.identifier.
      const ids = r.identifier;
      claim = Array.isArray(ids) && ids.some((i) => isObj(i) && typeof i.system === 'string' && i.system.startsWith(SUBMITTER_REFERENCE_SYSTEM))
        ? { ...r, identifier: ids.filter((i) => !(isObj(i) && typeof i.system === 'string' && i.system.startsWith(SUBMITTER_REFERENCE_SYSTEM))) }
        : r;
      if (claim !== r) {
        ledger?.copyOf(claim, r);
        // The BHT03 identifier is carried by Bundle.identifier.
        for (const i of ids as unknown[]) if (isObj(i) && typeof i.system === 'string' && i.system.startsWith(SUBMITTER_REFERENCE_SYSTEM)) ledger?.all(i);
      }
    }
  }
  if (claim === null) {
    const response = (b.entry as unknown[]).some((e) => isObj(e) && isObj(e.resource) && e.resource.resourceType === 'ClaimResponse');
    problems.push({ severity: 'error', code: 'NOT_A_REQUEST_BUNDLE', message: response ? 'a PAS Response Bundle (ClaimResponse): 278 responses are written by responseBundleToX12' : 'the bundle has no Claim' });
    return { source: null, problems };
  }
  const resolve = (ref: unknown, where: string, severity: 'error' | 'warning' = 'error'): Obj | null => {
    if (!isObj(ref) || typeof ref.reference !== 'string') return null;
    const r = ref.reference;
    const hit = byUrl.get(r) ?? byTypeId.get(r) ?? byTypeId.get(r.split('/').slice(-2).join('/'));
    if (hit === undefined) {
      const what = severity === 'error' ? '' : ': left out of the 278';
      const at = claimAt >= 0 && where.startsWith('Claim.') ? `Bundle.entry[${claimAt}].resource${where.slice(5).split(' ')[0]!.replace(/\.(?:practitioner|organization)$/, '')}` : undefined;
      problems.push({ severity, code: 'UNRESOLVED_REFERENCE', message: `${where}: ${r} is not in the bundle${what}`, ...(at !== undefined ? { path: at } : {}) });
    } else ledger?.all(ref);
    return hit ?? null;
  };
  const lossyTaxonomy = (t: StatedTaxonomy, what: string): void => {
    const at = ledger?.pathIn(b, t.source) ?? null;
    problems.push({ severity: 'warning', code: 'LOSSY_VALUE', message: `provider ${t.from} ${JSON.stringify((t.cc.coding as Obj[])[0]!.code)}: written as the provider taxonomy, ${what}`, ...(at !== null ? { path: at } : {}) });
  };
  /** A PractitionerRole stands for its practitioner (with the role's numbers and specialty) or its organization. */
  const party = (ref: unknown, where: string, severity: 'error' | 'warning' = 'error'): Obj | null => {
    const r = resolve(ref, where, severity);
    if (r === null || r.resourceType !== 'PractitionerRole') return r;
    const person = resolve(r.practitioner, `${where}.practitioner`, severity);
    if (person !== null) {
      const telecom = realTelecom(r.telecom) ?? realTelecom(person.telecom);
      const { telecom: _drop, ...rest } = person;
      // No specialty of the role: a Practitioner.qualification coded in NUCC is the taxonomy (PRV03), reported.
      const fromQualification = r.specialty === undefined && person.specialty === undefined ? statedTaxonomy(person, ['qualification']) : null;
      if (fromQualification !== null) lossyTaxonomy(fromQualification, 'PRV03 of the requester; it reads back as its PractitionerRole.specialty');
      const specialty = r.specialty ?? person.specialty ?? (fromQualification !== null ? [fromQualification.cc] : undefined);
      return ledger?.copyOf({ ...rest, ...(telecom !== undefined ? { telecom } : {}), ...(specialty !== undefined ? { specialty } : {}) }, person) ?? { ...rest, ...(telecom !== undefined ? { telecom } : {}), ...(specialty !== undefined ? { specialty } : {}) };
    }
    const org = resolve(r.organization, `${where}.organization`);
    // A role naming neither (its practitioner dropped, no organization): the member is left out, and said so.
    if (org === null && r.organization === undefined && severity === 'warning') {
      problems.push({ severity, code: 'UNRESOLVED_REFERENCE', message: `${where}: its PractitionerRole names no practitioner or organization of the bundle: left out of the 278`, ...(claimAt >= 0 && where.startsWith('Claim.') ? { path: `Bundle.entry[${claimAt}].resource${where.slice(5)}` } : {}) });
    }
    return org;
  };

  const patient = resolve(claim.patient, 'Claim.patient');
  const insurance = Array.isArray(claim.insurance) ? (claim.insurance as unknown[]).filter(isObj) : [];
  const focal = insurance.find((i) => i.focal === true) ?? insurance[0];
  const coverage = focal !== undefined ? resolve(focal.coverage, 'Claim.insurance.coverage') : null;
  const subscriberRef = coverage !== null ? resolve(coverage.subscriber, 'Coverage.subscriber') : null;
  const subscriber = subscriberRef ?? patient;
  const dependent = patient !== null && subscriber !== null && patient !== subscriber ? patient : null;
  const insurer = resolve(claim.insurer, 'Claim.insurer');
  const requester = party(claim.provider, 'Claim.provider');
  for (const [v, what] of [
    [patient, 'Claim.patient'],
    [insurer, 'Claim.insurer'],
    [requester, 'Claim.provider'],
  ] as const) {
    if (v === null) problems.push({ severity: 'error', code: 'MISSING_RESOURCE', message: `${what} names no resource of the bundle` });
  }
  const providers: SourceProvider[] = [];
  if (Array.isArray(claim.careTeam)) {
    const itemList = Array.isArray(claim.item) ? (claim.item as unknown[]).filter(isObj) : [];
    (claim.careTeam as unknown[]).forEach((ct, i) => {
      if (!isObj(ct)) return;
      // An item-scoped member (PAS ItemClaimMember: careTeamClaimScope false, or named by some items
      // only) goes to the 2010F of its items, never to 2010EA (which applies to every item); one no
      // item names is left to the ledger (reported).
      const scope = Array.isArray(ct.extension) ? (ct.extension as unknown[]).find((x) => isObj(x) && x.url === PAS_EXTENSION.careTeamClaimScope) : undefined;
      const naming = itemList.filter((it) => Array.isArray(it.careTeamSequence) && (it.careTeamSequence as unknown[]).includes(ct.sequence));
      const itemScoped = isObj(scope) ? scope.valueBoolean === false : naming.length > 0 && naming.length < itemList.length;
      if (itemScoped && naming.length === 0) return;
      const res = party(ct.provider, `Claim.careTeam[${i}].provider`, 'warning');
      if (res === null) return;
      // No qualification on the member: the taxonomy its PractitionerRole (or Practitioner) states, reported.
      const stated = ct.qualification === undefined ? statedTaxonomy(res) : null;
      if (stated === null) {
        providers.push({ careTeam: ct, resource: res, itemScoped });
        return;
      }
      lossyTaxonomy(stated, 'PRV03 of its 2010EA/2010F loop; it reads back as Claim.careTeam.qualification');
      const team = { ...ct, qualification: stated.cc };
      ledger?.copyOf(team, ct);
      providers.push({ careTeam: team, resource: res, itemScoped });
    });
  }
  // A Claim Update (PASClaimUpdate, or a Claim naming its prior one) sends only the items it adds or
  // changes (extension-infoChanged) or cancels (modifierExtension-infoCancelled); a cancelled item
  // goes as certification type 3, whatever its own certificationType says.
  const profiles = isObj(claim.meta) && Array.isArray(claim.meta.profile) ? (claim.meta.profile as unknown[]) : [];
  const isUpdate = profiles.includes(PAS_PROFILE.claimUpdate) || (Array.isArray(claim.related) && claim.related.length > 0);
  // Claim.related (the prior request of an update) makes the 278 an update, but a 278 names the prior
  // review only by its authorization or administrative reference number (REF*BB / REF*NT, from
  // extension-authorizationNumber / administrationReferenceNumber): the reference has no place.
  if (Array.isArray(claim.related)) {
    (claim.related as unknown[]).forEach((r, i) => {
      if (!isObj(r)) return;
      ledger?.all(r);
      problems.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `Claim.related[${i}]: the 278 has no place for a related claim (it names a prior review by its authorization number, REF*BB, or administrative reference, REF*NT: give them in extension-authorizationNumber / extension-administrationReferenceNumber); it makes the request an update (only the changed items are sent)`, ...(claimAt >= 0 ? { path: `Bundle.entry[${claimAt}].resource.related[${i}]` } : {}) });
    });
  }
  const allItems = Array.isArray(claim.item) ? (claim.item as unknown[]).filter(isObj) : [];
  const cancelled = (it: Obj): boolean =>
    Array.isArray(it.modifierExtension) && (it.modifierExtension as unknown[]).some((x) => isObj(x) && x.url === PAS_EXTENSION.infoCancelled && x.valueBoolean === true);
  // Claim-level authorization and administration reference numbers (PAS 2.2.1 slices them on the Claim)
  // speak for every item that has none of its own: the event level (2000E REF*BB / REF*NT) when all
  // items share them. PAS defines them on Claim.item, so they read back on each item: reported.
  const claimRefs = CLAIM_REFS.flatMap((url) => {
    const at = Array.isArray(claim.extension) ? (claim.extension as unknown[]).findIndex((x) => isObj(x) && x.url === url && typeof x.valueString === 'string') : -1;
    if (at < 0) return [];
    problems.push({ severity: 'warning', code: 'LOSSY_VALUE', message: `Claim ${url.slice(url.lastIndexOf('-') + 1)}: written as the event's REF (2000E, for every item without its own); it reads back on each item (PAS defines it on Claim.item)`, ...(claimAt >= 0 ? { path: `Bundle.entry[${claimAt}].resource.extension[${at}]` } : {}) });
    return [(claim.extension as Obj[])[at]!];
  });
  const withClaimRefs = (it: Obj): Obj => {
    const own = Array.isArray(it.extension) ? (it.extension as unknown[]) : [];
    const add = claimRefs.filter((x) => !own.some((o) => isObj(o) && o.url === x.url));
    return add.length === 0 ? it : ledger?.copyOf({ ...it, extension: [...own, ...add] }, it) ?? { ...it, extension: [...own, ...add] };
  };
  // A Claim-level certification type 3 cancels the whole request: every item goes as cancelled (UM02 3 at
  // the event level and on every service, as the guide does it); another Claim-level type speaks for the
  // items with none of their own.
  const claimCert = Array.isArray(claim.extension) ? (claim.extension as unknown[]).find((x): x is Obj => isObj(x) && x.url === PAS_EXTENSION.certificationType) : undefined;
  const claimCodings = claimCert !== undefined && isObj(claimCert.valueCodeableConcept) && Array.isArray(claimCert.valueCodeableConcept.coding) ? (claimCert.valueCodeableConcept.coding as unknown[]).filter(isObj) : [];
  const cancelAll = claimCodings.some((c) => c.code === '3' && (c.system === undefined || c.system === X12_CODE_SYSTEM.certificationType));
  if (cancelAll) {
    for (const c of claimCodings) if (c.code === '3') for (const k of ['system', 'code']) ledger?.key(c, k);
  } else if (claimCert !== undefined) {
    claimRefs.push(claimCert);
    const at = (claim.extension as unknown[]).indexOf(claimCert);
    problems.push({ severity: 'warning', code: 'LOSSY_VALUE', message: 'Claim certificationType: written as the certification type (UM02) of every item without its own; it reads back on each item', ...(claimAt >= 0 ? { path: `Bundle.entry[${claimAt}].resource.extension[${at}]` } : {}) });
  }
  const sent = (cancelAll ? allItems : isUpdate ? allItems.filter((it) => extensionCode(it, PAS_EXTENSION.infoChanged) !== undefined || cancelled(it)) : allItems).map((it) =>
    withCharge(withClaimRefs(cancelAll || cancelled(it) ? asCancelled(it, ledger) : it), claimAt >= 0 ? `Bundle.entry[${claimAt}].resource.item[${allItems.indexOf(it)}]` : undefined, ledger, problems),
  );
  const items: SourceItem[] = sent.map((item, i) => {
    const ref = extensionValue(item, PAS_EXTENSION.requestedService);
    const res = ref !== undefined ? resolve(ref, `Claim.item[${i}] requestedService`) : null;
    if (res === null) return { item, service: null };
    // A DeviceRequest or MedicationRequest is shown to the rows as a ServiceRequest (its code, timing and quantity where the rows read them).
    const view = serviceView(res);
    if (view !== res) ledger?.copyOf(view, res);
    const back = readKind(item.productOrService, isObj(view.quantityQuantity) && view.quantityQuantity.value !== undefined);
    if (back !== res.resourceType) {
      const at = (b.entry as unknown[]).findIndex((e) => isObj(e) && e.resource === res);
      problems.push({ severity: 'warning', code: 'LOSSY_VALUE', message: `Claim.item[${i}] requestedService: this ${String(res.resourceType)} comes back as a ${back} (the 278 tells the kind only by the service's code and quantity: mappings/codes/requested-kind.json)`, ...(at >= 0 ? { path: `Bundle.entry[${at}].resource` } : {}) });
    }
    return { item, service: view };
  });
  const encRef = extensionValue(claim, OTHER_EXTENSION.claimEncounter) ?? (items[0] !== undefined && Array.isArray(items[0].item.encounter) ? (items[0].item.encounter as unknown[])[0] : undefined);
  const encounter = encRef !== undefined ? resolve(encRef, 'Claim encounter') : null;
  // Its period goes out as the admission and discharge dates (2000E DTP*435 / DTP*096), which read back as the Claim's supporting info.
  if (encounter !== null && isObj(encounter.period) && (encounter.period.start !== undefined || encounter.period.end !== undefined)) {
    const at = (b.entry as unknown[]).findIndex((e) => isObj(e) && e.resource === encounter);
    problems.push({ severity: 'warning', code: 'LOSSY_VALUE', message: 'Encounter period: written as the admission (DTP*435) and discharge (DTP*096) dates; they read back as Claim.supportingInfo AdmissionDates / DischargeDates', ...(at >= 0 ? { path: `Bundle.entry[${at}].resource.period` } : {}) });
  }

  const transmission: Record<string, string> = {};
  const tid = extensionValue(claim, PAS_EXTENSION.transmissionIdentifiers);
  if (Array.isArray(tid)) {
    const names: Record<string, string> = {
      interchangeSenderID: 'interchangeSender',
      interchangeReceiverID: 'interchangeReceiver',
      applicationSenderCode: 'applicationSender',
      applicationReceiverCode: 'applicationReceiver',
    };
    for (const x of tid) if (isObj(x) && typeof x.url === 'string' && typeof x.valueString === 'string' && names[x.url] !== undefined) transmission[names[x.url]!] = x.valueString;
  }
  return {
    source: { bundle: b, claim, insurer, requester, subscriber, dependent, coverage, encounter, items, providers, transmission },
    problems,
  };
}

/** Whether a bundle is a PAS Inquiry Request Bundle (its own profile, or its Claim's, says so): written as an X215 inquiry. */
export function isInquiryRequest(bundle: Bundle | Obj): boolean {
  const b = bundle as Obj;
  if (hasProfile(b, PAS_PROFILE.inquiryRequestBundle)) return true;
  if (!Array.isArray(b.entry)) return false;
  for (const e of b.entry as unknown[]) {
    if (isObj(e) && isObj(e.resource) && e.resource.resourceType === 'Claim') return hasProfile(e.resource, PAS_PROFILE.claimInquiry);
  }
  return false;
}

/** Whether `meta.profile` of a resource names `url` (with or without a `|version`). */
export function hasProfile(r: unknown, url: string): boolean {
  if (!isObj(r) || !isObj(r.meta) || !Array.isArray(r.meta.profile)) return false;
  return (r.meta.profile as unknown[]).some((p) => typeof p === 'string' && (p === url || p.startsWith(`${url}|`)));
}

/**
 * An inquiry asks about one diagnosis per 278 (PAS, Claim.diagnosis in the inquiry profile): a
 * bundle whose Claim has several becomes one bundle per diagnosis, each a shallow copy whose Claim
 * holds that diagnosis alone. A bundle with one diagnosis or none is returned as it is.
 */
export function splitByDiagnosis(bundle: Bundle | Obj): Array<Bundle | Obj> {
  const b = bundle as Obj;
  if (!Array.isArray(b.entry)) return [bundle];
  const entries = b.entry as unknown[];
  const at = entries.findIndex((e) => isObj(e) && isObj(e.resource) && e.resource.resourceType === 'Claim');
  if (at < 0) return [bundle];
  const entry = entries[at] as Obj;
  const claim = entry.resource as Obj;
  const dx = Array.isArray(claim.diagnosis) ? (claim.diagnosis as unknown[]) : [];
  if (dx.length < 2) return [bundle];
  return dx.map((d) => {
    const copy = entries.slice();
    copy[at] = { ...entry, resource: { ...claim, diagnosis: [d] } };
    return { ...b, entry: copy };
  });
}
