import { readFileSync, readdirSync } from 'node:fs';
import { readFileSync as readText } from 'node:fs';
import type { Bundle, Claim, ClaimItem, Coverage, Encounter, Organization, Patient, Practitioner, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { grammarSet } from '../../src/grammar/index.js';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { compileTables, readTableFiles, requestToBundle, type CompiledTables, type MappingFinding } from '../../src/mapping/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION, validateBundle } from '../../src/pas/index.js';
import { CORPUS } from '../support/x12.js';
import { fileURLToPath } from 'node:url';
import { sample, transactions } from './support.js';

/** No cache chosen: the snapshot x12pas ships. */
const packages = {};

function convert(name: string, replace: ReadonlyArray<readonly [string, string]> = [], tables?: CompiledTables): { bundle: Bundle; findings: MappingFinding[] } {
  const r = requestToBundle(sample(name, replace), { pasVersion: '2.2.1', layout: true, ...(tables !== undefined ? { tables } : {}) });
  expect(r.bundle).not.toBeNull();
  return { bundle: r.bundle!, findings: r.findings };
}

const brief = (f: MappingFinding): string => `${f.code} ${f.loop || 'header'} ${f.segment}@${f.position}${f.element !== undefined ? `.${f.element}` : ''}`;

function errors(bundle: Bundle): string[] {
  return validateBundle(bundle, { pasVersion: '2.2.1', packages })
    .filter((f) => f.severity === 'error')
    .map((f) => f.message);
}

function resolve<T extends Resource>(bundle: Bundle, ref: string | undefined): T {
  const e = bundle.entry?.find((x) => x.fullUrl === ref);
  if (e?.resource === undefined) throw new Error(`reference ${ref} does not resolve`);
  return e.resource as T;
}

const claimOf = (b: Bundle): Claim => b.entry![0]!.resource as Claim;
const ext = (item: ClaimItem | Claim, url: string) => item.extension?.find((e) => e.url === url);
const code = (item: ClaimItem | Claim, url: string): string | undefined => ext(item, url)?.valueCodeableConcept?.coding?.[0]?.code;

/** Every `reference` anywhere in the bundle. */
function references(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) references(v, out);
  else if (typeof x === 'object' && x !== null) {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

const E = '2000A/2000B/2000C/2000E';


const SCOPE = { url: PAS_EXTENSION.careTeamClaimScope, valueBoolean: true };
const ABSENT = { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };

/** The ServiceRequest an item names by extension-requestedService (undefined when none). */
function requested(bundle: Bundle, item: ClaimItem): ServiceRequest | undefined {
  const ref = ext(item, PAS_EXTENSION.requestedService)?.valueReference?.reference;
  return ref === undefined ? undefined : resolve<ServiceRequest>(bundle, ref);
}

describe('requestToBundle: the samples', () => {
  it('each sample validates against PAS 2.2.1 with zero errors', () => {
    for (const name of ['referral-request', 'admission-request', 'dependent-request']) {
      const { bundle, findings } = convert(name);
      expect(errors(bundle), name).toEqual([]);
      expect(findings.filter((f) => f.code === 'INVALID_VALUE'), name).toEqual([]);
    }
  });

  it('an NPI with a wrong check digit is refused with a finding; a person requester left without an id fails PAS', () => {
    for (const [name, npi, good] of [['referral-request', '1578902345', '1578902342'], ['admission-request', '1902847561', '1902847569'], ['dependent-request', '1245780369', '1245780360']] as const) {
      const { bundle, findings } = convert(name, [[good, npi]]);
      const bad = findings.filter((f) => f.code === 'INVALID_VALUE');
      expect(bad.map(brief), name).toEqual(['INVALID_VALUE 2000A/2000B/2010B NM1@6.9']);
      expect(bad[0]!.message).toContain(npi);
      const errs = errors(bundle);
      if (name === 'referral-request') expect(errs).toEqual([expect.stringContaining('Practitioner.identifier')]);
      else expect(errs, name).toEqual([]);
    }
  });

  it('referral: values checked by hand against the sample', () => {
    const { bundle, findings } = convert('referral-request');
    expect(bundle.type).toBe('collection');
    expect(bundle.identifier?.value).toBe('CLN20261123A1');
    expect(bundle.timestamp).toBe('2026-11-23T09:30:00Z');
    const claim = claimOf(bundle);
    expect(claim.resourceType).toBe('Claim');
    expect(claim.created).toBe('2026-11-23T09:30:00Z');
    expect(claim.status).toBe('active');
    expect(claim.use).toBe('preauthorization');
    expect(claim.type.coding?.[0]?.code).toBe('professional');
    expect(claim.identifier).toEqual([{ system: 'urn:trnorg:1578902342', value: 'REF2026112301' }]);
    const t = ext(claim, PAS_EXTENSION.transmissionIdentifiers)?.extension?.map((e) => [e.url, e.valueString]);
    expect(t).toEqual([
      ['applicationSenderCode', 'CLINICSUBMIT01'],
      ['applicationReceiverCode', 'ACMEHEALTH'],
      ['interchangeSenderID', 'CLINICSUBMIT01'],
      ['interchangeReceiverID', 'ACMEHEALTH'],
    ]);
    // No 2000F: the event's UM is the one item.
    expect(claim.item).toHaveLength(1);
    const item = claim.item![0]!;
    expect(item.sequence).toBe(1);
    expect(code(item, PAS_EXTENSION.serviceItemRequestType)).toBe('SC');
    expect(code(item, PAS_EXTENSION.certificationType)).toBe('I');
    expect(item.category?.coding?.[0]).toEqual({ system: 'https://codesystem.x12.org/005010/1365', code: '3' });
    expect(item.productOrService.coding?.[0]?.code).toBe('3');
    expect(item.locationCodeableConcept?.coding?.[0]?.code).toBe('11');
    expect(claim.diagnosis?.map((d) => [d.sequence, d.diagnosisCodeableConcept?.coding?.[0]?.code, d.type?.[0]?.coding?.[0]?.code])).toEqual([
      [1, 'M54.16', 'principal'],
      [2, 'G89.29', undefined],
    ]);
    expect(claim.supportingInfo?.[0]?.category.coding?.[0]?.code).toBe('patientEvent');
    expect(claim.supportingInfo?.[0]?.timingPeriod).toEqual({ start: '2026-12-01', end: '2027-01-31' });
    // NM102 = 1: a Practitioner, with a PractitionerRole as Claim.provider carrying the PER numbers.
    const role = resolve<PractitionerRole>(bundle, claim.provider.reference);
    expect(role.resourceType).toBe('PractitionerRole');
    expect(role.telecom).toEqual([{ system: 'phone', value: '5035550142' }]);
    const doc = resolve<Practitioner>(bundle, role.practitioner?.reference);
    expect(doc.name).toEqual([{ family: 'RIVERA', given: ['ANA', 'M'] }]);
    expect(doc.identifier).toEqual([{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1578902342' }]);
    const patient = resolve<Patient>(bundle, claim.patient.reference);
    expect(patient.name).toEqual([{ family: 'NGUYEN', given: ['TOM'] }]);
    expect(patient.birthDate).toBe('1979-02-14');
    expect(patient.gender).toBe('male');
    const insurer = resolve<Organization>(bundle, claim.insurer?.reference);
    expect(insurer.name).toBe('ACME HEALTH PLAN');
    expect(insurer.identifier?.[0]?.value).toBe('60054');
    const coverage = resolve<Coverage>(bundle, claim.insurance[0]!.coverage.reference);
    expect(coverage.identifier?.[0]?.value).toBe('W123456789');
    expect(coverage.identifier?.[0]?.type?.coding?.[0]?.code).toBe('MB');
    expect(coverage.relationship?.coding?.[0]?.code).toBe('self');
    expect(coverage.subscriber?.reference).toBe(claim.patient.reference);
    expect(coverage.beneficiary.reference).toBe(claim.patient.reference);
    // 2010EA NM1*SJ*1*OKAFOR*LENA****XX*1093817462, PRV*SV*PXC*207X00000X: one claim-scope care team member.
    expect(claim.careTeam).toEqual([
      {
        extension: [SCOPE],
        sequence: 1,
        provider: { reference: expect.any(String) },
        role: { coding: [{ system: 'https://codesystem.x12.org/005010/98', code: 'SJ' }] },
        qualification: { coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207X00000X' }] },
      },
    ]);
    expect(item.careTeamSequence).toEqual([1]);
    const memberRole = resolve<PractitionerRole>(bundle, claim.careTeam![0]!.provider.reference);
    expect(memberRole.resourceType).toBe('PractitionerRole');
    expect(memberRole.telecom).toEqual([{ _system: ABSENT, _value: ABSENT }]); // no PER: pd-1 satisfied by data-absent, not a guess
    const member = resolve<Practitioner>(bundle, memberRole.practitioner?.reference);
    expect(member.name).toEqual([{ family: 'OKAFOR', given: ['LENA'] }]);
    expect(member.identifier).toEqual([{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1093817462' }]);
    // PER02 of a person requester has no place (Practitioner/PractitionerRole have no contact); PRV01 has none yet.
    expect(findings.map(brief)).toEqual(['UNMAPPED_ELEMENT 2000A/2000B/2010B PER@7.2', `UNMAPPED_ELEMENT ${E}/2010EA PRV@18.1`]);
    // 2000E HSD*VS*6 (no 2000F): the one item's ServiceRequest quantity.
    const sr = requested(bundle, item)!;
    expect(sr.resourceType).toBe('ServiceRequest');
    expect([sr.status, sr.intent, sr.subject.reference]).toEqual(['active', 'order', claim.patient.reference]);
    expect(sr.code).toEqual(item.productOrService);
    expect(sr.quantityQuantity).toEqual({ system: 'https://codesystem.x12.org/005010/673', code: 'VS', value: 6 });
    expect(sr.occurrenceTiming).toBeUndefined();
  });

  it('admission: values checked by hand against the sample', () => {
    const { bundle, findings } = convert('admission-request');
    const claim = claimOf(bundle);
    expect(claim.type.coding?.[0]?.code).toBe('institutional');
    expect(code(claim, PAS_EXTENSION.levelOfServiceCode)).toBe('U');
    expect(claim.identifier?.[0]?.value).toBe('ADM2026112302');
    expect(claim.supportingInfo).toEqual([
      { sequence: 1, category: { coding: [{ system: 'http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes', code: 'admissionDates' }] }, timingDate: '2026-11-30' },
    ]);
    expect(claim.diagnosis?.map((d) => d.diagnosisCodeableConcept?.coding?.[0]?.code)).toEqual(['I21.4', 'E11.9', 'I10']);
    expect(claim.item).toHaveLength(1);
    const item = claim.item![0]!;
    // Its own UM (HS, I, 2); the event's UM04 21:A gives the location the line lacks.
    expect(code(item, PAS_EXTENSION.serviceItemRequestType)).toBe('HS');
    expect(item.category?.coding?.[0]?.code).toBe('2');
    expect(item.locationCodeableConcept?.coding?.[0]).toEqual({ system: 'https://www.nubc.org/CodeSystem/TypeOfBill', code: '21' });
    expect(item.revenue?.coding?.[0]?.code).toBe('0120');
    expect(item.net).toEqual({ currency: 'USD', value: 3600 });
    expect(item.quantity).toEqual({ unit: 'DA', value: 4 });
    expect(item.servicedPeriod).toEqual({ start: '2026-11-30', end: '2026-12-03' });
    expect(ext(item, PAS_EXTENSION.itemTraceNumber)?.valueIdentifier).toEqual({ system: 'urn:trnorg:1902847569', value: 'ADM2026112302-1' });
    const org = resolve<Organization>(bundle, claim.provider.reference);
    expect(org.resourceType).toBe('Organization');
    expect(org.name).toBe('RIVERSIDE GENERAL HOSPITAL');
    expect(org.address).toEqual([{ line: ['1200 RIVER ROAD'], city: 'PORTLAND', state: 'OR', postalCode: '97201-1234' }]);
    expect(org.telecom).toEqual([
      { system: 'phone', value: '5035550199' },
      { system: 'fax', value: '5035550198' },
    ]);
    const patient = resolve<Patient>(bundle, claim.patient.reference);
    expect([patient.name?.[0]?.given, patient.gender, patient.birthDate]).toEqual([['SUSAN', 'J'], 'female', '1962-08-30']);
    // PER*IC*UM OFFICE*...: the organization's contact.
    expect(org.contact).toEqual([{ name: { text: 'UM OFFICE' } }]);
    // CL1*2*1: a PASEncounter named by the R5 Claim.encounter extension.
    const encRef = ext(claim, OTHER_EXTENSION.claimEncounter)?.valueReference?.reference;
    const enc = resolve<Encounter>(bundle, encRef);
    expect(enc.resourceType).toBe('Encounter');
    expect(enc.type).toEqual([{ coding: [{ system: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit', code: '2' }] }]);
    expect(enc.hospitalization?.admitSource).toEqual({ coding: [{ system: 'https://www.nubc.org/CodeSystem/PointOfOrigin', code: '1' }] });
    expect(enc.extension).toBeUndefined(); // no CL103/CL104
    expect([enc.status, enc.class, enc.subject?.reference]).toEqual(['planned', ABSENT, claim.patient.reference]);
    // NM1*71*1*PATEL*RAJ****XX*1366021842, no PRV: the attending physician.
    expect(claim.careTeam?.map((c) => [c.extension, c.sequence, c.role?.coding, c.qualification])).toEqual([[[SCOPE], 1, [{ system: 'https://codesystem.x12.org/005010/98', code: '71' }], undefined]]);
    expect(item.careTeamSequence).toEqual([1]);
    const attending = resolve<Practitioner>(bundle, resolve<PractitionerRole>(bundle, claim.careTeam![0]!.provider.reference).practitioner?.reference);
    expect([attending.name, attending.identifier?.[0]?.value]).toEqual([[{ family: 'PATEL', given: ['RAJ'] }], '1366021842']);
    // 2000E HSD*DY*4 goes to the 2000F item's ServiceRequest (it has no HSD of its own).
    expect(requested(bundle, item)?.quantityQuantity).toEqual({ system: 'https://codesystem.x12.org/005010/673', code: 'DY', value: 4 });
    expect(requested(bundle, item)?.code?.coding?.[0]?.code).toBe('2');
    // What the way back cannot put where it was: NM101 FA (written back as 1P); the event's UM01 AR and UM03 1,
    // which its one item overrides (HS, 2); and the item's UM, all of whose values the event level then carries.
    expect(findings.map(brief).sort()).toEqual([
      'UNMAPPED_ELEMENT 2000A/2000B/2010B NM1@6.1',
      `UNMAPPED_ELEMENT ${E} UM@15.1`,
      `UNMAPPED_ELEMENT ${E} UM@15.3`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@23.1`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@23.2`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@23.3`,
    ].sort());
  });

  it('dependent: values checked by hand against the sample', () => {
    const { bundle, findings } = convert('dependent-request');
    const claim = claimOf(bundle);
    const patient = resolve<Patient>(bundle, claim.patient.reference);
    expect([patient.name, patient.gender, patient.birthDate]).toEqual([[{ family: 'GARCIA', given: ['SOFIA'] }], 'female', '2015-06-11']);
    const coverage = resolve<Coverage>(bundle, claim.insurance[0]!.coverage.reference);
    expect(coverage.beneficiary.reference).toBe(claim.patient.reference);
    expect(coverage.relationship?.coding?.[0]?.code).toBe('child');
    const subscriber = resolve<Patient>(bundle, coverage.subscriber?.reference);
    expect(subscriber.name?.[0]?.given).toEqual(['LUIS']);
    expect(subscriber.gender).toBeUndefined(); // no DMG in 2010C: marked data-absent, not guessed
    // Three 2000F loops: three items in order.
    expect(
      claim.item?.map((it) => [
        it.sequence,
        ext(it, PAS_EXTENSION.itemTraceNumber)?.valueIdentifier?.value,
        it.productOrService.coding?.[0]?.code,
        it.modifier?.map((m) => m.coding?.[0]?.code),
        it.quantity?.value,
        it.net?.value,
        it.category?.coding?.[0]?.code,
        it.locationCodeableConcept?.coding?.[0]?.code,
      ]),
    ).toEqual([
      [1, 'DEP-L1', '97153', undefined, 40, 1200, 'AE', '11'],
      [2, 'DEP-L2', '97155', undefined, 8, 300, 'AE', '11'],
      [3, 'DEP-L3', '97156', ['HO'], 4, 150, 'A4', '11'],
    ]);
    const org = resolve<Organization>(bundle, claim.provider.reference);
    expect(org.identifier?.map((i) => i.value)).toEqual(['1245780360', '930123456']);
    // HSD*VS*40*UN**7*1 on line 1: 40 visits over 1 day; HSD03 UN is not a unit of time and stays unread.
    const sr = requested(bundle, claim.item![0]!)!;
    expect(sr.code).toEqual({ coding: [{ system: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: '97153' }] });
    expect(sr.subject.reference).toBe(claim.patient.reference);
    expect(sr.quantityQuantity).toEqual({ system: 'https://codesystem.x12.org/005010/673', code: 'VS', value: 40 });
    expect(sr.occurrenceTiming).toEqual({ repeat: { boundsDuration: { system: 'http://unitsofmeasure.org', code: 'd', value: 1 } } });
    expect(claim.item!.slice(1).map((it) => requested(bundle, it))).toEqual([undefined, undefined]);
    expect(claim.careTeam).toBeUndefined();
    expect(claim.item!.map((it) => it.careTeamSequence)).toEqual([undefined, undefined, undefined]);
    // HSD03 UN is no unit of time; the event's UM03 1 is overridden by every item's own (AE, AE, A4).
    expect(findings.map(brief).sort()).toEqual([`UNMAPPED_ELEMENT ${E.replace('2000C/', '2000C/2000D/')} UM@18.3`, `UNMAPPED_ELEMENT ${E.replace('2000C/', '2000C/2000D/')}/2000F HSD@25.3`].sort());
  });

  it('variants: an organization event provider with address, contact and taxonomy; a person with PER; a full HSD', () => {
    const org = convert('admission-request', [
      ['NM1*71*1*PATEL*RAJ****XX*1366021842', 'NM1*77*2*RIVERSIDE SURGERY CENTER*****XX*1234567893~N3*5 MILL ST~N4*PORTLAND*OR*97202~PER*IC*INTAKE*TE*5035550111~PRV*AD*PXC*261QA1903X'],
      ['SE*26*', 'SE*30*'],
    ]);
    expect(errors(org.bundle)).toEqual([]);
    const claim = claimOf(org.bundle);
    const member = claim.careTeam![0]!;
    expect([member.role?.coding?.[0]?.code, member.qualification?.coding?.[0]?.code]).toEqual(['77', '261QA1903X']);
    const center = resolve<Organization>(org.bundle, member.provider.reference);
    expect(center.resourceType).toBe('Organization');
    expect(center.meta?.profile).toEqual(['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-organization']);
    expect([center.name, center.active, center.identifier]).toEqual(['RIVERSIDE SURGERY CENTER', true, [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }]]);
    expect(center.address).toEqual([{ line: ['5 MILL ST'], city: 'PORTLAND', state: 'OR', postalCode: '97202' }]);
    expect(center.telecom).toEqual([{ system: 'phone', value: '5035550111' }]);
    expect(center.contact).toEqual([{ name: { text: 'INTAKE' } }]);
    expect(org.findings.map(brief).sort()).toEqual([
      'UNMAPPED_ELEMENT 2000A/2000B/2010B NM1@6.1',
      `UNMAPPED_ELEMENT ${E} UM@15.1`,
      `UNMAPPED_ELEMENT ${E} UM@15.3`,
      `UNMAPPED_ELEMENT ${E}/2010EA PRV@24.1`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@27.1`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@27.2`,
      `UNMAPPED_ELEMENT ${E}/2000F UM@27.3`,
    ].sort());

    const person = convert('referral-request', [['NM1*SJ*1*OKAFOR*LENA****XX*1093817462', 'NM1*SJ*1*OKAFOR*LENA****XX*1093817462~PER*IC*LENA DESK*TE*5035550177'], ['SE*19*', 'SE*20*']]);
    expect(errors(person.bundle)).toEqual([]);
    const role = resolve<PractitionerRole>(person.bundle, claimOf(person.bundle).careTeam![0]!.provider.reference);
    expect(role.telecom).toEqual([{ system: 'phone', value: '5035550177' }]);
    expect(person.findings.map(brief)).toContain(`UNMAPPED_ELEMENT ${E}/2010EA PER@18.2`); // a person has no contact element

    const hsd = convert('dependent-request', [['HSD*VS*40*UN**7*1', 'HSD*VS*12*WK*1*34*3*1*Y']]);
    expect(errors(hsd.bundle)).toEqual([]);
    const sr = requested(hsd.bundle, claimOf(hsd.bundle).item![0]!)!;
    expect(sr.quantityQuantity).toEqual({ system: 'https://codesystem.x12.org/005010/673', code: 'VS', value: 12 });
    expect(sr.occurrenceTiming).toEqual({
      repeat: { periodUnit: 'wk', period: 1, boundsDuration: { system: 'http://unitsofmeasure.org', code: 'mo', value: 3 } },
      extension: [
        { url: PAS_EXTENSION.timingCalendarPattern, valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/678', code: '1' }] } },
        { url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-timingdeliverypattern', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/679', code: 'Y' }] } },
      ],
    });
    // Only the event's UM03 1, which every item overrides (see the dependent test).
    expect(hsd.findings.map(brief)).toEqual([`UNMAPPED_ELEMENT ${E.replace('2000C/', '2000C/2000D/')} UM@18.3`]);
  });

  it('bundle shape: Claim first, unique urn:uuid fullUrls, every reference inside, reproducible ids', () => {
    const seen = new Set<string>();
    for (const name of ['referral-request', 'admission-request', 'dependent-request']) {
      const { bundle } = convert(name);
      expect(bundle.entry?.[0]?.resource?.resourceType).toBe('Claim');
      const urls = bundle.entry!.map((e) => e.fullUrl!);
      expect(new Set(urls).size).toBe(urls.length);
      for (const u of urls) {
        expect(u).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(seen.has(u), 'ids differ between transactions').toBe(false);
        seen.add(u);
      }
      for (const r of references(bundle)) expect(urls).toContain(r);
      expect(convert(name).bundle).toEqual(bundle);
    }
  });

  it('PAS 2.0.1 has no TransmissionIdentifiers extension', () => {
    const r = requestToBundle(sample('referral-request'), { pasVersion: '2.0.1' });
    expect(ext(claimOf(r.bundle!), PAS_EXTENSION.transmissionIdentifiers)).toBeUndefined();
  });

  describeShared('corpus/x12', 'the stupidedi requests', () => {
    it('every request transaction of the batch sample and the stupidedi corpus converts without throwing', () => {
      const files: Buffer[] = [readFileSync(new URL('../../samples/batch-requests.x12', import.meta.url))];
      const dir = `${CORPUS}stupidedi/`;
      for (const f of readdirSync(dir).sort()) if (f.includes('request') && f.endsWith('.x12')) files.push(readFileSync(dir + f));
      let n = 0;
      for (const buf of files) {
        for (const tx of transactions(buf)) {
          const r = requestToBundle(tx, { pasVersion: '2.2.1' });
          if (r.bundle !== null) {
            n++;
            expect(r.bundle.entry?.[0]?.resource?.resourceType).toBe('Claim');
          } else expect(r.findings.map((f) => f.code)).toContain('NO_TREE');
        }
      }
      expect(n).toBeGreaterThan(0);
    });
  });
});
