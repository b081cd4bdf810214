// Oracle: src/mapping/request/assemble.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import { hash } from 'node:crypto';
import { bundleMeta } from '../../../../src/mapping/engine/usage-tag.js';
import type { Bundle, BundleEntry, Claim, Resource } from '@medplum/fhirtypes';
import { OTHER_EXTENSION, PAS_EXTENSION, PAS_PROFILE, SYSTEM } from '../../../../src/pas/constants.js';
import { adaptRequestBundle, type PasVersion } from '../../../../src/pas/versions.js';
import type { TransactionSet } from '../../../../src/x12/index.js';
import { claimTypeOf } from '../../../../src/mapping/request/claim-type.js';
import { copy } from '../engine/path.js';
import { asKind, readKind } from '../../../../src/mapping/request/requested-kind.js';
import { ROLE } from '../../../../src/mapping/engine/table.js';

type Obj = Record<string, unknown>;

/** `Claim.identifier.system` of a request without a 2000E TRN: this prefix + ISA06 (the value is BHT03). */
export const SUBMITTER_REFERENCE_SYSTEM = 'urn:x12pas:bht03:';

/** A data-absent-reason `unknown` marker, for what PAS requires and the 278 does not give. */
const absentOf = (): Obj => ({ extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] });

/**
 * UUIDs (version 5 layout) from one SHA-1 of the transaction's identity (ISA06, ISA13, GS06,
 * ST02): the same transaction gives the same ids. Entry `n` differs from the base in its last byte
 * pair, so one hash serves every entry of the bundle.
 */
export function stableUuids(seed: string): (n: number) => string {
  // One-shot hash, worked on as hex: byte 6's high nibble is the version (5), byte 8's top bits the variant (10).
  const x = hash('sha1', seed, 'hex');
  const variant = ((parseInt(x[16]!, 16) & 0x3) | 0x8).toString(16);
  const head = `${x.slice(0, 8)}-${x.slice(8, 12)}-5${x.slice(13, 16)}-${variant}${x.slice(17, 20)}-${x.slice(20, 28)}`;
  const tail = parseInt(x.slice(28, 32), 16);
  return (n) => head + ((tail ^ n) & 0xffff).toString(16).padStart(4, '0');
}

/**
 * Copies the own fields of `from` into `to`, in order: what `{ ...to, ...from }` would hold, without
 * the generic spread (slow when it does not start the literal). `skip` names a field left out.
 */
function put(to: Obj, from: Obj, skip1?: string, skip2?: string): Obj {
  for (const k in from) if (k !== skip1 && k !== skip2) to[k] = from[k];
  return to;
}

function hasFields(o: Obj): boolean {
  for (const _ in o) return true;
  return false;
}

/** extension-TransmissionIdentifiers of a transaction set: GS02/GS03 and ISA06/ISA08 (those it has). */
export function transmissionIdentifiers(tx: TransactionSet): Obj {
  const ic = tx.interchange;
  const sub: Obj[] = [];
  const add = (url: string, v: string): void => {
    if (v !== '') sub.push({ url, valueString: v });
  };
  add('applicationSenderCode', tx.group?.sender ?? '');
  add('applicationReceiverCode', tx.group?.receiver ?? '');
  add('interchangeSenderID', ic.sender);
  add('interchangeReceiverID', ic.receiver);
  return { url: PAS_EXTENSION.transmissionIdentifiers, extension: sub };
}

/** What a 278 asks: a review (X217 request -> PAS Request Bundle) or the status of existing ones (X215 inquiry -> PAS Inquiry Request Bundle). */
export type RequestKind = 'request' | 'inquiry';

/** A provider (2010EA, or 2010F of `item`): its Claim.careTeam fields and the Practitioner or Organization it names. */
export interface Provider {
  readonly careTeam: Obj;
  readonly resource: Obj;
  /** A service provider's (2010F) item: the member is scoped to it (PAS ItemClaimMember). */
  readonly item?: Obj;
}

export interface Read {
  readonly roles: Array<Obj | null>;
  readonly items: Obj[];
  readonly services: ReadonlyMap<Obj, Obj>;
  readonly providers: readonly Provider[];
  readonly sawDependent: boolean;
  /** The service segments the 2000F levels used (SV1 professional, SV2 institutional, SV3 dental): they decide Claim.type. */
  readonly serviceSegments?: ReadonlySet<string>;
}

/**
 * The resources read from one transaction -> a PAS Request Bundle (fullUrls, references, profiles, what PAS requires).
 * The role objects are this transaction's own: most become their resource in place (new fields
 * appended, a field already there kept where it stands, as a spread would).
 */
export function assemble(tx: TransactionSet, { roles, items, services, providers, sawDependent, serviceSegments }: Read, pasVersion: PasVersion, kind: RequestKind = 'request'): Bundle {
  const ic = tx.interchange;
  const uuid = stableUuids(`${ic.sender}|${ic.control}|${tx.group?.control ?? ''}|${tx.control}`);
  const entryOf = (n: number): { id: string; ref: string } => {
    const id = uuid(n);
    return { id, ref: `urn:uuid:${id}` };
  };
  const role = (i: number): Obj => roles[i] ?? {};

  const claimId = entryOf(1);
  const insurerId = entryOf(2);
  const requesterId = entryOf(3);
  const roleId = entryOf(4);
  const subscriberId = entryOf(5);
  const dependentId = entryOf(6);
  const coverageId = entryOf(7);
  const patientId = sawDependent ? dependentId : subscriberId;

  // active: PASInsurer and PASRequestor require it; a 278 names only organizations in business.
  const insurer = role(ROLE.Insurer);
  insurer.resourceType = 'Organization';
  insurer.id = insurerId.id;
  insurer.meta = { profile: [PAS_PROFILE.insurer] };
  insurer.active = true;
  const req = role(ROLE.Requester);
  const requesterIsPerson = req.resourceType === 'Practitioner';
  let requester: Obj;
  // A person requester: its contact numbers belong to the role it acts in (PractitionerRole pd-1 asks for them there).
  // So do the specialty (PRV taxonomy) it acts in; without PER its telecom is data-absent (pd-1), not guessed.
  let practitionerRole: Obj | null = null;
  if (requesterIsPerson) {
    requester = put({}, req, 'telecom', 'specialty');
    requester.resourceType = 'Practitioner';
    requester.id = requesterId.id;
    requester.meta = { profile: [PAS_PROFILE.practitioner] };
    const telecom = req.telecom;
    const specialty = req.specialty;
    practitionerRole = {
      resourceType: 'PractitionerRole',
      id: roleId.id,
      meta: { profile: [PAS_PROFILE.practitionerRole] },
      practitioner: { reference: requesterId.ref },
    };
    if (specialty !== undefined) practitionerRole.specialty = specialty;
    practitionerRole.telecom = telecom ?? [{ _system: absentOf(), _value: absentOf() }];
  } else {
    requester = req;
    requester.resourceType = 'Organization';
    requester.id = requesterId.id;
    requester.meta = { profile: [PAS_PROFILE.requestor] };
    requester.active = true;
  }
  const subscriber = role(ROLE.Subscriber);
  subscriber.resourceType = 'Patient';
  subscriber.id = subscriberId.id;
  subscriber.meta = { profile: [sawDependent ? PAS_PROFILE.subscriber : PAS_PROFILE.beneficiary] };
  // PAS (US Core) patients need a gender and an identifier that a 278 may not give: a missing
  // gender is marked data-absent (not guessed); a dependent, who has no id of its own in 5010,
  // is identified by the coverage's member id (how the payer finds the dependent's coverage).
  const absentGender = (p: Obj): void => {
    if (p.gender === undefined) p._gender = { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };
  };
  absentGender(subscriber);
  let dependent: Obj | null = null;
  if (sawDependent) {
    dependent = role(ROLE.Dependent);
    dependent.resourceType = 'Patient';
    dependent.id = dependentId.id;
    dependent.meta = { profile: [PAS_PROFILE.beneficiary] };
    absentGender(dependent);
    const member = (subscriber.identifier as unknown[] | undefined) ?? [];
    if (dependent.identifier === undefined && member.length > 0) dependent.identifier = copy(member);
  }
  const coverage = role(ROLE.Coverage);
  coverage.resourceType = 'Coverage';
  coverage.id = coverageId.id;
  coverage.meta = { profile: [PAS_PROFILE.coverage] };
  coverage.status = 'active';
  coverage.subscriber = { reference: subscriberId.ref };
  coverage.beneficiary = { reference: patientId.ref };
  coverage.relationship = coverage.relationship ?? { coding: [{ system: SYSTEM.subscriberRelationship, code: 'self' }] };
  coverage.payor = [{ reference: insurerId.ref }];

  const claimRaw = role(ROLE.Claim);

  const absent = absentOf;
  // Event providers: claim-scope care team members (a person through a PractitionerRole, as PAS asks).
  let next = 8;
  const extra: Array<[{ ref: string }, Obj]> = [];
  const careTeam: Obj[] = [];
  /** Claim-scope members (2010EA): every item names them. */
  const claimScope: number[] = [];
  /** Item-scoped members (2010F): each item's own, in order; the same member read under several items is one entry. */
  const itemScope = new Map<Obj, number[]>();
  const seen = new Map<string, number>();
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i]!;
    const sequence = careTeam.length + 1;
    if (p.item !== undefined) {
      const same = JSON.stringify([p.careTeam, p.resource]);
      const before = seen.get(same);
      const own = itemScope.get(p.item) ?? [];
      itemScope.set(p.item, own);
      if (before !== undefined) {
        if (!own.includes(before)) own.push(before);
        continue;
      }
      seen.set(same, sequence);
      own.push(sequence);
    } else claimScope.push(sequence);
    const resId = entryOf(next++);
    let ref = resId.ref;
    const res = p.resource;
    if (res.resourceType === 'Practitioner') {
      const telecom = res.telecom;
      const person = put({}, res, 'telecom');
      person.resourceType = 'Practitioner';
      person.id = resId.id;
      person.meta = { profile: [PAS_PROFILE.practitioner] };
      extra.push([resId, person]);
      const prId = entryOf(next++);
      extra.push([
        prId,
        {
          resourceType: 'PractitionerRole',
          id: prId.id,
          meta: { profile: [PAS_PROFILE.practitionerRole] },
          practitioner: { reference: resId.ref },
          // pd-1 asks for contact information; a 2010EA without PER gives none: marked data-absent, not guessed.
          telecom: telecom ?? [{ _system: absent(), _value: absent() }],
        },
      ]);
      ref = prId.ref;
    } else {
      const org = res as Obj;
      org.resourceType = 'Organization';
      org.id = resId.id;
      org.meta = { profile: [PAS_PROFILE.organization] };
      org.active = true;
      extra.push([resId, org]);
    }
    careTeam.push(put({ extension: [{ url: PAS_EXTENSION.careTeamClaimScope, valueBoolean: p.item === undefined }], sequence, provider: { reference: ref } }, p.careTeam));
  }
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    it.sequence = i + 1;
    // A service without a procedure code is the service type it asks for (as the PAS examples do).
    if (it.productOrService === undefined && it.category !== undefined) it.productOrService = copy(it.category);
    // PAS requires a service type and a service per item; a 278 with no UM03 anywhere (the guide's
    // home-health example) gives no type, and with no SV1/SV2 either, no service: data-absent, not guessed.
    if (it.productOrService === undefined) it.productOrService = absent();
    if (it.category === undefined) it.category = absent();
    // Claim-scope providers take part in every item (as the PAS referral example lists them).
    // Item-scoped ones (2010F) only in the items whose 2000F holds them.
    const team = [...claimScope, ...(itemScope.get(it) ?? [])];
    if (team.length > 0) it.careTeamSequence = team;
    // The quantity and timing it asks for (HSD): a ServiceRequest named by extension-requestedService.
    const svc = services.get(it);
    if (svc !== undefined && hasFields(svc)) {
      const srId = entryOf(next++);
      const sr: Obj = {
        resourceType: 'ServiceRequest',
        id: srId.id,
        meta: { profile: [PAS_PROFILE.serviceRequest] },
        status: 'active',
        intent: 'order',
      };
      if (it.productOrService !== undefined) sr.code = copy(it.productOrService);
      sr.subject = { reference: patientId.ref };
      // The kind the 278's code stands for (a drug's NDC: a MedicationRequest; DME: a DeviceRequest).
      const claimFields = { provider: { reference: practitionerRole !== null ? roleId.ref : requesterId.ref }, created: claimRaw.created };
      extra.push([srId, asKind(put(sr, svc), readKind(it.productOrService, typeof svc.quantityQuantity === 'object' && svc.quantityQuantity !== null), claimFields)]);
      it.extension = [...((it.extension as Obj[] | undefined) ?? []), { url: PAS_EXTENSION.requestedService, valueReference: { reference: srId.ref } }];
    }
  }
  // CL1: the admission as a PASEncounter, named by the R5 Claim.encounter extension.
  const enc = role(ROLE.Encounter);
  let encounterRef: string | null = null;
  if (hasFields(enc)) {
    const encId = entryOf(next++);
    encounterRef = encId.ref;
    const encounter = put({ resourceType: 'Encounter', id: encId.id, meta: { profile: [PAS_PROFILE.encounter] } }, enc);
    encounter.status = 'planned';
    // A 278 does not say the encounter class: marked data-absent, not guessed.
    encounter.class = { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };
    encounter.subject = { reference: patientId.ref };
    extra.push([encId, encounter]);
  }
  const ext = (claimRaw.extension as Obj[] | undefined) ?? [];
  // Built for 2.2.1; adaptRequestBundle (src/pas/versions.ts) drops it for 2.0.1, which has no place for it.
  ext.push(transmissionIdentifiers(tx));
  if (encounterRef !== null) ext.push({ url: OTHER_EXTENSION.claimEncounter, valueReference: { reference: encounterRef } });
  const seq = (a: unknown): void => {
    if (Array.isArray(a)) a.forEach((x: Obj, i) => (x.sequence = i + 1));
  };
  seq(claimRaw.diagnosis);
  seq(claimRaw.supportingInfo);
  // PAS requires a Claim.identifier (with a system): the 2000E TRN when the request has one;
  // otherwise the submitter's reference for the whole transaction (BHT03, also Bundle.identifier),
  // scoped by who assigned it (ISA06): `urn:x12pas:bht03:<ISA06>`. The writer tells the two apart
  // by the system (a TRN's is urn:trnorg:...) and writes no TRN for the second.
  const bundleRaw = role(ROLE.Bundle);
  const bht03 = (bundleRaw.identifier as Obj | undefined)?.value;
  if (claimRaw.identifier === undefined) claimRaw.identifier = [typeof bht03 === 'string' ? { system: `${SUBMITTER_REFERENCE_SYSTEM}${ic.sender}`, value: bht03 } : absent()];
  // The transmission identifiers make `ext` never empty: the Claim's extension comes right after meta.
  const claim = put({ resourceType: 'Claim', id: claimId.id, meta: { profile: [kind === 'inquiry' ? PAS_PROFILE.claimInquiry : PAS_PROFILE.claim] }, extension: ext }, claimRaw);
  claim.status = 'active';
  claim.type = { coding: [{ system: SYSTEM.claimType, code: claimTypeOf(serviceSegments, items) }] };
  claim.use = 'preauthorization';
  claim.patient = { reference: patientId.ref };
  claim.insurer = { reference: insurerId.ref };
  claim.provider = { reference: practitionerRole !== null ? roleId.ref : requesterId.ref };
  claim.priority = { coding: [{ system: SYSTEM.processPriority, code: 'normal' }] };
  if (careTeam.length > 0) claim.careTeam = careTeam;
  claim.insurance = [{ sequence: 1, focal: true, coverage: { reference: coverageId.ref } }];
  claim.item = items;
  claim.extension = ext;

  const entry: BundleEntry[] = [{ fullUrl: claimId.ref, resource: claim as unknown as Claim }];
  const add = (e: { ref: string }, resource: Obj): void => {
    entry.push({ fullUrl: e.ref, resource: resource as unknown as Resource });
  };
  if (dependent !== null) add(dependentId, dependent);
  add(subscriberId, subscriber);
  add(coverageId, coverage);
  add(insurerId, insurer);
  add(requesterId, requester);
  if (practitionerRole !== null) add(roleId, practitionerRole);
  for (let i = 0; i < extra.length; i++) add(extra[i]![0], extra[i]![1]);
  const bundle = put({ resourceType: 'Bundle', id: entryOf(0).id, meta: bundleMeta(kind === 'inquiry' ? PAS_PROFILE.inquiryRequestBundle : PAS_PROFILE.requestBundle, tx.interchange.usage) }, bundleRaw);
  bundle.type = 'collection';
  bundle.entry = entry;
  return adaptRequestBundle(bundle as unknown as Bundle, pasVersion);
}
