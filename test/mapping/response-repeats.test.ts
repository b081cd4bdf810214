/**
 * Repeats of a segment use in one loop instance of an X217 response or X215 inquiry response
 * (repeats.ts, repeat-write.ts: the mechanism requests use): each repeat of a kind becomes its own
 * entry of the repeating FHIR element its rows write (two TRN*1 at 2000E two ClaimResponse
 * identifiers, two REF*EI two provider identifiers, two REF*SY two SSN identifiers, each PWK its
 * own CommunicationRequest) and comes back as its own segment. What PAS holds once
 * (ClaimResponse.request.identifier: a second TRN*2 at 2000E) and what PAS cannot tell apart
 * (2000F TRN01 1 and 2 are both an itemTraceNumber, told apart by their order) stay reported.
 */
import type { Bundle, ClaimResponse, Identifier } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { inquiryResponseToBundle, responseToBundle, type MappingFinding } from '../../src/mapping/index.js';
import { roundTripResponse } from '../../src/mapping/round-trip.js';
import type { PasVersion } from '../../src/pas/index.js';
import type { TransactionSet } from '../../src/x12/index.js';
import { validationErrors } from './response-support.js';
import { requestSet } from './support.js';

// `+` marks a repeat: the body without them is the baseline the repeats must add nothing to.
// Different kinds of one segment use (REF*SY, REF*EI) are in the order the writer lays them out.
const BODY = [
  'BHT*0007*11*RSP1*20261124*1015',
  'HL*1**20*1',
  'NM1*X3*2*PAYER*****PI*60054',
  'HL*2*1*21*1',
  'NM1*1P*2*CLINIC*****XX*1578902342',
  'REF*SY*333333333',
  '+REF*SY*444444444',
  'REF*EI*111111111',
  '+REF*EI*222222222',
  'HL*3*2*22*1',
  'NM1*IL*1*ROE*RI****MI*M1',
  'REF*SY*555555555',
  '+REF*SY*666666666',
  '+REF*SY*666666667',
  'HL*4*3*23*1',
  'NM1*QC*1*ROE*JO',
  'REF*SY*777777777',
  '+REF*SY*888888888',
  'HL*5*4*EV*1',
  'TRN*2*REQ1*1578902342',
  'TRN*1*UMO1*9600054321',
  '+TRN*1*UMO2*9600054322',
  '+TRN*1*UMO3*9600054323',
  'UM*HS*I*3',
  'NM1*SJ*1*OKAFOR*LENA****XX*1093817462',
  'REF*EI*123456789',
  '+REF*EI*223456789',
  'HL*6*5*SS*0',
  'TRN*2*L1*1578902342',
  'TRN*1*U1*9600054321',
  'HCR*A1*AUTH2',
  'PWK*03*BM',
  '+PWK*04*EL***AC*CTRL2*SECOND ONE',
  'NM1*SJ*1*ADE*BO****XX*1679576722',
  'REF*EI*323456789',
  '+REF*EI*423456789',
  'HL*7*5*SS*0',
  'TRN*2*L3*1578902342',
  'HCR*A1*AUTH3',
];

const base = BODY.filter((s) => !s.startsWith('+'));
const full = BODY.map((s) => s.replace(/^\+/, ''));
const REPEATED = BODY.filter((s) => s.startsWith('+')).map((s) => s.slice(1));

const versions: PasVersion[] = ['2.2.1', '2.0.1'];
const kinds = [
  { name: 'X217 response', implementation: '005010X217', read: responseToBundle },
  { name: 'X215 inquiry response', implementation: '005010X215', read: inquiryResponseToBundle },
] as const;
const trace = (i: Identifier): string => `${i.value} ${i.system}`;
const claimResponse = (b: Bundle): ClaimResponse => b.entry![0]!.resource as ClaimResponse;
const aboutRepeats = (fs: readonly MappingFinding[]): string[] => fs.filter((f) => /repeat/.test(f.message)).map((f) => `${f.segment} ${f.position}`);
const roundTrip = (tx: TransactionSet, v: PasVersion): { differences: string[]; notWritten: string[] } => {
  const rt = roundTripResponse(tx, { pasVersion: v });
  return { differences: rt.differences.map((d) => `${d.original} -> ${d.written}`), notWritten: rt.writeFindings.filter((f) => f.code === 'NOT_WRITTEN').map((f) => f.message) };
};

for (const k of kinds) {
  describe(`repeats in an ${k.name}`, () => {
    const tx = requestSet(full, k.implementation);

    it('each repeat is its own entry (identifiers, attachments requested), no finding about them, and the bundle is valid', () => {
      for (const v of versions) {
        const r = k.read(tx, { pasVersion: v });
        expect(aboutRepeats(r.findings), v).toEqual([]);
        const b = r.bundle!;
        expect(claimResponse(b).identifier!.map(trace), v).toEqual(['UMO1 urn:trnorg:9600054321', 'UMO2 urn:trnorg:9600054322', 'UMO3 urn:trnorg:9600054323']);
        const ids = (b.entry ?? []).flatMap((e) => ((e.resource as { identifier?: Identifier[] } | undefined)?.identifier ?? []).map((i) => i.value));
        for (const id of ['111111111', '222222222', '333333333', '444444444', '555555555', '666666666', '666666667', '777777777', '888888888', '123456789', '223456789', '323456789', '423456789']) {
          expect(ids.filter((x) => x === id).length, `${v} ${id}`).toBe(1);
        }
        const requests = (b.entry ?? []).filter((e) => e.resource?.resourceType === 'CommunicationRequest');
        expect(requests.length, v).toBe(2);
        expect(validationErrors(b, v), v).toEqual([]);
      }
    });

    it('plain round trip: every repeat comes back as it was (the repeats add no difference and no NOT_WRITTEN to the baseline)', () => {
      for (const v of versions) {
        // Under 2.0.1 a line's PWK comes back at the 2000E even alone (a matter of its own): left out there.
        const keep = (s: string): boolean => v === '2.2.1' || !s.includes('PWK');
        const withRepeats = roundTrip(requestSet(full.filter(keep), k.implementation), v);
        const baseline = roundTrip(requestSet(base.filter(keep), k.implementation), v);
        expect(withRepeats, v).toEqual(baseline);
        // The baseline itself keeps every segment the repeats are of.
        for (const s of REPEATED) expect(withRepeats.differences.join('\n'), `${v} ${s}`).not.toContain(s.slice(0, 3));
      }
    });

    it('lossless round trip: exact, repeats and all', () => {
      for (const v of versions) expect(roundTripResponse(tx, { pasVersion: v, lossless: true }).differences, v).toEqual([]);
    });
  });
}

describe('repeats PAS cannot hold are reported, not read', () => {
  it('a second TRN*2 at 2000E: ClaimResponse.request has one identifier', () => {
    const body = full.flatMap((s) => (s === 'TRN*2*REQ1*1578902342' ? [s, 'TRN*2*REQ2*1578902342'] : [s]));
    for (const v of versions) {
      const r = responseToBundle(requestSet(body), { pasVersion: v });
      expect(aboutRepeats(r.findings), v).toEqual([`TRN ${body.indexOf('TRN*2*REQ2*1578902342') + 2}`]);
      expect(JSON.stringify(claimResponse(r.bundle!).request), v).not.toContain('REQ2');
      expect(roundTrip(requestSet(body), v).differences, v).toContain('TRN*2*REQ2*1578902342 -> ');
    }
  });

  it('a second 2000F TRN of either kind: both kinds are an itemTraceNumber, only their order tells them apart', () => {
    const body = full.flatMap((s) => (s === 'TRN*2*L1*1578902342' ? [s, 'TRN*2*L2*1578902343'] : s === 'TRN*1*U1*9600054321' ? [s, 'TRN*1*U2*9600054322'] : [s]));
    for (const v of versions) {
      const r = responseToBundle(requestSet(body), { pasVersion: v });
      expect(aboutRepeats(r.findings), v).toEqual([`TRN ${body.indexOf('TRN*2*L2*1578902343') + 2}`, `TRN ${body.indexOf('TRN*1*U2*9600054322') + 2}`]);
      const item = claimResponse(r.bundle!).item![0]!;
      expect(item.extension!.filter((e) => e.url.endsWith('extension-itemTraceNumber')).map((e) => e.valueIdentifier!.value), v).toEqual(['L1', 'U1']);
    }
  });
});
