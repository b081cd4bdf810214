/**
 * Golden values of the three request samples (PAS 2.2.1), each checked by hand against the
 * sample's X12 and ../shared/docs/domain.md. No snapshot file: every value is written out here,
 * with the X12 place it comes from. Which places have no row yet is left to request.test.ts (the
 * tables grow); here only that nothing was refused.
 */
import type { Bundle, Claim, ClaimItem, Coverage, Encounter, Extension, Organization, Patient, Practitioner, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { sample } from './support.js';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
const TEMP = 'http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes';
const X12 = 'https://codesystem.x12.org/005010/';
const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const ABSENT = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
const SCOPE = { url: `${PAS}extension-careTeamClaimScope`, valueBoolean: true };

interface Golden {
  bundle: Bundle;
  claim: Claim;
  get: <T extends Resource>(ref: string | undefined) => T;
}

/** The sample converted, its bundle's shape checked (see `shape`). */
function convert(name: string): Golden {
  const r = requestToBundle(sample(name), { pasVersion: '2.2.1' });
  expect(r.bundle).not.toBeNull();
  // Nothing refused by a codec, no error; unread places are request.test.ts's business.
  expect(r.findings.filter((f) => f.severity === 'error' || f.code === 'INVALID_VALUE')).toEqual([]);
  const bundle = r.bundle!;
  const get = <T extends Resource>(ref: string | undefined): T => {
    const e = bundle.entry?.find((x) => x.fullUrl === ref);
    if (e?.resource === undefined) throw new Error(`reference ${ref} does not resolve inside the bundle`);
    return e.resource as T;
  };
  const g = { bundle, claim: bundle.entry![0]!.resource as Claim, get };
  shape(g);
  return g;
}

const ext = (x: { extension?: Extension[] } | undefined, name: string): Extension | undefined => x?.extension?.find((e) => e.url === PAS + name);
const code = (x: { extension?: Extension[] } | undefined, name: string): unknown => ext(x, name)?.valueCodeableConcept?.coding;
const requested = (g: Golden, item: ClaimItem): ServiceRequest | undefined => {
  const ref = ext(item, 'extension-requestedService')?.valueReference?.reference;
  return ref === undefined ? undefined : g.get<ServiceRequest>(ref);
};

/** Every `reference` anywhere in the value. */
function references(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) references(v, out);
  else if (typeof x === 'object' && x !== null) for (const [k, v] of Object.entries(x)) k === 'reference' && typeof v === 'string' ? out.push(v) : references(v, out);
  return out;
}

/** Claim first, every fullUrl a urn:uuid (unique), every reference resolved inside the bundle. */
function shape(g: Golden): void {
  expect(g.bundle.resourceType).toBe('Bundle');
  expect(g.bundle.type).toBe('collection');
  expect(g.bundle.entry?.[0]?.resource?.resourceType).toBe('Claim');
  const urls = g.bundle.entry!.map((e) => e.fullUrl);
  for (const u of urls) expect(u).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(new Set(urls).size).toBe(urls.length);
  const refs = references(g.bundle);
  expect(refs.length).toBeGreaterThan(0);
  for (const r of refs) expect(urls).toContain(r);
}

/** ISA06/ISA08, GS02/GS03 -> Claim extension-TransmissionIdentifiers (2.2.1). */
function transmission(claim: Claim): unknown {
  return ext(claim, 'extension-TransmissionIdentifiers')?.extension?.map((e) => [e.url, e.valueString]);
}

/** The TransmissionIdentifiers of a sample, whose GS02/GS03 repeat its ISA06/ISA08. */
const senders = (isa06: string, isa08: string): string[][] => [
  ['applicationSenderCode', isa06],
  ['applicationReceiverCode', isa08],
  ['interchangeSenderID', isa06],
  ['interchangeReceiverID', isa08],
];

const typeCode = (d: { type?: Array<{ coding?: Array<{ code?: string }> }> }): string | undefined => d.type?.[0]?.coding?.[0]?.code;

describe('golden values of the samples (PAS 2.2.1)', () => {
  it('referral-request: a person requester, no 2000F (the event is the one item), one event provider', () => {
    const g = convert('referral-request');
    const { bundle, claim, get } = g;

    // BHT*0007*13*CLN20261123A1*20261123*0930: BHT03 -> Bundle.identifier; BHT04+BHT05 -> Bundle.timestamp and Claim.created (Z, seconds 00).
    expect(bundle.identifier).toEqual({ value: 'CLN20261123A1' });
    expect(bundle.timestamp).toBe('2026-11-23T09:30:00Z');
    expect(claim.created).toBe('2026-11-23T09:30:00Z');
    // ISA06 CLINICSUBMIT01 / ISA08 ACMEHEALTH, GS02 / GS03 the same -> Claim extension-TransmissionIdentifiers.
    expect(transmission(claim)).toEqual(senders('CLINICSUBMIT01', 'ACMEHEALTH'));

    // The claim itself: a prior authorization; no SV2 anywhere -> professional.
    expect([claim.status, claim.use, claim.type.coding]).toEqual(['active', 'preauthorization', [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }]]);
    // 2000E TRN*1*REF2026112301*1578902342: TRN02 value, TRN03 in the urn:trnorg system.
    expect(claim.identifier).toEqual([{ system: 'urn:trnorg:1578902342', value: 'REF2026112301' }]);

    // 2000E HI*ABK:M5416*ABF:G8929: dotted ICD-10-CM, ABK principal, ABF no type, sequence in X12 order.
    expect(claim.diagnosis?.map((d) => [d.sequence, d.diagnosisCodeableConcept?.coding, typeCode(d)])).toEqual([
      [1, [{ system: ICD10, code: 'M54.16' }], 'principal'],
      [2, [{ system: ICD10, code: 'G89.29' }], undefined],
    ]);
    expect(claim.diagnosis?.[0]?.type?.[0]?.coding?.[0]?.system).toBe(TEMP);

    // 2000E DTP*AAH*RD8*20261201-20270131 -> supportingInfo[patientEvent].timingPeriod.
    expect(claim.supportingInfo).toEqual([{ sequence: 1, category: { coding: [{ system: TEMP, code: 'patientEvent' }] }, timingPeriod: { start: '2026-12-01', end: '2027-01-31' } }]);

    // 2000E UM*SC*I*3*11:B with no 2000F: one item; UM01 request type, UM02 certification type, UM03 category (and
    // productOrService, as there is no procedure code), UM04 11:B place of service.
    expect(claim.item).toHaveLength(1);
    const item = claim.item![0]!;
    expect(item.sequence).toBe(1);
    expect(code(item, 'extension-serviceItemRequestType')).toEqual([{ system: `${X12}1525`, code: 'SC' }]);
    expect(code(item, 'extension-certificationType')).toEqual([{ system: `${X12}1322`, code: 'I' }]);
    expect(item.category).toEqual({ coding: [{ system: `${X12}1365`, code: '3' }] });
    expect(item.productOrService).toEqual({ coding: [{ system: `${X12}1365`, code: '3' }] });
    expect(item.locationCodeableConcept).toEqual({ coding: [{ system: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', code: '11' }] });
    expect([item.modifier, item.quantity, item.net, item.servicedDate, item.servicedPeriod, item.revenue]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(ext(item, 'extension-itemTraceNumber')).toBeUndefined(); // no 2000F TRN
    // 2000E HSD*VS*6: six visits, on the item's ServiceRequest (code = the item's productOrService, subject = the patient).
    const sr = requested(g, item)!;
    expect([sr.resourceType, sr.status, sr.intent, sr.code, sr.subject.reference]).toEqual(['ServiceRequest', 'active', 'order', item.productOrService, claim.patient.reference]);
    expect(sr.quantityQuantity).toEqual({ system: `${X12}673`, code: 'VS', value: 6 });
    expect(sr.occurrenceTiming).toBeUndefined();

    // 2010A NM1*X3*2*ACME HEALTH PLAN*****PI*60054 -> Claim.insurer (NM103 name, NM109 payer id typed NIIP).
    const insurer = get<Organization>(claim.insurer?.reference);
    expect([insurer.resourceType, insurer.name, insurer.active]).toEqual(['Organization', 'ACME HEALTH PLAN', true]);
    expect(insurer.identifier).toEqual([{ type: { coding: [{ system: V2, code: 'NIIP' }] }, value: '60054' }]);

    // 2010B NM1*1P*1*RIVERA*ANA*M***XX*1578902342: a person -> Claim.provider is a PractitionerRole naming the
    // Practitioner (NM103 family, NM104+NM105 given, NM109 NPI); PER*IC*FRONT DESK*TE*5035550142 -> the role's telecom.
    const role = get<PractitionerRole>(claim.provider.reference);
    expect(role.resourceType).toBe('PractitionerRole');
    expect(role.telecom).toEqual([{ system: 'phone', value: '5035550142' }]);
    const requester = get<Practitioner>(role.practitioner?.reference);
    expect(requester.resourceType).toBe('Practitioner');
    expect(requester.name).toEqual([{ family: 'RIVERA', given: ['ANA', 'M'] }]);
    expect(requester.identifier).toEqual([{ system: NPI, value: '1578902342' }]);
    expect(requester.telecom).toBeUndefined();

    // 2010C NM1*IL*1*NGUYEN*TOM****MI*W123456789, DMG*D8*19790214*M: no 2000D, so the subscriber is the patient.
    const patient = get<Patient>(claim.patient.reference);
    expect(patient.name).toEqual([{ family: 'NGUYEN', given: ['TOM'] }]);
    expect([patient.birthDate, patient.gender]).toEqual(['1979-02-14', 'male']);
    expect(patient.identifier).toEqual([{ system: 'urn:x12pas:member-id', type: { coding: [{ system: V2, code: 'MB' }] }, value: 'W123456789' }]);
    // 2010C NM109 (MI) -> Coverage.identifier[memberId] (type MB); subscriber = beneficiary = the patient, relationship self; payor the UMO.
    expect(claim.insurance).toEqual([{ sequence: 1, focal: true, coverage: { reference: expect.stringMatching(/^urn:uuid:/) } }]);
    const coverage = get<Coverage>(claim.insurance[0]!.coverage.reference);
    expect(coverage.identifier).toEqual([{ type: { coding: [{ system: V2, code: 'MB' }] }, value: 'W123456789' }]);
    expect([coverage.status, coverage.subscriber?.reference, coverage.beneficiary.reference, coverage.payor]).toEqual(['active', claim.patient.reference, claim.patient.reference, [{ reference: claim.insurer?.reference }]]);
    expect(coverage.relationship?.coding).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }]);

    // 2010EA NM1*SJ*1*OKAFOR*LENA****XX*1093817462, PRV*SV*PXC*207X00000X -> careTeam 1 (claim scope, role SJ,
    // taxonomy), a PractitionerRole (no PER: data-absent telecom) naming the Practitioner; every item lists it.
    expect(claim.careTeam).toEqual([
      { extension: [SCOPE], sequence: 1, provider: { reference: expect.any(String) }, role: { coding: [{ system: `${X12}98`, code: 'SJ' }] }, qualification: { coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207X00000X' }] } },
    ]);
    const memberRole = get<PractitionerRole>(claim.careTeam![0]!.provider.reference);
    expect(memberRole.telecom).toEqual([{ _system: ABSENT, _value: ABSENT }]);
    const member = get<Practitioner>(memberRole.practitioner?.reference);
    expect([member.name, member.identifier]).toEqual([[{ family: 'OKAFOR', given: ['LENA'] }], [{ system: NPI, value: '1093817462' }]]);
    expect(item.careTeamSequence).toEqual([1]);

    // No CL1: no Encounter.
    expect(bundle.entry!.filter((e) => e.resource?.resourceType === 'Encounter')).toEqual([]);
  });

  it('admission-request: an organization requester with address and contact, CL1, one SV2 line', () => {
    const g = convert('admission-request');
    const { bundle, claim, get } = g;

    // BHT*0007*13*CLN20261123B7*20261123*0931.
    expect(bundle.identifier).toEqual({ value: 'CLN20261123B7' });
    expect([bundle.timestamp, claim.created]).toEqual(['2026-11-23T09:31:00Z', '2026-11-23T09:31:00Z']);
    // ISA06 RIVERSIDEGEN / ISA08 ACMEHEALTH, GS02 / GS03.
    expect(transmission(claim)).toEqual(senders('RIVERSIDEGEN', 'ACMEHEALTH'));

    // An SV2 line -> institutional.
    expect([claim.use, claim.type.coding?.[0]?.code]).toEqual(['preauthorization', 'institutional']);
    // 2000E TRN*1*ADM2026112302*1902847569.
    expect(claim.identifier).toEqual([{ system: 'urn:trnorg:1902847569', value: 'ADM2026112302' }]);
    // 2000E UM06 U -> Claim extension-levelOfServiceCode.
    expect(code(claim, 'extension-levelOfServiceCode')).toEqual([{ system: `${X12}1338`, code: 'U' }]);
    // 2000E HI*ABK:I214*ABF:E119*ABF:I10 (a three-character code keeps no dot).
    expect(claim.diagnosis?.map((d) => [d.sequence, d.diagnosisCodeableConcept?.coding?.[0]?.system, d.diagnosisCodeableConcept?.coding?.[0]?.code, typeCode(d)])).toEqual([
      [1, ICD10, 'I21.4', 'principal'],
      [2, ICD10, 'E11.9', undefined],
      [3, ICD10, 'I10', undefined],
    ]);
    // 2000E DTP*435*D8*20261130 -> supportingInfo[admissionDates].timingDate.
    expect(claim.supportingInfo).toEqual([{ sequence: 1, category: { coding: [{ system: TEMP, code: 'admissionDates' }] }, timingDate: '2026-11-30' }]);

    // One 2000F: one item. Its own UM*HS*I*2 (request type, certification type, category); the event's UM04 21:A
    // (facility type of the bill) gives the location the line lacks.
    expect(claim.item).toHaveLength(1);
    const item = claim.item![0]!;
    expect(item.sequence).toBe(1);
    expect(code(item, 'extension-serviceItemRequestType')).toEqual([{ system: `${X12}1525`, code: 'HS' }]);
    expect(code(item, 'extension-certificationType')).toEqual([{ system: `${X12}1322`, code: 'I' }]);
    expect(item.category).toEqual({ coding: [{ system: `${X12}1365`, code: '2' }] });
    expect(item.locationCodeableConcept).toEqual({ coding: [{ system: 'https://www.nubc.org/CodeSystem/TypeOfBill', code: '21' }] });
    // 2000F TRN*1*ADM2026112302-1*1902847569 -> item extension-itemTraceNumber.
    expect(ext(item, 'extension-itemTraceNumber')?.valueIdentifier).toEqual({ system: 'urn:trnorg:1902847569', value: 'ADM2026112302-1' });
    // 2000F DTP*472*RD8*20261130-20261203 -> servicedPeriod.
    expect([item.servicedPeriod, item.servicedDate]).toEqual([{ start: '2026-11-30', end: '2026-12-03' }, undefined]);
    // SV2*0120**3600*DA*4: SV201 revenue; no SV202 procedure, so productOrService is the category; SV203 the line's
    // charge -> net; SV204/SV205 -> quantity.
    expect(item.revenue).toEqual({ coding: [{ system: 'https://www.nubc.org/CodeSystem/RevenueCodes', code: '0120' }] });
    expect(item.productOrService).toEqual({ coding: [{ system: `${X12}1365`, code: '2' }] });
    expect(item.modifier).toBeUndefined();
    expect(item.net).toEqual({ currency: 'USD', value: 3600 });
    expect(item.unitPrice).toBeUndefined();
    expect(item.quantity).toEqual({ unit: 'DA', value: 4 });
    // 2000E HSD*DY*4: the line has no HSD of its own, so the event's gives its ServiceRequest: four days.
    const sr = requested(g, item)!;
    expect([sr.code, sr.subject.reference, sr.quantityQuantity]).toEqual([item.productOrService, claim.patient.reference, { system: `${X12}673`, code: 'DY', value: 4 }]);

    // 2010A: the same UMO as the referral.
    const insurer = get<Organization>(claim.insurer?.reference);
    expect([insurer.name, insurer.identifier?.[0]?.value]).toEqual(['ACME HEALTH PLAN', '60054']);

    // 2010B NM1*FA*2*RIVERSIDE GENERAL HOSPITAL*****XX*1902847569 -> an Organization as Claim.provider;
    // N3/N4 (ZIP+4 972011234 -> 97201-1234); PER*IC*UM OFFICE*TE*5035550199*FX*5035550198 -> contact, telecom.
    const org = get<Organization>(claim.provider.reference);
    expect([org.resourceType, org.name, org.active]).toEqual(['Organization', 'RIVERSIDE GENERAL HOSPITAL', true]);
    expect(org.meta?.profile).toEqual([`${PAS}profile-requestor`]);
    expect(org.identifier).toEqual([{ system: NPI, value: '1902847569' }]);
    expect(org.address).toEqual([{ line: ['1200 RIVER ROAD'], city: 'PORTLAND', state: 'OR', postalCode: '97201-1234' }]);
    expect(org.telecom).toEqual([
      { system: 'phone', value: '5035550199' },
      { system: 'fax', value: '5035550198' },
    ]);
    expect(org.contact).toEqual([{ name: { text: 'UM OFFICE' } }]);

    // 2010C NM1*IL*1*BAKER*SUSAN*J***MI*W987654321, DMG*D8*19620830*F.
    const patient = get<Patient>(claim.patient.reference);
    expect([patient.name, patient.birthDate, patient.gender]).toEqual([[{ family: 'BAKER', given: ['SUSAN', 'J'] }], '1962-08-30', 'female']);
    const coverage = get<Coverage>(claim.insurance[0]!.coverage.reference);
    expect([coverage.identifier?.[0]?.value, coverage.relationship?.coding?.[0]?.code, coverage.beneficiary.reference]).toEqual(['W987654321', 'self', claim.patient.reference]);

    // 2010EA NM1*71*1*PATEL*RAJ****XX*1366021842 (no PRV): the attending physician.
    expect(claim.careTeam?.map((c) => [c.extension, c.sequence, c.role?.coding, c.qualification])).toEqual([[[SCOPE], 1, [{ system: `${X12}98`, code: '71' }], undefined]]);
    const attending = get<Practitioner>(get<PractitionerRole>(claim.careTeam![0]!.provider.reference).practitioner?.reference);
    expect([attending.name, attending.identifier]).toEqual([[{ family: 'PATEL', given: ['RAJ'] }], [{ system: NPI, value: '1366021842' }]]);
    expect(item.careTeamSequence).toEqual([1]);

    // 2000E CL1*2*1 -> a PASEncounter named by Claim extension-Claim.encounter: CL101 admission type, CL102 source;
    // status planned, class data-absent (a 278 does not say), subject the patient.
    const encRef = claim.extension?.find((e) => e.url === 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Claim.encounter')?.valueReference?.reference;
    const enc = get<Encounter>(encRef);
    expect(enc.resourceType).toBe('Encounter');
    expect(enc.meta?.profile).toEqual([`${PAS}profile-encounter`]);
    expect(enc.type).toEqual([{ coding: [{ system: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit', code: '2' }] }]);
    expect(enc.hospitalization?.admitSource).toEqual({ coding: [{ system: 'https://www.nubc.org/CodeSystem/PointOfOrigin', code: '1' }] });
    expect([enc.status, enc.class, enc.subject?.reference, enc.extension]).toEqual(['planned', ABSENT, claim.patient.reference, undefined]);
  });

  it('dependent-request: a dependent patient, an EIN, three SV1 lines and an HSD with bounds', () => {
    const g = convert('dependent-request');
    const { bundle, claim, get } = g;

    // BHT*0007*13*CLN20261123C3*20261123*0932; ISA06 LAKESIDEPEDS.
    expect(bundle.identifier).toEqual({ value: 'CLN20261123C3' });
    expect(bundle.timestamp).toBe('2026-11-23T09:32:00Z');
    expect(transmission(claim)).toEqual(senders('LAKESIDEPEDS', 'ACMEHEALTH'));
    expect(claim.type.coding?.[0]?.code).toBe('professional');
    // 2000E TRN*1*DEP2026112303*1245780360.
    expect(claim.identifier).toEqual([{ system: 'urn:trnorg:1245780360', value: 'DEP2026112303' }]);
    // 2000E HI*ABK:F840.
    expect(claim.diagnosis?.map((d) => [d.sequence, d.diagnosisCodeableConcept?.coding?.[0]?.code, typeCode(d)])).toEqual([[1, 'F84.0', 'principal']]);
    // 2000E DTP*AAH*RD8*20261201-20261231.
    expect(claim.supportingInfo?.map((s) => [s.sequence, s.category.coding?.[0]?.code, s.timingPeriod])).toEqual([[1, 'patientEvent', { start: '2026-12-01', end: '2026-12-31' }]]);
    expect(code(claim, 'extension-levelOfServiceCode')).toBeUndefined(); // no UM06

    // 2010D NM1*QC*1*GARCIA*SOFIA, DMG*D8*20150611*F: the dependent is Claim.patient (identified by the member id).
    const patient = get<Patient>(claim.patient.reference);
    expect([patient.name, patient.birthDate, patient.gender]).toEqual([[{ family: 'GARCIA', given: ['SOFIA'] }], '2015-06-11', 'female']);
    expect(patient.meta?.profile).toEqual([`${PAS}profile-beneficiary`]);
    expect(patient.identifier?.map((i) => i.value)).toEqual(['W555000111']);
    // 2010C NM1*IL*1*GARCIA*LUIS****MI*W555000111, no DMG: the subscriber, gender data-absent (not guessed).
    const coverage = get<Coverage>(claim.insurance[0]!.coverage.reference);
    const subscriber = get<Patient>(coverage.subscriber?.reference);
    expect(subscriber).not.toBe(patient);
    expect(subscriber.meta?.profile).toEqual([`${PAS}profile-subscriber`]);
    expect([subscriber.name, subscriber.birthDate, subscriber.gender, (subscriber as { _gender?: unknown })._gender]).toEqual([[{ family: 'GARCIA', given: ['LUIS'] }], undefined, undefined, ABSENT]);
    // Coverage: member id from 2010C NM109; beneficiary the dependent; 2010D INS*N*19 -> relationship child.
    expect(coverage.identifier).toEqual([{ type: { coding: [{ system: V2, code: 'MB' }] }, value: 'W555000111' }]);
    expect(coverage.beneficiary.reference).toBe(claim.patient.reference);
    expect(coverage.relationship?.coding).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'child' }]);

    // 2010B NM1*1P*2*LAKESIDE PEDIATRICS*****XX*1245780360, REF*EI*930123456, N3*48 LAKE STREET, N4*SALEM*OR*97301 (no PER).
    const org = get<Organization>(claim.provider.reference);
    expect([org.resourceType, org.name]).toEqual(['Organization', 'LAKESIDE PEDIATRICS']);
    expect(org.identifier).toEqual([
      { system: NPI, value: '1245780360' },
      { system: 'urn:oid:2.16.840.1.113883.4.4', type: { coding: [{ system: V2, code: 'TAX' }] }, value: '930123456' },
    ]);
    expect(org.address).toEqual([{ line: ['48 LAKE STREET'], city: 'SALEM', state: 'OR', postalCode: '97301' }]);
    expect([org.telecom, org.contact]).toEqual([undefined, undefined]);

    // Three 2000F loops -> three items in order. Each: TRN02 trace, its UM (HS, I, UM03), the event's UM04 11:B,
    // SV1 HC:<code>[:<modifier>] charge UN quantity.
    const pos = { system: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', code: '11' };
    expect(
      claim.item?.map((it) => [
        it.sequence,
        ext(it, 'extension-itemTraceNumber')?.valueIdentifier,
        code(it, 'extension-serviceItemRequestType'),
        code(it, 'extension-certificationType'),
        it.category?.coding,
        it.locationCodeableConcept?.coding,
        it.productOrService.coding,
        it.modifier,
        it.quantity,
        it.net,
        it.servicedDate ?? it.servicedPeriod,
        it.careTeamSequence,
      ]),
    ).toEqual(
      [
        ['DEP-L1', 'AE', '97153', undefined, 40, 1200],
        ['DEP-L2', 'AE', '97155', undefined, 8, 300],
        ['DEP-L3', 'A4', '97156', 'HO', 4, 150],
      ].map(([trace, category, proc, modifier, qty, charge], i) => [
        i + 1,
        { system: 'urn:trnorg:1245780360', value: trace },
        [{ system: `${X12}1525`, code: 'HS' }],
        [{ system: `${X12}1322`, code: 'I' }],
        [{ system: `${X12}1365`, code: category }],
        [pos],
        [{ system: HCPCS, code: proc }],
        modifier === undefined ? undefined : [{ coding: [{ system: HCPCS, code: modifier }] }],
        { unit: 'UN', value: qty },
        { currency: 'USD', value: charge },
        undefined,
        undefined,
      ]),
    );
    // Line 1 HSD*VS*40*UN**7*1: 40 visits (HSD01/02) over 1 day (HSD05 7 -> UCUM d, HSD06 1); HSD03 UN is no unit of time.
    const items = claim.item!;
    const sr = requested(g, items[0]!)!;
    expect(sr.code).toEqual({ coding: [{ system: HCPCS, code: '97153' }] });
    expect(sr.subject.reference).toBe(claim.patient.reference);
    expect(sr.quantityQuantity).toEqual({ system: `${X12}673`, code: 'VS', value: 40 });
    expect(sr.occurrenceTiming).toEqual({ repeat: { boundsDuration: { system: 'http://unitsofmeasure.org', code: 'd', value: 1 } } });
    // Lines 2 and 3 and the event have no HSD: no ServiceRequest.
    expect([requested(g, items[1]!), requested(g, items[2]!)]).toEqual([undefined, undefined]);
    expect(bundle.entry!.filter((e) => e.resource?.resourceType === 'ServiceRequest')).toHaveLength(1);
    // No 2010EA, no CL1.
    expect(claim.careTeam).toBeUndefined();
    expect(bundle.entry!.filter((e) => e.resource?.resourceType === 'Encounter' || e.resource?.resourceType === 'PractitionerRole')).toEqual([]);
  });
});
