/**
 * FHIR -> X12 fidelity of the requested services and their context (issue 13): HSD quantity units
 * from UCUM; DeviceRequest and MedicationRequest services (code, timing, quantity, and their kind
 * where the 278's code tells it); ... Each mapped value comes back bundle -> 278 -> bundle, or is
 * named by a finding.
 */
import type { Bundle } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, ndc } from '../../src/mapping/engine/codecs/index.js';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { validateBundle } from '../../src/pas/index.js';
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

const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const NDC = 'http://hl7.org/fhir/sid/ndc';

describe('DeviceRequest and MedicationRequest services', () => {
  /** The referral sample with its item's product and its ServiceRequest replaced by `make(old)`. */
  const withService = (product: Obj, make: (old: Obj) => Obj): Bundle => {
    const b = referral();
    const claim = b.entry![0]!.resource as unknown as Obj;
    (claim.item as Obj[])[0]!.productOrService = product;
    const entry = ((b as unknown as Obj).entry as Array<{ resource: Obj }>).find((e) => e.resource.resourceType === 'ServiceRequest')!;
    entry.resource = make(entry.resource);
    return b;
  };
  const device = (code: Obj, timing?: Obj) => (old: Obj): Obj => ({ resourceType: 'DeviceRequest', id: old.id, status: 'active', intent: 'order', codeCodeableConcept: code, subject: old.subject, ...(timing !== undefined ? { occurrenceTiming: timing } : {}) });
  const medication = (code: Obj, timing: Obj, quantity: Obj) => (old: Obj): Obj => ({ resourceType: 'MedicationRequest', id: old.id, status: 'active', intent: 'order', medicationCodeableConcept: code, subject: old.subject, dosageInstruction: [{ timing }], dispenseRequest: { quantity } });

  it('a DeviceRequest for equipment (HCPCS E/K/L) writes its code (SV1) and timing (HSD), and comes back a DeviceRequest', () => {
    const code = { coding: [{ system: HCPCS, code: 'E1223' }] };
    const b = withService(code, device(code, { repeat: { period: 2, periodUnit: 'wk' } }));
    expect(segs(b, 'SV1')[0]).toMatch(/^SV1\*HC:E1223/);
    expect(segs(b, 'HSD')).toEqual(['HSD***WK*2']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    const again = byType(rt.again!, 'DeviceRequest');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ codeCodeableConcept: code, occurrenceTiming: { repeat: { period: 2, periodUnit: 'wk' } }, meta: { profile: ['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-devicerequest'] } });
    expect(byType(rt.again!, 'ServiceRequest')).toEqual([]);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
    expect(rt.differences.filter((d) => d.path.includes('codeCodeableConcept') || d.path.endsWith('resourceType'))).toEqual([]);
  });

  it('a MedicationRequest for a drug by NDC writes N4, its dosage timing and dispense quantity (HSD), and comes back a MedicationRequest', () => {
    const code = { coding: [{ system: NDC, code: '00777-3105-02' }] };
    const b = withService(code, medication(code, { repeat: { period: 1, periodUnit: 'd' } }, { value: 30, system: X12_673, code: 'DY' }));
    expect(segs(b, 'SV1')[0]).toMatch(/^SV1\*N4:00777310502/);
    expect(segs(b, 'HSD')).toEqual(['HSD*DY*30*DA*1']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    const again = byType(rt.again!, 'MedicationRequest');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ medicationCodeableConcept: code, dosageInstruction: [{ timing: { repeat: { period: 1, periodUnit: 'd' } } }], dispenseRequest: { quantity: { value: 30, system: X12_673, code: 'DY' } } });
    expect(rt.differences).toEqual([]);
  });

  it('a 10-digit NDC is written padded to 11 digits and reported; it comes back in the 5-4-2 form, named', () => {
    const code = { coding: [{ system: NDC, code: '0777-3105-02' }] };
    const b = withService(code, medication(code, { repeat: { period: 1, periodUnit: 'd' } }, { value: 300, system: UCUM, code: 'mg' }));
    expect(segs(b, 'SV1')[0]).toMatch(/^SV1\*N4:00777310502/);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(byType(rt.again!, 'MedicationRequest')[0]!.medicationCodeableConcept).toEqual({ coding: [{ system: NDC, code: '00777-3105-02' }] });
    const changed = rt.differences.map((d) => d.path);
    expect(changed.some((p) => p.endsWith('medicationCodeableConcept.coding[0].code'))).toBe(true);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('a kind the 278 cannot tell apart comes back a ServiceRequest, reported on the resource; so does a ServiceRequest named as equipment', () => {
    const code = { coding: [{ system: HCPCS, code: 'J1100' }] };
    const b = withService(code, medication(code, { repeat: { period: 1, periodUnit: 'd' } }, { value: 3, system: X12_673, code: 'FL' }));
    const w = bundleToRequest(b);
    const lossy = w.findings.filter((f) => f.code === 'LOSSY_VALUE' && /comes back as a ServiceRequest/.test(f.message));
    expect(lossy).toHaveLength(1);
    expect(lossy[0]!.path).toMatch(/^Bundle\.entry\[\d+\]\.resource$/);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(byType(rt.again!, 'ServiceRequest')[0]).toMatchObject({ code, occurrenceTiming: { repeat: { period: 1, periodUnit: 'd' } }, quantityQuantity: { value: 3, code: 'FL' } });
    expect(rt.differences.some((d) => d.path.endsWith('.resourceType'))).toBe(true);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
    // A ServiceRequest for equipment with no quantity reads back as a DeviceRequest: reported the same way.
    const eq = { coding: [{ system: HCPCS, code: 'E0601' }] };
    const sr = withService(eq, (old) => ({ ...old, code: eq, quantityQuantity: undefined, occurrenceTiming: { repeat: { period: 1, periodUnit: 'd' } } }));
    const rt2 = fhirRoundTrip(sr, { pasVersion: '2.2.1' });
    expect(byType(rt2.again!, 'DeviceRequest')).toHaveLength(1);
    expect(rt2.findings.some((f) => f.code === 'LOSSY_VALUE' && /ServiceRequest comes back as a DeviceRequest/.test(f.message))).toBe(true);
    expect(rt2.differences.filter((d) => !d.named)).toEqual([]);
  });
});

describe('requested services read from a 278 as their kind', () => {
  /** The referral sample with a service line of `sv1` and the event's HSD replaced by `hsd`. */
  const variant = (sv1: string, hsd: string) =>
    sample('referral-request', [
      ['HSD*VS*6', `${hsd}~HL*5*4*SS*0~${sv1}`],
      ['HL*4*3*EV*0', 'HL*4*3*EV*1'],
      ['SE*19*', 'SE*21*'],
    ]);

  it('a DME code with no HSD quantity is a DeviceRequest, an NDC a MedicationRequest (with the requester and date it requires); both valid PAS, 2.2.1 and 2.0.1', () => {
    for (const pasVersion of ['2.2.1', '2.0.1'] as const) {
      const device = requestToBundle(variant('SV1*HC:E1223*100*UN*1', 'HSD***DA*1'), { pasVersion });
      expect(byType(device.bundle!, 'DeviceRequest'), pasVersion).toHaveLength(1);
      expect(validateBundle(device.bundle, { pasVersion }).filter((f) => f.severity === 'error'), pasVersion).toEqual([]);
      const drug = requestToBundle(variant('SV1*N4:00777310502*100*UN*1', 'HSD*DY*30*DA*1'), { pasVersion });
      const med = byType(drug.bundle!, 'MedicationRequest');
      expect(med, pasVersion).toHaveLength(1);
      expect(med[0]).toMatchObject({ medicationCodeableConcept: { coding: [{ system: NDC, code: '00777-3105-02' }] }, dispenseRequest: { quantity: { value: 30, code: 'DY' } }, dosageInstruction: [{ timing: { repeat: { period: 1, periodUnit: 'd' } } }], authoredOn: expect.any(String), requester: { reference: expect.any(String) } });
      expect(validateBundle(drug.bundle, { pasVersion }).filter((f) => f.severity === 'error'), pasVersion).toEqual([]);
      // A DME code with a quantity stays a ServiceRequest (a DeviceRequest has no place for it).
      const rented = requestToBundle(variant('SV1*HC:E1223*100*UN*1', 'HSD*DY*30'), { pasVersion });
      expect(byType(rented.bundle!, 'ServiceRequest')).toHaveLength(1);
    }
  });
});

describe('ndc11 codec', () => {
  it('laws: read(write(f)) = f for a 5-4-2 code; every 10-digit form is written as the 11 digits it pads to', () => {
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    fc.assert(
      fc.property(digits(11), (x) => {
        const f = ndc.read(x);
        expect(f).not.toBe(INVALID);
        expect(ndc.write(f as string)).toBe(x);
        expect(ndc.read(ndc.write(f as string) as string)).toBe(f);
      }),
    );
    expect(ndc.writeLossy!('0777-3105-02')).toMatchObject({ x: '00777310502' });
    expect(ndc.writeLossy!('12345-678-90')).toMatchObject({ x: '12345067890' });
    expect(ndc.writeLossy!('12345-6789-0')).toMatchObject({ x: '12345678900' });
    expect(ndc.writeLossy!('12-34')).toBe(INVALID);
    expect(ndc.read('1234')).toBe(INVALID);
  });
});

describe('item.unitPrice', () => {
  const dependent = (): Bundle => requestToBundle(sample('dependent-request'), { pasVersion: '2.2.1' }).bundle!;
  const items = (b: Bundle | Obj): Obj[] => (((b as Obj).entry as Array<{ resource: Obj }>)[0]!.resource.item as Obj[]);

  it('an item with a unit price and no net: the line charge is quantity x unitPrice x factor, reported; it reads back as net', () => {
    const b = dependent();
    const it0 = items(b)[0]!;
    delete it0.net;
    it0.unitPrice = { value: 30, currency: 'USD' };
    it0.factor = 0.5;
    expect(segs(b, 'SV1')[0]).toBe('SV1*HC:97153*600*UN*40');
    const w = bundleToRequest(b);
    expect(w.findings.filter((f) => f.code === 'LOSSY_VALUE' && f.path === 'Bundle.entry[0].resource.item[0].unitPrice')).toHaveLength(1);
    expect(w.findings.filter((f) => f.code === 'NOT_WRITTEN' && /unitPrice/.test(f.path ?? ''))).toEqual([]);
    expect(w.findings.filter((f) => f.code === 'NOT_WRITTEN' && f.path === 'Bundle.entry[0].resource.item[0].factor')).toHaveLength(1);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(items(rt.again!)[0]!.net).toEqual({ value: 600, currency: 'USD' });
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('an item with net keeps it as the charge; its unit price is reported, never written over it', () => {
    const b = dependent();
    const it0 = items(b)[0]!;
    it0.unitPrice = { value: 99, currency: 'USD' };
    expect(segs(b, 'SV1')[0]).toBe('SV1*HC:97153*1200*UN*40');
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(rt.findings.some((f) => f.code === 'NOT_WRITTEN' && f.path === 'Bundle.entry[0].resource.item[0].unitPrice')).toBe(true);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });
});

const NUCC = 'http://nucc.org/provider-taxonomy';

describe('PractitionerRole specialty and Practitioner qualification -> PRV03', () => {
  const resolveRef = (b: Bundle | Obj, ref: unknown): Obj => {
    const r = (ref as { reference: string }).reference;
    return ((b as Obj).entry as Array<{ fullUrl: string; resource: Obj }>).find((e) => e.fullUrl === r)!.resource;
  };
  const claimOf = (b: Bundle | Obj): Obj => ((b as Obj).entry as Array<{ resource: Obj }>)[0]!.resource;

  it("a care-team member's role specialty is its taxonomy when the member has no qualification (reported; reads back as the qualification)", () => {
    const b = referral();
    const ct = (claimOf(b).careTeam as Obj[])[0]!;
    const taxonomy = ct.qualification;
    expect(taxonomy).toEqual({ coding: [{ system: NUCC, code: '207X00000X' }] });
    delete ct.qualification;
    const role = resolveRef(b, ct.provider);
    expect(role.resourceType).toBe('PractitionerRole');
    role.specialty = [{ coding: [{ system: 'http://example.org/other', code: 'x' }, { system: NUCC, code: '207X00000X', display: 'Orthopaedic Surgery' }] }];
    expect(segs(b, 'PRV')).toContain('PRV*PE*PXC*207X00000X');
    const w = bundleToRequest(b);
    expect(w.findings.filter((f) => f.code === 'LOSSY_VALUE' && /specialty/.test(f.message)).map((f) => f.path)).toEqual([expect.stringMatching(/^Bundle\.entry\[\d+\]\.resource\.specialty\[0\]$/)]);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect((claimOf(rt.again!).careTeam as Obj[])[0]!.qualification).toEqual(taxonomy);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it("a person requester's NUCC qualification is its PRV taxonomy when its role states no specialty", () => {
    const b = referral();
    const role = resolveRef(b, claimOf(b).provider);
    delete role.specialty;
    const person = resolveRef(b, role.practitioner);
    person.qualification = [{ code: { coding: [{ system: NUCC, code: '208D00000X' }] } }];
    const prv = bundleToRequest(b).segments!.filter((x) => x.els[0]![0] === 'PRV' && x.key.includes('2010B'));
    expect(prv.map((x) => x.els.map((e) => e.join(':')).join('*'))).toEqual(['PRV*PE*PXC*208D00000X']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(rt.findings.some((f) => f.code === 'LOSSY_VALUE' && f.path?.endsWith('.qualification[0]'))).toBe(true);
    expect(resolveRef(rt.again!, claimOf(rt.again!).provider).specialty).toEqual([{ coding: [{ system: NUCC, code: '208D00000X' }] }]);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });
});

describe('the Encounter period and the discharge date', () => {
  const admission = (): Bundle => requestToBundle(sample('admission-request'), { pasVersion: '2.2.1' }).bundle!;
  const claimOf = (b: Bundle | Obj): Obj => ((b as Obj).entry as Array<{ resource: Obj }>)[0]!.resource;
  const dtp = (b: Bundle): string[] => segs(b, 'DTP').filter((x) => /^DTP\*(435|096)/.test(x));
  const category = (x: Obj): unknown => ((x.category as Obj).coding as Obj[])[0]!.code;

  it('DTP*096 <-> supportingInfo DischargeDates, both ways', () => {
    const tx = sample('admission-request', [['DTP*435*D8*20261130~', 'DTP*435*D8*20261130~DTP*096*D8*20261203~'], ['SE*26*', 'SE*27*']]);
    const b = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    const info = (claimOf(b).supportingInfo as Obj[]).find((x) => category(x) === 'dischargeDates');
    expect(info).toMatchObject({ timingDate: '2026-12-03' });
    expect(dtp(b)).toEqual(['DTP*435*D8*20261130', 'DTP*096*D8*20261203']);
    expect(fhirRoundTrip(b, { pasVersion: '2.2.1' }).differences.filter((d) => d.path.includes('supportingInfo'))).toEqual([]);
  });

  it("the Encounter's period goes out as the admission and discharge dates the Claim leaves empty; reported, it reads back as supporting info", () => {
    const b = admission();
    const claim = claimOf(b);
    claim.supportingInfo = (claim.supportingInfo as Obj[]).filter((x) => category(x) !== 'admissionDates');
    const enc = byType(b, 'Encounter')[0]!;
    enc.period = { start: '2026-11-29', end: '2026-12-04' };
    expect(dtp(b)).toEqual(['DTP*435*D8*20261129', 'DTP*096*D8*20261204']);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(rt.findings.filter((f) => f.code === 'LOSSY_VALUE' && /^Bundle\.entry\[\d+\]\.resource\.period$/.test(f.path ?? ''))).toHaveLength(1);
    const again = (claimOf(rt.again!).supportingInfo as Obj[]).map((x) => [category(x), x.timingDate]);
    expect(again).toEqual(expect.arrayContaining([['admissionDates', '2026-11-29'], ['dischargeDates', '2026-12-04']]));
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
    // The Claim's own admission date wins over the Encounter's (which is then reported with the rest of its period).
    const own = admission();
    byType(own, 'Encounter')[0]!.period = { start: '2026-11-29' };
    expect(dtp(own)).toEqual(['DTP*435*D8*20261130']);
    expect(fhirRoundTrip(own, { pasVersion: '2.2.1' }).differences.filter((d) => !d.named)).toEqual([]);
  });
});

describe('Claim.related', () => {
  it('has no place in a 278: named by one finding per entry, with its path, saying where a prior review goes', () => {
    const b = referral();
    const claim = ((b as unknown as Obj).entry as Array<{ resource: Obj }>)[0]!.resource;
    claim.related = [{ claim: { reference: 'Claim/prior-1' }, relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship', code: 'prior' }] }, reference: { value: 'CASE-9' } }];
    const item = (claim.item as Obj[])[0]!;
    item.extension = [...((item.extension as Obj[] | undefined) ?? []), { url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-infoChanged', valueCode: 'changed' }];
    const w = bundleToRequest(b);
    const named = w.findings.filter((f) => f.code === 'NOT_WRITTEN' && f.path?.startsWith('Bundle.entry[0].resource.related'));
    expect(named.map((f) => f.path)).toEqual(['Bundle.entry[0].resource.related[0]']);
    expect(named[0]!.message).toMatch(/REF\*BB/);
    const rt = fhirRoundTrip(b, { pasVersion: '2.2.1' });
    expect(rt.differences.filter((d) => d.path.includes('.related')).length).toBeGreaterThan(0);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });
});
