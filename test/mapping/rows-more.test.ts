/**
 * Rows of mappings/request/diagnoses-other.json (ICD-9-CM and DRG in HI), conditions.json (CRC)
 * and attachments.json (PWK), in both directions: a sample with the segment added converts with
 * no invalid value and no unmapped finding for the new places, validates under PAS 2.2.1 and
 * 2.0.1, and the way back writes the mapped loops as they were.
 */
import type { Bundle, Claim, Extension } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle, type MappingFinding } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { PAS_EXTENSION, validateBundle, type PasVersion } from '../../src/pas/index.js';
import type { TransactionSet } from '../../src/x12/index.js';
import { sample } from './support.js';

/** No cache chosen: the snapshot x12pas ships. */
const packages = {};
const VERSIONS: readonly PasVersion[] = ['2.2.1', '2.0.1'];
const EVENT = '2000A/2000B/2000C/2000E';
const ICD9 = 'http://terminology.hl7.org/CodeSystem/icd9cm';
const MS_DRG = 'https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/AcuteInpatientPPS/MS-DRG-Classifications-and-Software';
const TEMP = 'http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes';

const brief = (f: MappingFinding): string => `${f.code} ${f.loop || 'header'} ${f.segment}@${f.position}${f.element !== undefined ? `.${f.element}` : ''}`;
const claimOf = (b: Bundle): Claim => b.entry![0]!.resource as Claim;

/** The referral sample with segments replaced (SE01 adjusted by the caller's replacements). */
function referral(replace: ReadonlyArray<readonly [string, string]>): TransactionSet {
  const tx = sample('referral-request', replace);
  expect(tx.accepted, JSON.stringify(tx.findings)).toBe(true);
  return tx;
}

/** Converts under both versions: no invalid value, nothing unmapped in the given segments, zero validation errors. */
function convertsAndValidates(tx: TransactionSet, segments: readonly string[]): Record<PasVersion, Bundle> {
  const out = {} as Record<PasVersion, Bundle>;
  for (const v of VERSIONS) {
    const r = requestToBundle(tx, { pasVersion: v });
    expect(r.bundle, v).not.toBeNull();
    const at = r.findings.map(brief);
    expect(at.filter((f) => f.startsWith('INVALID_VALUE')), v).toEqual([]);
    for (const s of segments) expect(at.filter((f) => f.includes(` ${s}@`)), `${v} ${s}`).toEqual([]);
    const errors = validateBundle(r.bundle!, { pasVersion: v, packages })
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.location}: ${f.message}`);
    expect(errors, `PAS ${v}`).toEqual([]);
    out[v] = r.bundle!;
  }
  return out;
}

/** The referral sample's event loop instance, as round-trip differences name it. */
const EVENT_INSTANCE = '2000A[0]/2000B[0]/2000C[0]/2000E[0]';

/** X12 -> PAS 2.2.1 -> X12: no error on the way back, no difference in the event loop (the mapped one). */
function roundTrips(tx: TransactionSet): ReturnType<typeof roundTripRequest> {
  const rt = roundTripRequest(tx, { pasVersion: '2.2.1' });
  expect(rt.writeFindings.filter((f) => f.severity === 'error'), JSON.stringify(rt.writeFindings)).toEqual([]);
  const inEvent = rt.differences.filter((d) => d.loop === EVENT_INSTANCE);
  expect(inEvent, JSON.stringify(inEvent)).toEqual([]);
  return rt;
}

describe('HI: ICD-9-CM and DRG', () => {
  const tx = () => referral([['HI*ABK:M5416*ABF:G8929~', 'HI*BK:41090*BJ:V1046*BF:E8809*BF:250*DR:470~']]);

  it('reads ICD-9-CM codes with their point, the DRG as MS-DRG; valid under both versions', () => {
    const bundles = convertsAndValidates(tx(), ['HI']);
    for (const v of VERSIONS) {
      expect(claimOf(bundles[v]).diagnosis, v).toEqual([
        { sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD9, code: '410.90' }] }, type: [{ coding: [{ system: TEMP, code: 'principal' }] }] },
        { sequence: 2, diagnosisCodeableConcept: { coding: [{ system: ICD9, code: 'V10.46' }] }, type: [{ coding: [{ system: TEMP, code: 'admitting' }] }] },
        { sequence: 3, diagnosisCodeableConcept: { coding: [{ system: ICD9, code: 'E880.9' }] } },
        { sequence: 4, diagnosisCodeableConcept: { coding: [{ system: ICD9, code: '250' }] } },
        { sequence: 5, diagnosisCodeableConcept: { coding: [{ system: MS_DRG, code: '470' }] } },
      ]);
    }
  });

  it('writes them back as they were', () => {
    roundTrips(tx());
  });
});

describe('CRC: condition indicators', () => {
  const tx = () =>
    referral([
      ['HSD*VS*6~', 'HSD*VS*6~CRC*07*Y*09*12~CRC*09*N*ZV~CRC*77*Y*AL*CT*OT*LC*DA~'],
      ['SE*19*', 'SE*22*'],
    ]);

  it('reads each CRC into its own extension-conditionCode; valid under both versions', () => {
    const bundles = convertsAndValidates(tx(), ['CRC*07', 'CRC*09', 'CRC*77']);
    const cat = (code: string): Extension => ({ url: 'category', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/1136', code }] } });
    const cond = (code: string): Extension => ({ url: 'code', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/1321', code }] } });
    for (const v of VERSIONS) {
      const found = (claimOf(bundles[v]).extension ?? []).filter((e) => e.url === PAS_EXTENSION.conditionCode);
      expect(found, v).toEqual([
        { url: PAS_EXTENSION.conditionCode, extension: [cat('07'), { url: 'indicator', valueBoolean: true }, cond('09'), cond('12')] },
        { url: PAS_EXTENSION.conditionCode, extension: [cat('09'), { url: 'indicator', valueBoolean: false }, cond('ZV')] },
        { url: PAS_EXTENSION.conditionCode, extension: [cat('77'), { url: 'indicator', valueBoolean: true }, ...['AL', 'CT', 'OT', 'LC', 'DA'].map(cond)] },
      ]);
    }
  });

  it('writes them back as they were', () => {
    roundTrips(tx());
  });

  it('a CRC02 other than Y or N is an invalid value, not a guess', () => {
    const r = requestToBundle(referral([['HSD*VS*6~', 'HSD*VS*6~CRC*07*X*09~'], ['SE*19*', 'SE*20*']]), { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.code === 'INVALID_VALUE').map(brief)).toEqual([`INVALID_VALUE ${EVENT} CRC*07@17.2`]);
  });
});

describe('PWK: attachments', () => {
  const tx = (pwk: string) => referral([['HSD*VS*6~', `HSD*VS*6~${pwk}~`], ['SE*19*', 'SE*20*']]);
  const docInfo = (b: Bundle) => claimOf(b).supportingInfo?.find((s) => s.category.coding?.[0]?.code === 'additionalInformation');

  it('reads PWK into an AdditionalInformation supportingInfo (documentInformation in 2.2.1); valid under both versions', () => {
    const bundles = convertsAndValidates(tx('PWK*OZ*BM***AC*DOC12345*SENT BY MAIL'), ['PWK']);
    const absent = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unsupported' }] };
    expect(docInfo(bundles['2.2.1'])).toEqual({
      sequence: 2,
      category: { coding: [{ system: TEMP, code: 'additionalInformation' }] },
      valueReference: absent,
      extension: [
        {
          url: PAS_EXTENSION.documentInformation,
          extension: [
            { url: 'reportTypeCode', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/755', code: 'OZ' }] } },
            { url: 'transmissionMethod', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/756', code: 'BM' }] } },
            { url: 'controlNumber', valueString: 'DOC12345' },
            { url: 'description', valueString: 'SENT BY MAIL' },
          ],
        },
      ],
    });
    // 2.0.1 has no documentInformation: the entry only says an attachment exists.
    expect(docInfo(bundles['2.0.1'])).toEqual({ sequence: 2, category: { coding: [{ system: TEMP, code: 'additionalInformation' }] }, valueReference: absent });
  });

  // Fails until the writer is fixed: resolveSlice (src/mapping/engine/write-rows.ts) caches a slice's
  // entry per array by slice name only. Matching the supportingInfo[attachment] entry scores its
  // constants, among them `extension[documentInformation].url`; that lookup runs with the generic
  // key `*|extension`, which names no slice, and caches null for `documentInformation` on the
  // entry's extension array; the value path then gets the cached null and writes no PWK. (CR6,
  // extension[homeHealth].extension[prognosis], is lost the same way.) Keying the cache by slice
  // table key and name makes both round-trip.
  it('writes it back as it was (with and without a control number)', () => {
    roundTrips(tx('PWK*OZ*BM***AC*DOC12345*SENT BY MAIL'));
    roundTrips(tx('PWK*77*AA'));
  });

  // A repeat of a segment use makes its own entry of the repeating element its rows write (repeats.ts), both ways.
  it('two PWK in one event give two attachments, each with its own values, and come back as two PWK', () => {
    const two = referral([['HSD*VS*6~', 'HSD*VS*6~PWK*OZ*BM***AC*DOC1~PWK*77*FX~'], ['SE*19*', 'SE*21*']]);
    const r = requestToBundle(two, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.segment === 'PWK')).toEqual([]);
    const found = claimOf(r.bundle!).supportingInfo?.filter((s) => s.category.coding?.[0]?.code === 'additionalInformation') ?? [];
    const control = found.map((s) => s.extension?.[0]?.extension?.find((e) => e.url === 'controlNumber')?.valueString);
    expect(control).toEqual(['DOC1', undefined]);
    expect(roundTripRequest(two, { pasVersion: '2.2.1' }).differences.filter((d) => /PWK/.test(d.original + d.written))).toEqual([]);
  });
});

describe('HI dates (read only)', () => {
  it('HIxx-4 goes to extension-diagnosisRecordedDate; valid under both versions', () => {
    const tx = referral([['HI*ABK:M5416*ABF:G8929~', 'HI*BF:41090:D8:20050125*ABF:G8929~']]);
    const bundles = convertsAndValidates(tx, []);
    // The date is read but not written back (read-only row): its format qualifier HI01-3 is reported, so the round trip's loss is known.
    expect(requestToBundle(tx, { pasVersion: '2.2.1' }).findings.filter((f) => f.segment === 'HI').map((f) => f.message)).toEqual([expect.stringContaining('HI01-3')]);
    for (const v of VERSIONS) {
      expect(claimOf(bundles[v]).diagnosis?.[0], v).toEqual({
        sequence: 1,
        diagnosisCodeableConcept: { coding: [{ system: ICD9, code: '410.90' }] },
        extension: [{ url: PAS_EXTENSION.diagnosisRecordedDate, valueDate: '2005-01-25' }],
      });
    }
  });
});
