import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Claim, Coverage, Encounter, Organization, Patient, Practitioner, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { OTHER_EXTENSION, PAS_EXTENSION, PAS_PROFILE, SYSTEM } from '../pas/constants.js';
import { adaptRequestBundle, type PasVersion } from '../pas/versions.js';
import type { TransactionSet } from '../x12/index.js';
import { copy } from './path.js';
import { ROLE } from './table.js';

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
function stableUuids(seed: string): (n: number) => string {
  const h = createHash('sha1').update(seed).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  const head = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 28)}`;
  const tail = parseInt(x.slice(28, 32), 16);
  return (n) => head + ((tail ^ n) & 0xffff).toString(16).padStart(4, '0');
}

/** An event provider (2010EA): its Claim.careTeam fields and the Practitioner or Organization it names. */
export interface Provider {
  readonly careTeam: Obj;
  readonly resource: Obj;
}

export interface Read {
  readonly roles: Array<Obj | null>;
  readonly items: Obj[];
  readonly services: ReadonlyMap<Obj, Obj>;
  readonly providers: readonly Provider[];
  readonly sawDependent: boolean;
}

/** The resources read from one transaction -> a PAS Request Bundle (fullUrls, references, profiles, what PAS requires). */
export function assemble(tx: TransactionSet, { roles, items, services, providers, sawDependent }: Read, pasVersion: PasVersion): Bundle {
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
  const insurer = { ...role(ROLE.Insurer), resourceType: 'Organization', id: insurerId.id, meta: { profile: [PAS_PROFILE.insurer] }, active: true } as Organization;
  const req = role(ROLE.Requester);
  const requesterIsPerson = req.resourceType === 'Practitioner';
  const requester = requesterIsPerson
    ? ({ ...req, resourceType: 'Practitioner', id: requesterId.id, meta: { profile: [PAS_PROFILE.practitioner] } } as Practitioner)
    : ({ ...req, resourceType: 'Organization', id: requesterId.id, meta: { profile: [PAS_PROFILE.requestor] }, active: true } as Organization);
  // A person requester: its contact numbers belong to the role it acts in (PractitionerRole pd-1 asks for them there).
  // So do the specialty (PRV taxonomy) it acts in; without PER its telecom is data-absent (pd-1), not guessed.
  let practitionerRole: PractitionerRole | null = null;
  if (requesterIsPerson) {
    const { telecom, specialty } = requester as unknown as Obj;
    delete (requester as unknown as Obj).telecom;
    delete (requester as unknown as Obj).specialty;
    practitionerRole = {
      resourceType: 'PractitionerRole',
      id: roleId.id,
      meta: { profile: [PAS_PROFILE.practitionerRole] },
      practitioner: { reference: requesterId.ref },
      ...(specialty !== undefined ? { specialty: specialty as PractitionerRole['specialty'] } : {}),
      telecom: (telecom as PractitionerRole['telecom']) ?? [{ _system: absentOf(), _value: absentOf() } as NonNullable<PractitionerRole['telecom']>[number]],
    };
  }
  const subscriber = {
    ...role(ROLE.Subscriber),
    resourceType: 'Patient',
    id: subscriberId.id,
    meta: { profile: [sawDependent ? PAS_PROFILE.subscriber : PAS_PROFILE.beneficiary] },
  } as Patient;
  // PAS (US Core) patients need a gender and an identifier that a 278 may not give: a missing
  // gender is marked data-absent (not guessed); a dependent, who has no id of its own in 5010,
  // is identified by the coverage's member id (how the payer finds the dependent's coverage).
  const absentGender = (p: Obj): void => {
    if (p.gender === undefined) p._gender = { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };
  };
  absentGender(subscriber as unknown as Obj);
  const dependent = sawDependent ? ({ ...role(ROLE.Dependent), resourceType: 'Patient', id: dependentId.id, meta: { profile: [PAS_PROFILE.beneficiary] } } as Patient) : null;
  if (dependent !== null) {
    absentGender(dependent as unknown as Obj);
    const member = (role(ROLE.Subscriber).identifier as unknown[] | undefined) ?? [];
    if (dependent.identifier === undefined && member.length > 0) dependent.identifier = copy(member) as Patient['identifier'];
  }
  const cov = role(ROLE.Coverage);
  const coverage = {
    ...cov,
    resourceType: 'Coverage',
    id: coverageId.id,
    meta: { profile: [PAS_PROFILE.coverage] },
    status: 'active',
    subscriber: { reference: subscriberId.ref },
    beneficiary: { reference: patientId.ref },
    relationship: cov.relationship ?? { coding: [{ system: SYSTEM.subscriberRelationship, code: 'self' }] },
    payor: [{ reference: insurerId.ref }],
  } as Coverage;

  const claimRaw = role(ROLE.Claim);
  const institutional = items.some((it) => it.revenue !== undefined);
  const absent = absentOf;
  // Event providers: claim-scope care team members (a person through a PractitionerRole, as PAS asks).
  let next = 8;
  const extra: Array<[{ ref: string }, Resource]> = [];
  const careTeam = providers.map((p, i): Obj => {
    const resId = entryOf(next++);
    let ref = resId.ref;
    if (p.resource.resourceType === 'Practitioner') {
      const { telecom, ...person } = p.resource;
      const prId = entryOf(next++);
      extra.push([resId, { ...person, resourceType: 'Practitioner', id: resId.id, meta: { profile: [PAS_PROFILE.practitioner] } } as Practitioner]);
      extra.push([
        prId,
        {
          resourceType: 'PractitionerRole',
          id: prId.id,
          meta: { profile: [PAS_PROFILE.practitionerRole] },
          practitioner: { reference: resId.ref },
          // pd-1 asks for contact information; a 2010EA without PER gives none: marked data-absent, not guessed.
          telecom: telecom ?? [{ _system: absent(), _value: absent() }],
        } as PractitionerRole,
      ]);
      ref = prId.ref;
    } else {
      extra.push([resId, { ...p.resource, resourceType: 'Organization', id: resId.id, meta: { profile: [PAS_PROFILE.organization] }, active: true } as Organization]);
    }
    return { extension: [{ url: PAS_EXTENSION.careTeamClaimScope, valueBoolean: true }], sequence: i + 1, provider: { reference: ref }, ...p.careTeam };
  });
  items.forEach((it, i) => {
    it.sequence = i + 1;
    // A service without a procedure code is the service type it asks for (as the PAS examples do).
    if (it.productOrService === undefined && it.category !== undefined) it.productOrService = copy(it.category);
    // PAS requires a service type and a service per item; a 278 with no UM03 anywhere (the guide's
    // home-health example) gives no type, and with no SV1/SV2 either, no service: data-absent, not guessed.
    if (it.productOrService === undefined) it.productOrService = absent();
    if (it.category === undefined) it.category = absent();
    // Claim-scope providers take part in every item (as the PAS referral example lists them).
    if (careTeam.length > 0) it.careTeamSequence = careTeam.map((c) => c.sequence);
    // The quantity and timing it asks for (HSD): a ServiceRequest named by extension-requestedService.
    const svc = services.get(it);
    if (svc !== undefined && Object.keys(svc).length > 0) {
      const srId = entryOf(next++);
      extra.push([
        srId,
        {
          resourceType: 'ServiceRequest',
          id: srId.id,
          meta: { profile: [PAS_PROFILE.serviceRequest] },
          status: 'active',
          intent: 'order',
          ...(it.productOrService !== undefined ? { code: copy(it.productOrService) } : {}),
          subject: { reference: patientId.ref },
          ...svc,
        } as unknown as ServiceRequest,
      ]);
      it.extension = [...((it.extension as Obj[] | undefined) ?? []), { url: PAS_EXTENSION.requestedService, valueReference: { reference: srId.ref } }];
    }
  });
  // CL1: the admission as a PASEncounter, named by the R5 Claim.encounter extension.
  const enc = role(ROLE.Encounter);
  let encounterRef: string | null = null;
  if (Object.keys(enc).length > 0) {
    const encId = entryOf(next++);
    encounterRef = encId.ref;
    extra.push([
      encId,
      {
        resourceType: 'Encounter',
        id: encId.id,
        meta: { profile: [PAS_PROFILE.encounter] },
        ...enc,
        status: 'planned',
        // A 278 does not say the encounter class: marked data-absent, not guessed.
        class: { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] },
        subject: { reference: patientId.ref },
      } as unknown as Encounter,
    ]);
  }
  const ext = (claimRaw.extension as Obj[] | undefined) ?? [];
  {
    // Built for 2.2.1; adaptRequestBundle (src/pas/versions.ts) drops it for 2.0.1, which has no place for it.
    const sub: Obj[] = [];
    const add = (url: string, v: string): void => {
      if (v !== '') sub.push({ url, valueString: v });
    };
    add('applicationSenderCode', tx.group?.sender ?? '');
    add('applicationReceiverCode', tx.group?.receiver ?? '');
    add('interchangeSenderID', ic.sender);
    add('interchangeReceiverID', ic.receiver);
    ext.push({ url: PAS_EXTENSION.transmissionIdentifiers, extension: sub });
  }
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
  const claim = {
    resourceType: 'Claim',
    id: claimId.id,
    meta: { profile: [PAS_PROFILE.claim] },
    ...(ext.length > 0 ? { extension: ext } : {}),
    ...claimRaw,
    status: 'active',
    type: { coding: [{ system: SYSTEM.claimType, code: institutional ? 'institutional' : 'professional' }] },
    use: 'preauthorization',
    patient: { reference: patientId.ref },
    insurer: { reference: insurerId.ref },
    provider: { reference: practitionerRole !== null ? roleId.ref : requesterId.ref },
    priority: { coding: [{ system: SYSTEM.processPriority, code: 'normal' }] },
    ...(careTeam.length > 0 ? { careTeam } : {}),
    insurance: [{ sequence: 1, focal: true, coverage: { reference: coverageId.ref } }],
    item: items,
  } as unknown as Claim;
  if (ext.length > 0) (claim as unknown as Obj).extension = ext;

  const entries: Array<[{ ref: string }, Resource]> = [[claimId, claim]];
  if (dependent !== null) entries.push([dependentId, dependent]);
  entries.push([subscriberId, subscriber], [coverageId, coverage], [insurerId, insurer], [requesterId, requester]);
  if (practitionerRole !== null) entries.push([roleId, practitionerRole]);
  entries.push(...extra);
  const bundle = {
    resourceType: 'Bundle',
    id: entryOf(0).id,
    meta: { profile: [PAS_PROFILE.requestBundle] },
    ...bundleRaw,
    type: 'collection',
    entry: entries.map(([e, resource]): BundleEntry => ({ fullUrl: e.ref, resource })),
  } as Bundle;
  return adaptRequestBundle(bundle, pasVersion);
}
