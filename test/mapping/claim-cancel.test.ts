/**
 * A Claim-level certification type 3 cancels the whole request: UM02 3 at the event level and on
 * every service (not an initial request), and reads back the same (issue 13).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { validateBundle } from '../../src/pas/index.js';
import { sample } from './support.js';

type Obj = Record<string, unknown>;
const CERT = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-certificationType';
const X12_1322 = 'https://codesystem.x12.org/005010/1322';
const claimOf = (b: Bundle): Obj => b.entry![0]!.resource as unknown as Obj;
const certOf = (o: Obj): unknown => (((o.extension as Obj[] | undefined) ?? []).find((x) => x.url === CERT)?.valueCodeableConcept as { coding: Obj[] } | undefined)?.coding[0]?.code;
/** UM02 of each UM written, by level. */
const um02 = (segments: ReadonlyArray<{ key: string; els: string[][] }>): string[] =>
  segments.filter((s) => s.els[0]![0] === 'UM').map((s) => `${/2000[EF](\[\d+\])?$/.exec(s.key)![0]}:${s.els[2]?.[0] ?? ''}`);

describe('Claim-level certification type 3', () => {
  it('from FHIR: cancels every item, UM02 3 at the event level and on every service; bundle -> 278 -> bundle keeps it', () => {
    const b = requestToBundle(sample('service-provider-request'), { pasVersion: '2.2.1' }).bundle!;
    const claim = claimOf(b);
    expect(certOf(claim)).toBeUndefined();
    claim.extension = [...((claim.extension as Obj[] | undefined) ?? []), { url: CERT, valueCodeableConcept: { coding: [{ system: X12_1322, code: '3' }] } }];
    const w = bundleToRequest(b);
    expect(w.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(um02(w.segments!)).toEqual(['2000E[0]:3', '2000F[0]:3', '2000F[1]:3']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    const again = claimOf(rt.again as unknown as Bundle);
    expect(certOf(again)).toBe('3');
    expect((again.item as Obj[]).map(certOf)).toEqual(['3', '3']);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('from X12: UM02 3 at the event and on every service reads as a Claim-level 3 (valid PAS), and comes back the same', () => {
    const tx = sample('service-provider-request', [['UM*HS*I*2*11:B~', 'UM*HS*3*2*11:B~'], ['DTP*472', 'UM*HS*3~DTP*472'], ['SE*30*0001', 'SE*32*0001']]);
    const rt = roundTripRequest(tx, { pasVersion: '2.2.1' });
    const claim = claimOf(rt.bundle!);
    expect(certOf(claim)).toBe('3');
    expect((claim.item as Obj[]).map(certOf)).toEqual(['3', '3']);
    expect(validateBundle(rt.bundle!, { pasVersion: '2.2.1', packages: {} }).filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([]);
    expect(um02(rt.written!)).toEqual(['2000E[0]:3', '2000F[0]:3', '2000F[1]:3']);
    expect(rt.differences).toEqual([]);
  });

  it('one cancelled service among others is not a Claim-level cancel', () => {
    const tx = sample('service-provider-request', [['TRN*1*SVP2026112501-2*1902847569~', 'TRN*1*SVP2026112501-2*1902847569~UM*HS*3*2~'], ['SE*30*0001', 'SE*31*0001']]);
    const b = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    expect(certOf(claimOf(b))).toBeUndefined();
    expect((claimOf(b).item as Obj[]).map(certOf)).toEqual(['I', '3']);
  });
});
