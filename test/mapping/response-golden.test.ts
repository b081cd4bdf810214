/**
 * Golden values of the three response samples (PAS 2.2.1), each checked by hand against the
 * sample's X12 (the X12 place is named beside each value). No snapshot file: every value is
 * written out. The places no row reads are listed exactly, with their positions (ST = 1).
 */
import type { Bundle, ClaimResponse, ClaimResponseItem, Extension, Organization, Patient, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { brief, convertResponse, sampleTransactions } from './response-support.js';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
const X12 = 'https://codesystem.x12.org/005010/';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const SUBMITTED = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }] };
const MEMBER = (value: string): unknown => ({ system: 'urn:x12pas:member-id', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MB' }] }, value });

interface Golden {
  bundle: Bundle;
  cr: ClaimResponse;
  findings: string[];
  get: <T extends Resource>(ref: string | undefined) => T;
}

function references(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) references(v, out);
  else if (typeof x === 'object' && x !== null) for (const [k, v] of Object.entries(x)) k === 'reference' && typeof v === 'string' ? out.push(v) : references(v, out);
  return out;
}

/** Converts transaction `index` of a sample; checks the bundle's shape (ClaimResponse first, unique urn:uuid fullUrls, references resolved inside). */
function convert(name: string, index = 0): Golden {
  const tx = sampleTransactions(name)[index]!;
  const { bundle, findings } = convertResponse(tx, { pasVersion: '2.2.1' });
  expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(bundle.type).toBe('collection');
  expect(bundle.entry?.[0]?.resource?.resourceType).toBe('ClaimResponse');
  const urls = bundle.entry!.map((e) => e.fullUrl);
  for (const u of urls) expect(u).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(urls).size).toBe(urls.length);
  for (const r of references(bundle)) expect(urls).toContain(r);
  const get = <T extends Resource>(ref: string | undefined): T => bundle.entry!.find((e) => e.fullUrl === ref)!.resource as T;
  return { bundle, cr: bundle.entry![0]!.resource as ClaimResponse, findings: findings.map(brief), get };
}

const ext = (x: { extension?: Extension[] } | undefined, name: string): Extension[] => (x?.extension ?? []).filter((e) => e.url === PAS + name);

/** HCR as the item's adjudication carries it: [code, number, reason]. */
function decision(item: { adjudication?: ClaimResponseItem['adjudication'] }): [string | undefined, string | undefined, string | undefined] {
  const adj = item.adjudication![0]!;
  expect(adj.category).toEqual(SUBMITTED);
  const ra = ext(adj, 'extension-reviewAction')[0]!;
  const sub = (url: string): Extension | undefined => ra.extension?.find((e) => e.url === url);
  const code = sub(`${PAS}extension-reviewActionCode`)?.valueCodeableConcept?.coding?.[0];
  if (code !== undefined) expect(code.system).toBe(`${X12}306`);
  const reason = sub('reasonCode')?.valueCodeableConcept?.coding?.[0];
  if (reason !== undefined) expect(reason.system).toBe('https://codesystem.x12.org/external/886');
  return [code?.code, sub('number')?.valueString, reason?.code];
}

/** The providers an item authorizes: [NM101, resource]. */
function authorized(g: Golden, item: ClaimResponseItem): Array<[string | undefined, Resource]> {
  return ext(item, 'extension-itemAuthorizedProvider').map((e) => [
    e.extension?.find((x) => x.url === `${PAS}extension-authorizedProviderType`)?.valueCodeableConcept?.coding?.[0]?.code,
    g.get(e.extension?.find((x) => x.url === 'provider')?.valueReference?.reference),
  ]);
}

describe('samples/referral-response.x12 (certified referral, no 2000F)', () => {
  const g = convert('referral-response');

  it('header and correlation', () => {
    expect(g.bundle.identifier).toEqual({ value: 'CLN20261123A1' }); // BHT03
    expect(g.bundle.timestamp).toBe('2026-11-24T10:15:00Z'); // BHT04/05
    expect(g.cr.created).toBe('2026-11-24T10:15:00Z');
    // TRN*2*REF2026112301*1578902342: the request's trace, echoed -> the Claim, by identifier.
    expect(g.cr.request).toEqual({ identifier: { value: 'REF2026112301', system: 'urn:trnorg:1578902342' } });
    // TRN*1*ACM-55120034*9600054321: the UMO's own trace.
    expect(g.cr.identifier).toEqual([{ value: 'ACM-55120034', system: 'urn:trnorg:9600054321' }]);
    expect(g.cr.outcome).toBe('complete');
    expect(g.cr.type?.coding?.[0]?.code).toBe('professional');
    expect(g.cr.use).toBe('preauthorization');
    expect(g.cr.error).toBeUndefined();
    expect(g.cr.addItem).toBeUndefined();
  });

  it('the one item: HCR*A1*AUTH7781234, DTP*AAH, 2010EA SJ', () => {
    expect(g.cr.item).toHaveLength(1);
    const item = g.cr.item![0]!;
    expect(item.itemSequence).toBe(1);
    expect(decision(item)).toEqual(['A1', 'AUTH7781234', undefined]);
    expect(ext(item, 'extension-itemRequestedServiceDate')).toEqual([{ url: `${PAS}extension-itemRequestedServiceDate`, valuePeriod: { start: '2026-12-01', end: '2027-01-31' } }]);
    const [[type, who]] = authorized(g, item) as [[string, Practitioner]];
    expect(type).toBe('SJ');
    expect(who.resourceType).toBe('Practitioner');
    expect(who.name).toEqual([{ family: 'OKAFOR', given: ['LENA'] }]);
    expect(who.identifier).toEqual([{ system: NPI, value: '1093817462' }]);
  });

  it('parties: NM1*X3 UMO, NM1*1P person requester, NM1*IL subscriber', () => {
    const insurer = g.get<Organization>(g.cr.insurer.reference);
    expect(insurer.name).toBe('ACME HEALTH PLAN');
    expect(insurer.type?.[0]?.coding?.[0]).toEqual({ system: `${X12}98`, code: 'X3' });
    expect(insurer.identifier?.[0]?.value).toBe('60054'); // NM109 with NM108 PI
    const role = g.get<PractitionerRole>(g.cr.requestor?.reference);
    expect(role.resourceType).toBe('PractitionerRole');
    const person = g.get<Practitioner>(role.practitioner?.reference);
    expect(person.name).toEqual([{ family: 'RIVERA', given: ['ANA', 'M'] }]);
    expect(person.identifier).toEqual([{ system: NPI, value: '1578902342' }]);
    const patient = g.get<Patient>(g.cr.patient.reference);
    expect(patient.name).toEqual([{ family: 'NGUYEN', given: ['TOM'] }]);
    expect(patient.identifier).toEqual([MEMBER('W123456789')]);
    expect(patient.birthDate).toBe('1979-02-14'); // DMG*D8*19790214*M
    expect(patient.gender).toBe('male');
  });

  it('reports what it does not carry: the echoed UM and HSD, the HI', () => {
    const E = '2000A/2000B/2000C/2000E';
    expect(g.findings).toEqual([`UNMAPPED_SEGMENT ${E} UM@13`, `UNMAPPED_SEGMENT ${E} HI@16`, `UNMAPPED_SEGMENT ${E} HSD@17`]);
  });
});

describe('samples/admission-response.x12 (pended line with a note)', () => {
  const g = convert('admission-response');

  it('outcome partial: the only line is pended (HCR*A4**0U)', () => {
    expect(g.cr.outcome).toBe('partial');
    expect(g.cr.type?.coding?.[0]?.code).toBe('institutional'); // SV2
    expect(g.cr.request).toEqual({ identifier: { value: 'ADM2026112302', system: 'urn:trnorg:1902847569' } });
    const item = g.cr.item![0]!;
    expect(item.itemSequence).toBe(1);
    expect(decision(item)).toEqual(['A4', undefined, '0U']);
  });

  it('the line: TRN echo, DTP*472, the event admission date and provider, the MSG as a processNote', () => {
    const item = g.cr.item![0]!;
    expect(ext(item, 'extension-itemTraceNumber')).toEqual([{ url: `${PAS}extension-itemTraceNumber`, valueIdentifier: { value: 'ADM2026112302-1', system: 'urn:trnorg:1902847569' } }]);
    expect(ext(item, 'extension-itemRequestedServiceDate')[0]?.valuePeriod).toEqual({ start: '2026-11-30', end: '2026-12-03' });
    // 2000E DTP*435*D8*20261130, given to the line (which has none of its own).
    expect(ext(item, 'extension-admissionDates')[0]?.valueDate).toBe('2026-11-30');
    const [[type, who]] = authorized(g, item) as [[string, Practitioner]];
    expect(type).toBe('71');
    expect(who.name).toEqual([{ family: 'PATEL', given: ['RAJ'] }]);
    expect(item.noteNumber).toEqual([1]);
    expect(g.cr.processNote).toEqual([{ number: 1, type: 'display', text: 'CLINICAL NOTES FOR DAYS 3 AND 4 NEEDED BEFORE A DECISION' }]);
  });

  it('an organization requester (NM1*FA*2): PASRequestor; FA is reported (written back as 1P)', () => {
    const req = g.get<Organization>(g.cr.requestor?.reference);
    expect(req.resourceType).toBe('Organization');
    expect(req.name).toBe('RIVERSIDE GENERAL HOSPITAL');
    expect(req.identifier).toEqual([{ system: NPI, value: '1902847569' }]);
    const E = '2000A/2000B/2000C/2000E';
    expect(g.findings).toEqual([
      'UNMAPPED_ELEMENT 2000A/2000B/2010B NM1@6.1',
      `UNMAPPED_SEGMENT ${E} UM@12`,
      `UNMAPPED_SEGMENT ${E} HI@14`,
      `UNMAPPED_SEGMENT ${E} HSD@15`,
      `UNMAPPED_SEGMENT ${E} CL1@16`,
      `UNMAPPED_SEGMENT ${E}/2000F UM@20`,
      `UNMAPPED_SEGMENT ${E}/2000F SV2@23`,
    ]);
  });
});

describe('samples/dependent-response.x12', () => {
  describe('first set: certified, modified and denied lines for a dependent', () => {
    const g = convert('dependent-response', 0);

    it('three items in order, each with its HCR', () => {
      expect(g.cr.outcome).toBe('complete');
      expect(g.cr.item!.map((i) => i.itemSequence)).toEqual([1, 2, 3]);
      expect(g.cr.item!.map(decision)).toEqual([
        ['A1', 'AUTH5521001', undefined],
        ['A6', 'AUTH5521002', '0V'],
        ['A3', undefined, '35'],
      ]);
      expect(g.cr.item!.map((i) => ext(i, 'extension-itemTraceNumber')[0]?.valueIdentifier?.value)).toEqual(['DEP-L1', 'DEP-L2', 'DEP-L3']);
      expect(ext(g.cr.item![0], 'extension-itemRequestedServiceDate')[0]?.valuePeriod).toEqual({ start: '2026-12-01', end: '2026-12-31' });
    });

    it('A6: the authorized version (UM*HS*I*AE, SV1*HC:97155*300*UN*4) as addItem with the same itemSequence', () => {
      expect(g.cr.addItem).toHaveLength(1);
      const a = g.cr.addItem![0]!;
      expect(a.itemSequence).toEqual([2]);
      expect(a.productOrService).toEqual({ coding: [{ system: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: '97155' }] });
      expect(a.quantity).toEqual({ unit: 'UN', value: 4 });
      expect(a.net).toEqual({ currency: 'USD', value: 300 });
      expect(ext(a, 'extension-serviceItemRequestType')[0]?.valueCodeableConcept?.coding).toEqual([{ system: `${X12}1525`, code: 'HS' }]);
      expect(ext(a, 'extension-certificationType')[0]?.valueCodeableConcept?.coding).toEqual([{ system: `${X12}1322`, code: 'I' }]);
      expect(ext(a, 'extension-itemCategory')[0]?.valueCodeableConcept?.coding).toEqual([{ system: `${X12}1365`, code: 'AE' }]);
      expect(decision(a)).toEqual(['A6', 'AUTH5521002', '0V']);
    });

    it('the patient is the dependent, identified by the subscriber member id', () => {
      const patient = g.get<Patient>(g.cr.patient.reference);
      expect(patient.name).toEqual([{ family: 'GARCIA', given: ['SOFIA'] }]);
      expect(patient.birthDate).toBe('2015-06-11');
      expect(patient.gender).toBe('female');
      expect(patient.identifier).toEqual([MEMBER('W555000111')]);
      expect(patient.meta?.profile).toEqual([`${PAS}profile-beneficiary`]);
      const subscriber = g.bundle.entry!.map((e) => e.resource as Patient).find((r) => r.resourceType === 'Patient' && r.id !== patient.id)!;
      expect(subscriber.name).toEqual([{ family: 'GARCIA', given: ['LUIS'] }]);
      expect(subscriber.meta?.profile).toEqual([`${PAS}profile-subscriber`]);
    });

    it('reports INS, the event UM and the echoed service of the certified and denied lines', () => {
      const E = '2000A/2000B/2000C/2000D/2000E';
      expect(g.findings).toEqual([
        'UNMAPPED_SEGMENT 2000A/2000B/2000C/2000D/2010D INS@12',
        `UNMAPPED_SEGMENT ${E} UM@15`,
        `UNMAPPED_SEGMENT ${E}/2000F UM@18`,
        `UNMAPPED_SEGMENT ${E}/2000F SV1@21`,
        `UNMAPPED_SEGMENT ${E}/2000F HSD@22`,
        `UNMAPPED_SEGMENT ${E}/2000F UM@30`,
        `UNMAPPED_SEGMENT ${E}/2000F SV1@32`,
      ]);
    });
  });

  describe('second set: AAA*N**75*C at 2010C', () => {
    const g = convert('dependent-response', 1);

    it('outcome error with one error: code 75, follow-up C, errorElement 2010C-NM1; no items', () => {
      expect(g.cr.outcome).toBe('error');
      expect(g.cr.error).toEqual([
        {
          extension: [
            { url: `${PAS}extension-errorElement`, extension: [{ url: 'error', valueString: '2010C-NM1' }] },
            { url: `${PAS}extension-errorFollowupAction`, valueCodeableConcept: { coding: [{ system: `${X12}889`, code: 'C' }] } },
          ],
          code: { coding: [{ system: `${X12}901`, code: '75' }] },
        },
      ]);
      expect(g.cr.item).toBeUndefined();
      // No 2000E TRN to echo, no request bundle given: the data-absent form PAS allows.
      expect(g.cr.request).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
      expect(g.bundle.identifier).toEqual({ value: 'CLN20261123D9' });
      expect(g.get<Patient>(g.cr.patient.reference).identifier).toEqual([MEMBER('W555000999')]);
      expect(g.findings).toEqual([]);
    });
  });
});
