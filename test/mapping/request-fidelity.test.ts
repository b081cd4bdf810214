/**
 * FHIR -> X12 fidelity of the requested services and their context (issue 13): HSD quantity units
 * from UCUM, ... Each mapped value comes back bundle -> 278 -> bundle, or is named by a finding.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/bundle-to-request.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { sample } from './support.js';

type Obj = Record<string, unknown>;
const UCUM = 'http://unitsofmeasure.org';
const X12_673 = 'https://codesystem.x12.org/005010/673';

/** The referral sample read as a PAS 2.2.1 bundle (one item, an HSD on its ServiceRequest). */
const referral = (): Bundle => requestToBundle(sample('referral-request'), { pasVersion: '2.2.1' }).bundle!;
const byType = (b: Bundle | Obj, type: string): Obj[] => ((b as Obj).entry as Array<{ resource: Obj }>).map((e) => e.resource).filter((r) => r.resourceType === type);
/** The written segments whose id is `id`, as text. */
const segs = (b: Bundle, id: string): string[] => bundleToRequest(b).segments!.filter((s) => s.els[0]![0] === id).map((s) => s.els.map((e) => e.join(':')).join('*'));

describe('HSD01 from the quantity unit', () => {
  const withQuantity = (q: Obj): Bundle => {
    const b = referral();
    byType(b, 'ServiceRequest')[0]!.quantityQuantity = q;
    return b;
  };

  it('an X12 673 code is written as it is and comes back unchanged', () => {
    const b = withQuantity({ value: 6, system: X12_673, code: 'VS' });
    expect(segs(b, 'HSD')).toEqual(['HSD*VS*6']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(byType(rt.again!, 'ServiceRequest')[0]!.quantityQuantity).toEqual({ value: 6, system: X12_673, code: 'VS' });
    expect(rt.differences.filter((d) => d.path.includes('quantityQuantity'))).toEqual([]);
  });

  it('UCUM codes go to the X12 code they stand for, reported; what changes is named', () => {
    for (const [code, x12] of [['d', 'DY'], ['h', 'HS'], ['mo', 'MN'], ['{visit}', 'VS'], ['1', 'FL'], ['mg', 'FL']] as const) {
      const b = withQuantity({ value: 3, system: UCUM, code, unit: code });
      expect(segs(b, 'HSD'), code).toEqual([`HSD*${x12}*3`]);
      const w = bundleToRequest(b);
      expect(w.findings.filter((f) => f.code === 'LOSSY_VALUE' && f.path?.endsWith('quantityQuantity')), code).toHaveLength(1);
      expect(w.findings.filter((f) => f.code === 'DEFAULTED'), code).toEqual([]);
      const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
      expect(byType(rt.again!, 'ServiceRequest')[0]!.quantityQuantity).toEqual({ value: 3, system: X12_673, code: x12 });
      expect(rt.differences.filter((d) => !d.named)).toEqual([]);
    }
  });

  it('free text with no system is read as the unit it names; no unit at all is FL (defaulted, reported)', () => {
    expect(segs(withQuantity({ value: 2, code: 'days' }), 'HSD')).toEqual(['HSD*DY*2']);
    const none = withQuantity({ value: 2 });
    expect(segs(none, 'HSD')).toEqual(['HSD*FL*2']);
    expect(bundleToRequest(none).findings.filter((f) => f.code === 'DEFAULTED').map((f) => f.message).join()).toContain('"FL"');
  });

  it('another X12-shaped code read from a 278 (HSD*UN) comes back as it is', () => {
    const tx = sample('referral-request', [['HSD*VS*6', 'HSD*UN*6']]);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    expect(byType(r.bundle!, 'ServiceRequest')[0]!.quantityQuantity).toEqual({ value: 6, system: X12_673, code: 'UN' });
    expect(segs(r.bundle!, 'HSD')).toEqual(['HSD*UN*6']);
  });
});
