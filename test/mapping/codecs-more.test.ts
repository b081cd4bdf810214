import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, icd9, yesNo, type Codec } from '../../src/mapping/engine/codecs/index.js';

/**
 * The inverse laws of a codec, as fast-check properties: every valid X12 value reads, writes back
 * and reads again to the same FHIR value (here, for these exact codecs, to the same X12 string as
 * well); every valid FHIR value writes and reads back unchanged.
 */
function keepsInverseLaws<X, F>(codec: Codec<X, F>, validX12: fc.Arbitrary<X>, validFhir: fc.Arbitrary<F>): void {
  const x12Law = fc.property(validX12, (x) => {
    const once = codec.read(x);
    if (once === INVALID) return false;
    const written = codec.write(once);
    return written !== INVALID && written === x && codec.read(written) === once;
  });
  const fhirLaw = fc.property(validFhir, (f) => {
    const written = codec.write(f);
    return written !== INVALID && codec.read(written) === f;
  });
  fc.assert(x12Law);
  fc.assert(fhirLaw);
}

const digits = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const dotted = (head: fc.Arbitrary<string>, tailMax: number): fc.Arbitrary<string> =>
  fc.tuple(head, digits(0, tailMax)).map(([h, t]) => (t === '' ? h : `${h}.${t}`));

describe('icd9-dotted (ICD-9-CM diagnoses)', () => {
  const numeric = digits(3, 3);
  const v = digits(2, 2).map((d) => `V${d}`);
  const e = digits(3, 3).map((d) => `E${d}`);
  const x12 = fc.oneof(fc.tuple(numeric, digits(0, 2)), fc.tuple(v, digits(0, 2)), fc.tuple(e, digits(0, 1))).map(([h, t]) => h + t);
  const fhir = fc.oneof(dotted(numeric, 2), dotted(v, 2), dotted(e, 1));

  it('keeps both inverse laws', () => {
    keepsInverseLaws(icd9, x12, fhir);
  });

  it('puts the point after the category: three characters, four for E codes', () => {
    expect(icd9.read('41090')).toBe('410.90');
    expect(icd9.read('4109')).toBe('410.9');
    expect(icd9.read('410')).toBe('410');
    expect(icd9.read('0019')).toBe('001.9');
    expect(icd9.read('V1046')).toBe('V10.46');
    expect(icd9.read('V103')).toBe('V10.3');
    expect(icd9.read('E8809')).toBe('E880.9');
    expect(icd9.read('E880')).toBe('E880');
    expect(icd9.write('296.03')).toBe('29603');
    expect(icd9.write('E880.9')).toBe('E8809');
  });

  it('refuses what it could not give back exactly', () => {
    for (const bad of ['', '41', '410901', '410.9', 'v1046', 'V1', 'V10467', 'E88', 'E88091', 'M5416', 'I10', '41O9']) expect(icd9.read(bad), bad).toBe(INVALID);
    for (const bad of ['', '41090', '410.', '410.901', '41.09', 'V10.467', 'V1.04', 'E880.91', 'E88.09', 'e880.9', 'M54.16', '.410']) expect(icd9.write(bad), bad).toBe(INVALID);
  });
});

describe('yes-no (Y/N <-> boolean)', () => {
  it('keeps both inverse laws', () => {
    keepsInverseLaws(yesNo, fc.constantFrom('Y', 'N'), fc.boolean());
  });

  it('reads only Y and N; writes only booleans', () => {
    expect(yesNo.read('Y')).toBe(true);
    expect(yesNo.read('N')).toBe(false);
    for (const bad of ['', 'y', 'n', 'YES', 'U', '1']) expect(yesNo.read(bad), bad).toBe(INVALID);
    for (const bad of ['Y', 'true', 1, null, undefined]) expect(yesNo.write(bad as unknown as boolean), String(bad)).toBe(INVALID);
  });
});

describe('code tables with an X12 code system (an X12 code is never refused)', () => {
  it('INS02 relationship: a code with a FHIR code maps to it; any other X12 code is carried in X12 system 1069, both ways', async () => {
    const { codeMap } = await import('../../src/mapping/engine/codecs/code-map.js');
    const rel = codeMap('relationship');
    expect(rel.read('19')).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'child' });
    const x12 = 'https://codesystem.x12.org/005010/1069';
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), minLength: 1, maxLength: 2 }), (code) => {
        const f = rel.read(code);
        expect(f).not.toBe(INVALID);
        expect(rel.write(f as { system?: string; code: string })).toBe(code);
      }),
    );
    expect(rel.read('17')).toEqual({ system: x12, code: '17' });
    expect(rel.read('')).toBe(INVALID);
    // A FHIR code the table lacks, in a FHIR system, is still refused on the way back (no X12 code for it).
    expect(rel.write({ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'parent' })).toBe(INVALID);
  });
});
