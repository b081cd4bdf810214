/**
 * 2000E UM05 related causes and DTP*439 accident date <-> Claim.accident, both ways (issues 13, 14).
 */
import type { Bundle, Claim } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { silentChanges } from '../../src/mapping/engine/silent.js';
import { sample } from './support.js';

type Obj = Record<string, unknown>;
const claimOf = (b: Bundle): Claim => b.entry![0]!.resource as Claim;
const WITH_DATE: ReadonlyArray<readonly [string, string]> = [
  ['UM*AR*I*1*21:A**U', 'UM*AR*I*1*21:A*AA:EM::NJ:US*U'],
  ['DTP*435*D8*20261130', 'DTP*435*D8*20261130~DTP*439*D8*20261128'],
  ['SE*26*0001', 'SE*27*0001'],
];
/** UM05 of the event level, as written. */
const um05 = (segments: ReadonlyArray<{ key: string; els: string[][] }>): string | undefined =>
  segments.filter((s) => s.key.endsWith('2000E[0]') && s.els[0]![0] === 'UM').map((s) => (s.els[5] ?? []).join(':').replace(/:+$/, ''))[0];

describe('Claim.accident', () => {
  it('reads UM05 as accident.type codings and location, DTP*439 as accident.date; the plain round trip gives them back', () => {
    const tx = sample('admission-request', WITH_DATE);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => (f.segment === 'UM' && f.element === 5) || f.segment === 'DTP*439')).toEqual([]);
    expect(claimOf(r.bundle!).accident).toEqual({
      type: { coding: [{ system: 'https://codesystem.x12.org/005010/1362', code: 'AA' }, { system: 'https://codesystem.x12.org/005010/1362', code: 'EM' }] },
      locationAddress: { state: 'NJ', country: 'US' },
      date: '2026-11-28',
    });
    const rt = roundTripRequest(tx, { pasVersion: '2.2.1' });
    expect(um05(rt.written!)).toBe('AA:EM::NJ:US');
    expect(rt.written!.some((s) => s.els[0]![0] === 'DTP' && s.els[1]![0] === '439' && s.els[3]![0] === '20261128')).toBe(true);
    // (The event's UM01/UM03 differ from the lines': reported by the layout analysis, not ours.)
    expect(rt.differences.filter((d) => /DTP\*439/.test(d.original) || (d.original.startsWith('UM') && d.original.split('*')[5] !== d.written.split('*')[5]))).toEqual([]);
  });

  it('an accident date range (DTP*439 RD8): no place in a FHIR date, reported where it stands; the date is data-absent and the round trip names the loss', () => {
    const tx = sample('admission-request', [WITH_DATE[0]!, ['DTP*435*D8*20261130', 'DTP*435*D8*20261130~DTP*439*RD8*20261127-20261128'], WITH_DATE[2]!]);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    const at = tx.segments.findIndex((s) => s.id === 'DTP' && s.element(1) === '439') + 1;
    expect(r.findings.filter((f) => f.position === at).map((f) => f.code)).toEqual(['UNMAPPED_SEGMENT']);
    expect(r.findings.some((f) => f.code === 'DEFAULTED' && f.segment === 'UM' && f.element === 5)).toBe(true);
    expect((claimOf(r.bundle!).accident as unknown as Obj)._date).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
    const rt = roundTripRequest(tx, { pasVersion: '2.2.1' });
    expect(rt.differences.filter((d) => d.position === at).map((d) => d.original)).toEqual(['DTP*439*RD8*20261127-20261128']);
    expect(silentChanges(rt.differences, r.findings)).toEqual([]);
  });

  it('UM05 without DTP*439: the date FHIR requires is marked data-absent and reported; no DTP*439 is invented on the way back', () => {
    const tx = sample('admission-request', [['UM*AR*I*1*21:A**U', 'UM*AR*I*1*21:A*OA*U']]);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    const accident = claimOf(r.bundle!).accident as unknown as Obj;
    expect(accident.date).toBeUndefined();
    expect(JSON.stringify(accident._date)).toContain('data-absent-reason');
    expect(r.findings.find((f) => f.code === 'DEFAULTED' && f.segment === 'UM')?.element).toBe(5);
    const back = bundleToRequest(r.bundle!);
    expect(um05(back.segments!)).toBe('OA');
    expect(back.segments!.some((s) => s.els[0]![0] === 'DTP' && s.els[1]![0] === '439')).toBe(false);
    expect(back.findings.filter((f) => /accident/.test(f.path ?? ''))).toEqual([]);
  });

  it('from FHIR: a v3 incident code is written as its X12 cause (reported), an unknown one is reported; bundle -> 278 -> bundle keeps the rest', () => {
    const read = requestToBundle(sample('admission-request', WITH_DATE), { pasVersion: '2.2.1' }).bundle!;
    const claim = claimOf(read) as unknown as Obj;
    claim.accident = { date: '2026-11-28', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'MVA' }] }, locationAddress: { state: 'NJ' } };
    const back = bundleToRequest(read);
    expect(um05(back.segments!)).toBe('AA:::NJ');
    expect(back.findings.some((f) => f.code === 'LOSSY_VALUE' && /accident/.test(f.path ?? ''))).toBe(true);
    const rt = fhirRoundTrip(read, { pasVersion: '2.2.1' });
    expect((claimOf(rt.again as unknown as Bundle).accident as unknown as Obj).date).toBe('2026-11-28');
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });
});
