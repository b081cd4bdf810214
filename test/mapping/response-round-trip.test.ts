/**
 * PAS Response Bundle -> X217 response -> PAS Response Bundle: for the samples and the corpus, the
 * bundle read back equals the one written (PAS 2.2.1 and 2.0.1), and what was written passes our
 * X217 response grammar and node-x12's strict parser. Compared as `comparable` (response-support.ts) makes them.
 */
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { bundleToResponse, responseBundleToX12 } from '../../src/mapping/index.js';
import { comparable, convertResponse, corpusResponses, sampleTransactions, VERSIONS, type ResponseCase } from './response-support.js';
import { transactions } from './support.js';

/** Corpus files left out, and why. */
const DEFECTS: Readonly<Record<string, string>> = {
  'oopfactory/Example_3_3_2_Response.x12': 'its requester NM1 has one element too few (46 lands in NM107, so NM108/NM109 are empty) and TRN03 has 9 characters (X12 asks for 10): read with warnings, but a 278 we write must be valid, so the writer refuses it, naming the requester identifier first',
};

const SAMPLE_CASES: ResponseCase[] = ['referral-response', 'admission-response', 'dependent-response'].flatMap((n) => sampleTransactions(n).map((tx) => ({ file: `samples/${n}.x12`, tx })));

/** Each response there and back, under both versions. */
function roundTripEach(cases: readonly ResponseCase[]): void {
  for (const { file, tx } of cases) {
    it(`${file} (${tx.control}): the bundle comes back the same`, () => {
      for (const v of VERSIONS) {
        const first = convertResponse(tx, { pasVersion: v }).bundle;
        const written = responseBundleToX12(first);
        if (DEFECTS[file] !== undefined) {
          expect(written.text).toBeNull();
          expect(written.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['MISSING_IDENTIFIER']);
          continue;
        }
        expect(written.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(() => new X12Parser(true).parse(written.text!)).not.toThrow();
        const [again] = transactions(written.text!);
        expect(again!.accepted, JSON.stringify(again!.findings)).toBe(true);
        const second = convertResponse(again!, { pasVersion: v }).bundle;
        expect(comparable(second), `${file} ${v}`).toEqual(comparable(first));
      }
    });
  }
}

describe('X217 response -> PAS -> X217 -> PAS', () => {
  roundTripEach(SAMPLE_CASES);
  describeShared('corpus/x12', 'the corpus responses', () => roundTripEach(corpusResponses()));

  describeShared('corpus/x12', 'the stupidedi admission response', () => {
    it('writes the layout the reader expects: lines in 2000F, the event decision of a modified event at 2000E', () => {
      const admission = corpusResponses().find((c) => c.file === 'stupidedi/admission-response-to-request-for-review.x12')!;
      const { segments } = bundleToResponse(convertResponse(admission.tx, { pasVersion: '2.2.1' }).bundle);
      const ids = segments!.map((s) => s.map((e) => e.join(':')).join('*'));
      expect(ids).toContain('HCR*A6*AUTH0002');
      expect(ids).toContain('HCR*A1*AUTH0002');
      expect(ids.indexOf('HCR*A6*AUTH0002')).toBeLessThan(ids.findIndex((s) => s.startsWith('HL*5*4*SS')));
      expect(ids).toContain('HSD*DY*5');
    });
  });

  it('AAA from ClaimResponse.error: the samples second set', () => {
    const [, rejected] = sampleTransactions('dependent-response');
    const { segments } = bundleToResponse(convertResponse(rejected!, { pasVersion: '2.2.1' }).bundle);
    expect(segments!.map((s) => s.map((e) => e.join(':')).join('*'))).toEqual([
      'BHT*0007*11*CLN20261123D9*20261124*1120',
      'HL*1**20*1',
      'NM1*X3*2*ACME HEALTH PLAN******PI*60054'.replace('******', '*****'),
      'HL*2*1*21*1',
      'NM1*1P*2*LAKESIDE PEDIATRICS*****XX*1245780360',
      'HL*3*2*22*0',
      'NM1*IL*1*GARCIA*LUIS****MI*W555000999',
      'AAA*N**75*C',
    ]);
  });

  it('what the 278 has no place for is reported (NOT_WRITTEN), not dropped silently', () => {
    const [tx] = sampleTransactions('dependent-response');
    const bundle = convertResponse(tx!, { pasVersion: '2.2.1' }).bundle;
    const cr = bundle.entry![0]!.resource as unknown as Record<string, unknown> & { item: Array<Record<string, unknown>> };
    cr.disposition = 'see the letter';
    cr.item[0]!.extension = [...((cr.item[0]!.extension as unknown[]) ?? []), { url: 'http://example.org/other', valueString: 'x' }];
    // An admission date (2000E only) that differs between lines: the 2000E holds one.
    cr.item[0]!.extension = [...(cr.item[0]!.extension as unknown[]), { url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-admissionDates', valueDate: '2026-12-01' }];
    cr.item[1]!.extension = [...((cr.item[1]!.extension as unknown[]) ?? []), { url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-admissionDates', valueDate: '2026-12-02' }];
    const { findings } = bundleToResponse(bundle);
    const msgs = findings.filter((f) => f.code === 'NOT_WRITTEN').map((f) => f.message);
    const paths = findings.filter((f) => f.code === 'NOT_WRITTEN').map((f) => f.path);
    // Named by their path in the bundle (the ledger: whatever no writer carried).
    expect(paths).toContain('Bundle.entry[0].resource.disposition');
    const other = (cr.item[0]!.extension as Array<{ url: string }>).findIndex((e) => e.url === 'http://example.org/other');
    expect(paths).toContain(`Bundle.entry[0].resource.item[0].extension[${other}]`);
    expect(msgs.filter((m) => m.startsWith('DTP*435'))).toEqual(['DTP*435 (r-e-dtp-435-d8): the items differ ("20261201", "20261202", null); the 2000E holds one value: the first item\'s is written']);
  });

  it('a bundle whose first entry is not a ClaimResponse is refused', () => {
    const r = responseBundleToX12({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient' } }] });
    expect(r.text).toBeNull();
    expect(r.findings.map((f) => f.code)).toEqual(['NOT_A_RESPONSE_BUNDLE']);
  });
});
