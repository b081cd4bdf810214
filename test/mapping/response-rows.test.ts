/**
 * Response rows the samples do not reach: certification dates, REF*BB / REF*NT, HCR04, an event
 * MSG, a modified line with HSD and a 2010FA provider, a modified event (the corpus admission).
 * Each value is checked against the X12 written here; each bundle validates under both versions.
 */
import type { Bundle, ClaimResponse, Extension, Practitioner, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { bundleToResponse } from '../../src/mapping/index.js';
import { brief, convertResponse, corpusResponses, validationErrors, VERSIONS } from './response-support.js';
import { transactions } from './support.js';
import { readFileSync } from 'node:fs';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
const X12 = 'https://codesystem.x12.org/005010/';

function variant(name: string, replace: ReadonlyArray<readonly [string, string]>): ReturnType<typeof transactions>[number] {
  let text = readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url), 'latin1');
  for (const [a, b] of replace) {
    expect(text).toContain(a);
    text = text.replace(a, b);
  }
  const [tx] = transactions(text);
  expect(tx!.accepted, JSON.stringify(tx!.findings)).toBe(true);
  return tx!;
}

const crOf = (b: Bundle): ClaimResponse => b.entry![0]!.resource as ClaimResponse;
const ext = (x: { extension?: Extension[] } | undefined, name: string): Extension | undefined => x?.extension?.find((e) => e.url === PAS + name);
const get = <T>(b: Bundle, ref: string | undefined): T => b.entry!.find((e) => e.fullUrl === ref)!.resource as T;

describe('certification dates, reference numbers, HCR04, event MSG', () => {
  const tx = variant('referral-response', [
    ['HCR*A1*AUTH7781234~', 'HCR*A1*AUTH7781234**Y~REF*NT*UMO-REF-77~REF*BB*OLDAUTH-1~'],
    ['DTP*AAH*RD8*20261201-20270131~', 'DTP*AAH*RD8*20261201-20270131~DTP*102*D8*20261124~DTP*007*D8*20261201~DTP*036*D8*20270131~'],
    ['HSD*VS*6~', 'HSD*VS*6~MSG*BRING THE REFERRAL LETTER~'],
    ['SE*19*', 'SE*25*'],
  ]);

  it('go to the item (and the event dates to ClaimResponse.preAuthPeriod); valid under both versions', () => {
    for (const v of VERSIONS) {
      const { bundle, findings } = convertResponse(tx, { pasVersion: v });
      expect(validationErrors(bundle, v), v).toEqual([]);
      const cr = crOf(bundle);
      const item = cr.item![0]!;
      expect(ext(item, 'extension-itemPreAuthIssueDate')?.valueDate).toBe('2026-11-24'); // DTP*102
      expect(ext(item, 'extension-itemPreAuthPeriod')?.valuePeriod).toEqual({ start: '2026-12-01', end: '2027-01-31' }); // DTP*007, DTP*036
      expect(cr.preAuthPeriod).toEqual({ start: '2026-12-01', end: '2027-01-31' });
      expect(ext(item, 'extension-authorizationNumber')?.valueString).toBe('OLDAUTH-1'); // REF*BB: the authorization revised
      expect(ext(item, 'extension-administrationReferenceNumber')?.valueString).toBe('UMO-REF-77'); // REF*NT
      const ra = ext(item.adjudication![0], 'extension-reviewAction')!;
      expect(ra.extension?.find((e) => e.url === 'secondSurgicalOpinionFlag')?.valueBoolean).toBe(true); // HCR04 Y
      expect(cr.processNote).toEqual([{ number: 1, type: 'display', text: 'BRING THE REFERRAL LETTER' }]);
      expect(item.noteNumber).toEqual([1]);
      for (const seg of ['REF', 'DTP', 'MSG', 'HCR']) expect(findings.map(brief).join(' '), seg).not.toMatch(new RegExp(` ${seg}(\\*\\w+)?@`));
    }
  });
});

describe('a modified line (A6) with HSD and a 2010FA provider', () => {
  const tx = variant('dependent-response', [
    ['SV1*HC:97155*300*UN*4~', 'SV1*HC:97155*300*UN*4~HSD*VS*4*WK*1~NM1*SJ*1*OKAFOR*LENA****XX*1093817462~'],
    ['SE*33*', 'SE*35*'],
  ]);

  it('2.2.1: the HSD is the addItem ServiceRequest; the provider is authorized on the line and named on the addItem', () => {
    const { bundle, findings } = convertResponse(tx, { pasVersion: '2.2.1' });
    expect(validationErrors(bundle, '2.2.1')).toEqual([]);
    const cr = crOf(bundle);
    const added = cr.addItem![0]!;
    const sr = get<ServiceRequest>(bundle, ext(added, 'extension-requestedService')?.valueReference?.reference);
    expect(sr.quantityQuantity).toEqual({ system: `${X12}673`, code: 'VS', value: 4 });
    expect(sr.occurrenceTiming?.repeat).toEqual({ periodUnit: 'wk', period: 1 });
    expect(sr.code).toEqual(added.productOrService);
    expect(sr.subject).toEqual(cr.patient);
    const line = cr.item![1]!;
    const auth = ext(line, 'extension-itemAuthorizedProvider')!;
    const ref = auth.extension!.find((e) => e.url === 'provider')!.valueReference!.reference;
    expect(get<Practitioner>(bundle, ref).name).toEqual([{ family: 'OKAFOR', given: ['LENA'] }]);
    expect(added.provider).toEqual([{ extension: [{ url: `${PAS}extension-authorizedProviderType`, valueCodeableConcept: { coding: [{ system: `${X12}98`, code: 'SJ' }] } }], reference: ref }]);
    // The other lines have no provider of their own.
    expect(ext(cr.item![0], 'extension-itemAuthorizedProvider')).toBeUndefined();
    expect(findings.map(brief)).not.toContain('UNMAPPED_SEGMENT 2000A/2000B/2000C/2000D/2000E/2000F HSD@28');
  });

  it('2.0.1: no place for the addItem request type, certification type and ServiceRequest: reported at UM and HSD', () => {
    const { bundle, findings } = convertResponse(tx, { pasVersion: '2.0.1' });
    expect(validationErrors(bundle, '2.0.1')).toEqual([]);
    const F = '2000A/2000B/2000C/2000D/2000E/2000F';
    const at = findings.filter((f) => f.position === 25 || f.position === 28);
    // UM*HS*I*AE: all three elements go to addItem extensions 2.0.1 lacks, so the whole segment.
    expect(at.map(brief)).toEqual([`UNMAPPED_SEGMENT ${F} UM@25`, `UNMAPPED_SEGMENT ${F} HSD@28`]);
    for (const f of at) expect(f.message).toContain('PAS 2.0.1 has no place for it');
    const added = crOf(bundle).addItem![0]!;
    expect(added.extension).toBeUndefined();
    expect(added.productOrService.coding?.[0]?.code).toBe('97155');
  });
});

describeShared('corpus/x12', 'the stupidedi admission response', () => {
  describe('a modified event (stupidedi admission: 2000E HCR*A6, its line HCR*A1)', () => {
    const tx = corpusResponses().find((c) => c.file === 'stupidedi/admission-response-to-request-for-review.x12')!.tx;

    it('the line keeps its A1; the event modification is an addItem for it, from UM*AR*I*2*21:B and HSD*DY*5', () => {
      const { bundle } = convertResponse(tx, { pasVersion: '2.2.1' });
      const cr = crOf(bundle);
      const line = cr.item![0]!;
      const code = (x: { adjudication?: ClaimResponse['item'] extends (infer I)[] | undefined ? I extends { adjudication?: infer A } ? A : never : never }): unknown =>
        ext(x.adjudication![0], 'extension-reviewAction')?.extension?.find((e) => e.url === `${PAS}extension-reviewActionCode`)?.valueCodeableConcept?.coding?.[0]?.code;
      expect(code(line)).toBe('A1');
      const added = cr.addItem![0]!;
      expect(added.itemSequence).toEqual([1]);
      expect(code(added)).toBe('A6');
      expect(ext(added, 'extension-serviceItemRequestType')?.valueCodeableConcept?.coding?.[0]?.code).toBe('AR');
      expect(ext(added, 'extension-itemCategory')?.valueCodeableConcept?.coding?.[0]?.code).toBe('2');
      // No SV1/SV2 of the event: the service type is the product or service (as the IG's examples code it).
      expect(added.productOrService).toEqual({ coding: [{ system: `${X12}1365`, code: '2' }] });
      expect(added.locationCodeableConcept?.coding?.[0]?.code).toBe('21');
      const sr = get<ServiceRequest>(bundle, ext(added, 'extension-requestedService')?.valueReference?.reference);
      expect(sr.quantityQuantity).toEqual({ system: `${X12}673`, code: 'DY', value: 5 });
    });
  });
});

describe('PWK: the documents the UMO asks for', () => {
  describeShared('corpus/x12', 'the corpus emergency admission', () => {
    it('the corpus emergency admission (2000E PWK*AS*VO): a CommunicationRequest, valid under both versions', () => {
      const tx = corpusResponses().find((c) => c.file === 'stupidedi/emergency-admission-response-to-request-for-review.x12')!.tx;
      for (const v of VERSIONS) {
        const { bundle, findings } = convertResponse(tx, { pasVersion: v });
        expect(validationErrors(bundle, v), v).toEqual([]);
        const cr = crOf(bundle);
        expect(cr.communicationRequest).toHaveLength(1);
        const req = get<Record<string, unknown>>(bundle, cr.communicationRequest![0]!.reference);
        expect(req.category).toEqual([{ coding: [{ system: `${X12}755`, code: 'AS' }] }]);
        expect(req.medium).toEqual([{ coding: [{ system: `${X12}756`, code: 'VO' }] }]);
        // By voice: no attachment control number needed (PAS IdentifierUnlessVO).
        expect(req.identifier).toBeUndefined();
        expect(req.status).toBe('active');
        expect(req.requester).toEqual(cr.insurer);
        expect(findings.map(brief).join(' ')).not.toContain('PWK');
      }
    });
  });

  it('a line PWK with a control number and a description: identifier, note, and the line number (2.2.1)', () => {
    const tx = variant('dependent-response', [
      ['SV1*HC:97156:HO*150*UN*4~', 'SV1*HC:97156:HO*150*UN*4~PWK*09*FX***AC*ATT-778*TREATMENT PLAN~'],
      ['SE*33*', 'SE*34*'],
    ]);
    const { bundle } = convertResponse(tx, { pasVersion: '2.2.1' });
    expect(validationErrors(bundle, '2.2.1')).toEqual([]);
    const cr = crOf(bundle);
    const req = get<Record<string, unknown>>(bundle, cr.communicationRequest![0]!.reference);
    expect(req.identifier).toEqual([{ value: 'ATT-778' }]);
    expect(req.note).toEqual([{ text: 'TREATMENT PLAN' }]);
    expect(req.extension).toEqual([{ url: `${PAS}extension-serviceLineNumber`, valuePositiveInt: 3 }]);
    const { bundle: older, findings } = convertResponse(tx, { pasVersion: '2.0.1' });
    expect(validationErrors(older, '2.0.1')).toEqual([]);
    expect(findings.some((f) => f.message.includes('serviceLineNumber on CommunicationRequest'))).toBe(true);
  });
});

describe('an event decision every line overrides', () => {
  it('has no place in PAS (reviewAction lives on item adjudications): reported at the 2000E HCR', () => {
    const tx = variant('dependent-response', [
      ['UM*HS*I*1*11:B~', 'UM*HS*I*1*11:B~HCR*A1*EVT-1~'],
      ['SE*33*', 'SE*34*'],
    ]);
    const { bundle, findings } = convertResponse(tx, { pasVersion: '2.2.1' });
    expect(validationErrors(bundle, '2.2.1')).toEqual([]);
    const f = findings.filter((x) => x.segment === 'HCR');
    expect(f.map(brief)).toEqual(['UNMAPPED_SEGMENT 2000A/2000B/2000C/2000D/2000E HCR@16']);
    expect(f[0]!.message).toContain('has no place in PAS when every line has a decision of its own');
    expect(JSON.stringify(bundle)).not.toContain('EVT-1');
  });
});

describe('secondary ids with a published system (REF*SY, REF*EI)', () => {
  it('2010C REF*SY and 2010EA REF*EI become identifiers, valid under both versions, and come back', () => {
    const tx = variant('referral-response', [
      ['MI*W123456789~', 'MI*W123456789~REF*SY*123456789~'],
      ['NM1*SJ*1*OKAFOR*LENA****XX*1093817462~', 'NM1*SJ*1*OKAFOR*LENA****XX*1093817462~REF*EI*987654321~'],
      ['SE*19*', 'SE*21*'],
    ]);
    for (const v of VERSIONS) {
      const { bundle, findings } = convertResponse(tx, { pasVersion: v });
      expect(validationErrors(bundle, v), v).toEqual([]);
      expect(findings.map(brief).join(' ')).not.toContain(' REF');
      const ids = JSON.stringify(bundle);
      expect(ids).toContain('{"system":"http://hl7.org/fhir/sid/us-ssn","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS"}]},"value":"123456789"}');
      expect(ids).toContain('{"system":"urn:oid:2.16.840.1.113883.4.4","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"TAX"}]},"value":"987654321"}');
      const { segments } = bundleToResponse(bundle);
      const written = segments!.map((s) => s.map((e) => e.join(':')).join('*'));
      expect(written).toContain('REF*SY*123456789');
      expect(written).toContain('REF*EI*987654321');
    }
  });
});
