/**
 * Claim-level authorization and administration reference numbers (PAS 2.2.1 slices them on the
 * Claim) <-> 2000E REF*BB / REF*NT; item-level ones stay at 2000F (issue 13).
 */
import type { Bundle, Claim } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { sample } from './support.js';

type Obj = Record<string, unknown>;
const SD = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
const AUTH = `${SD}extension-authorizationNumber`;
const ADMIN = `${SD}extension-administrationReferenceNumber`;
const claimOf = (b: Bundle): Obj => b.entry![0]!.resource as unknown as Obj;
/** The REF segments written, as `2000E|REF*BB*X` or `2000F[i]|...`. */
const refs = (segments: ReadonlyArray<{ key: string; els: string[][] }>): string[] =>
  segments.filter((s) => s.els[0]![0] === 'REF' && /2000[EF](\[\d+\])?$/.test(s.key)).map((s) => `${/2000F\[\d+\]$/.exec(s.key)?.[0] ?? '2000E'}|${s.els.map((e) => e.join(':')).join('*')}`);
const itemRef = (item: Obj, url: string): unknown => ((item.extension as Obj[] | undefined) ?? []).find((x) => x.url === url)?.valueString;

describe('Claim-level reference numbers', () => {
  const read = (): Bundle => requestToBundle(sample('service-provider-request'), { pasVersion: '2.2.1' }).bundle!;

  it('go to 2000E REF*BB / REF*NT when no item has its own, and read back on every item (reported)', () => {
    const b = read();
    const claim = claimOf(b);
    claim.extension = [...((claim.extension as Obj[] | undefined) ?? []), { url: AUTH, valueString: 'PA-1001' }, { url: ADMIN, valueString: 'ADM-77' }];
    const w = bundleToRequest(b);
    expect(refs(w.segments!)).toEqual(['2000E|REF*BB*PA-1001', '2000E|REF*NT*ADM-77']);
    expect(w.findings.filter((f) => f.code === 'NOT_WRITTEN')).toEqual([]);
    expect(w.findings.filter((f) => f.code === 'LOSSY_VALUE').map((f) => f.path)).toHaveLength(2);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    const again = claimOf(rt.again as unknown as Bundle) as unknown as Claim;
    expect(again.item!.map((i) => itemRef(i as unknown as Obj, AUTH))).toEqual(['PA-1001', 'PA-1001']);
    expect(again.item!.map((i) => itemRef(i as unknown as Obj, ADMIN))).toEqual(['ADM-77', 'ADM-77']);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('an item with its own number keeps it in its 2000F; the Claim number speaks for the other item only', () => {
    const b = read();
    const claim = claimOf(b);
    claim.extension = [...((claim.extension as Obj[] | undefined) ?? []), { url: AUTH, valueString: 'PA-1001' }];
    const items = claim.item as Obj[];
    items[1]!.extension = [...((items[1]!.extension as Obj[] | undefined) ?? []), { url: AUTH, valueString: 'PA-2002' }];
    const w = bundleToRequest(b);
    expect(refs(w.segments!)).toEqual(['2000F[0]|REF*BB*PA-1001', '2000F[1]|REF*BB*PA-2002']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    const again = claimOf(rt.again as unknown as Bundle) as unknown as Claim;
    expect(again.item!.map((i) => itemRef(i as unknown as Obj, AUTH))).toEqual(['PA-1001', 'PA-2002']);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('2000E REF*BB read from X12 still goes to the items (PAS defines the extension on Claim.item) and is written back at 2000E', () => {
    const tx = sample('service-provider-request', [['UM*HS*I*2*11:B~', 'UM*HS*I*2*11:B~REF*BB*PA-1001~'], ['SE*30*0001', 'SE*31*0001']]);
    const b = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    expect((claimOf(b).item as Obj[]).map((i) => itemRef(i, AUTH))).toEqual(['PA-1001', 'PA-1001']);
    expect(refs(bundleToRequest(b).segments!)).toEqual(['2000E|REF*BB*PA-1001']);
  });
});
