// Oracle: src/mapping/response/parties.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The parties of a response bundle, from what the rows read: the UMO (PASInsurer), the patient(s)
 * (the dependent is the beneficiary when there is one, identified by the subscriber's member id),
 * and the requester (PASRequestor, or a PASPractitioner with the PractitionerRole it acts in,
 * which holds its specialty and, data-absent when the 278 gives none, its telecom).
 */
import { OTHER_EXTENSION, PAS_PROFILE } from '../../../../src/pas/constants.js';
import { copy } from '../engine/path.js';
import { ROLE } from '../../../../src/mapping/engine/table.js';

type Obj = Record<string, unknown>;

interface EntryId {
  readonly id: string;
  readonly ref: string;
}

export interface ResponseParties {
  readonly insurer: Obj;
  readonly subscriber: Obj;
  readonly dependent: Obj | null;
  readonly requester: Obj;
  /** The requester's PractitionerRole when the requester is a person (ClaimResponse.requestor names it). */
  readonly practitionerRole: Obj | null;
}

const absent = (): Obj => ({ extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] });

/** The party resources, with their ids and profiles. */
export function responseParties(roles: ReadonlyArray<Obj | null>, ids: { insurer: EntryId; requester: EntryId; role: EntryId; subscriber: EntryId; dependent: EntryId }, sawDependent: boolean): ResponseParties {
  const role = (i: number): Obj => roles[i] ?? {};
  const insurer: Obj = { resourceType: 'Organization', id: ids.insurer.id, meta: { profile: [PAS_PROFILE.insurer] }, ...role(ROLE.Insurer), active: true };
  const absentGender = (p: Obj): void => {
    if (p.gender === undefined) p._gender = absent();
  };
  const subscriber: Obj = { resourceType: 'Patient', id: ids.subscriber.id, meta: { profile: [sawDependent ? PAS_PROFILE.subscriber : PAS_PROFILE.beneficiary] }, ...role(ROLE.Subscriber) };
  absentGender(subscriber);
  let dependent: Obj | null = null;
  if (sawDependent) {
    dependent = { resourceType: 'Patient', id: ids.dependent.id, meta: { profile: [PAS_PROFILE.beneficiary] }, ...role(ROLE.Dependent) };
    absentGender(dependent);
    // A dependent has no id of its own in 5010: identified by the subscriber's member id, as in the request.
    if (dependent.identifier === undefined && Array.isArray(subscriber.identifier)) dependent.identifier = copy(subscriber.identifier);
  }
  const reqRaw = role(ROLE.Requester);
  let requester: Obj;
  let practitionerRole: Obj | null = null;
  if (reqRaw.resourceType === 'Practitioner') {
    const { telecom, specialty, ...rest } = reqRaw;
    requester = { resourceType: 'Practitioner', id: ids.requester.id, meta: { profile: [PAS_PROFILE.practitioner] }, ...rest };
    practitionerRole = { resourceType: 'PractitionerRole', id: ids.role.id, meta: { profile: [PAS_PROFILE.practitionerRole] }, practitioner: { reference: ids.requester.ref } };
    if (specialty !== undefined) practitionerRole.specialty = specialty;
    practitionerRole.telecom = telecom ?? [{ _system: absent(), _value: absent() }];
  } else {
    requester = { resourceType: 'Organization', id: ids.requester.id, meta: { profile: [PAS_PROFILE.requestor] }, ...reqRaw, active: true };
  }

  return { insurer, subscriber, dependent, requester, practitionerRole };
}
