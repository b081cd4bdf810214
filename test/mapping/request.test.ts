import { readFileSync, readdirSync } from 'node:fs';
import type { Bundle, Claim, ClaimItem, Coverage, Organization, Patient, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle, type MappingFinding } from '../../src/mapping/index.js';
import { PAS_EXTENSION, validateBundle } from '../../src/pas/index.js';
import { PACKAGES_URL } from '../pas/support.js';
import { CORPUS } from '../support/x12.js';
import { sample, transactions } from './support.js';

const packages = { path: PACKAGES_URL };

function convert(name: string, replace: ReadonlyArray<readonly [string, string]> = []): { bundle: Bundle; findings: MappingFinding[] } {
  const r = requestToBundle(sample(name, replace), { pasVersion: '2.2.1' });
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
    expect(findings.map(brief)).toEqual([
      'UNMAPPED_ELEMENT 2000A/2000B/2010B PER@7.2',
      `UNMAPPED_SEGMENT ${E} HSD@16`,
      `UNMAPPED_SEGMENT ${E}/2010EA NM1@17`,
      `UNMAPPED_SEGMENT ${E}/2010EA PRV@18`,
    ]);
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
    expect(findings.map(brief)).toEqual([
      'UNMAPPED_ELEMENT 2000A/2000B/2010B PER@9.2',
      `UNMAPPED_SEGMENT ${E} HSD@18`,
      `UNMAPPED_SEGMENT ${E} CL1@19`,
      `UNMAPPED_SEGMENT ${E}/2010EA NM1@20`,
    ]);
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
    expect(findings.map(brief)).toEqual([`UNMAPPED_SEGMENT ${E.replace('2000C/', '2000C/2000D/')}/2000F HSD@25`]);
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
