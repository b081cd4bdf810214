import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, codeMap, compileCodeMap, count, d8, decimal, personName, postalCode, rd8, type Codec } from '../../src/mapping/codecs/index.js';

/** The two inverse laws every codec must keep, over valid X12 values and valid FHIR values. */
function laws<X, F>(codec: Codec<X, F>, x12: fc.Arbitrary<X>, fhir: fc.Arbitrary<F>): void {
  fc.assert(
    fc.property(x12, (x) => {
      const f = codec.read(x);
      expect(f, `${codec.name} reads ${JSON.stringify(x)}`).not.toBe(INVALID);
      const back = codec.write(f as F);
      expect(back).not.toBe(INVALID);
      expect(codec.read(back as X)).toEqual(f);
    }),
  );
  fc.assert(
    fc.property(fhir, (f) => {
      const x = codec.write(f);
      expect(x, `${codec.name} writes ${JSON.stringify(f)}`).not.toBe(INVALID);
      expect(codec.read(x as X)).toEqual(f);
    }),
  );
}

const dateArb = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true });
const ymd = (d: Date): string => d.toISOString().slice(0, 10);
const compact = (d: Date): string => ymd(d).replaceAll('-', '');
const text = fc.stringMatching(/^[A-Z][A-Z '.-]{0,20}$/);

describe('codecs', () => {
  it('D8 dates', () => {
    laws(d8, dateArb.map(compact), dateArb.map(ymd));
    expect(d8.read('20240229')).toBe('2024-02-29');
    for (const bad of ['20230229', '2024021', '2024-02-29', '20241301', 'ABCDEFGH', '']) expect(d8.read(bad), bad).toBe(INVALID);
    expect(d8.write('2024-02')).toBe(INVALID); // partial dates have no D8 form
  });

  it('RD8 date ranges', () => {
    const pair = fc.tuple(dateArb, dateArb).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [Date, Date]);
    laws(
      rd8,
      pair.map(([a, b]) => `${compact(a)}-${compact(b)}`),
      pair.map(([a, b]) => ({ start: ymd(a), end: ymd(b) })),
    );
    expect(rd8.read('20261201-20270131')).toEqual({ start: '2026-12-01', end: '2027-01-31' });
    expect(rd8.read('20270131-20261201')).toBe(INVALID);
  });

  it('postal codes (ZIP+4 dash)', () => {
    const zip5 = fc.stringMatching(/^[0-9]{5}$/);
    const zip9 = fc.stringMatching(/^[0-9]{9}$/);
    const foreign = fc.stringMatching(/^[A-Z][0-9][A-Z] [0-9][A-Z][0-9]$/);
    laws(postalCode, fc.oneof(zip5, zip9, foreign), fc.oneof(zip5, zip9.map((z) => `${z.slice(0, 5)}-${z.slice(5)}`), foreign));
    expect(postalCode.read('972011234')).toBe('97201-1234');
    expect(postalCode.write('97201-1234')).toBe('972011234');
    expect(postalCode.write('972011234')).toBe(INVALID);
  });

  it('decimals and counts', () => {
    const x12Decimal = fc.tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,8})$/), fc.option(fc.stringMatching(/^[0-9]{1,4}$/))).map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === null ? '' : `.${f}`}`);
    laws(decimal, x12Decimal, fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100));
    expect(decimal.read('1.50')).toBe(1.5);
    expect(decimal.write(1.5)).toBe('1.5');
    expect(decimal.write(1e-7)).toBe('0.0000001');
    for (const bad of ['', '-', '.', '1.2.3', '1e5', '+1', ' 1']) expect(decimal.read(bad), bad).toBe(INVALID);
    expect(decimal.write(Number.NaN)).toBe(INVALID);
    laws(count, fc.nat().map(String), fc.nat());
    expect(count.write(1.5)).toBe(INVALID);
  });

  it('person names', () => {
    const part = fc.option(text, { nil: '' });
    const x12 = fc.tuple(text, part, part, part, part).filter(([, first, middle]) => first !== '' || middle === '');
    const fhir = fc.record({ family: text, given: fc.option(fc.array(text, { minLength: 1, maxLength: 2 }), { nil: undefined }), prefix: fc.option(text.map((p) => [p]), { nil: undefined }), suffix: fc.option(text.map((s) => [s]), { nil: undefined }) }).map((n) => Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined)) as { family: string });
    laws(personName, x12, fhir);
    expect(personName.read(['SMITH', 'JOE', 'Q', '', 'JR'])).toEqual({ family: 'SMITH', given: ['JOE', 'Q'], suffix: ['JR'] });
    expect(personName.read(['SMITH', '', 'Q', '', ''])).toBe(INVALID);
    expect(personName.write({ family: 'A', given: ['B', 'C', 'D'] })).toBe(INVALID);
  });

  it('code maps from tables, both ways', () => {
    const gender = codeMap('gender');
    laws(gender, fc.constantFrom('F', 'M', 'U'), fc.constantFrom('female', 'male', 'unknown').map((code) => ({ system: 'http://hl7.org/fhir/administrative-gender', code })));
    expect(gender.read('X')).toBe(INVALID);
    expect(gender.write({ code: 'female' })).toBe(INVALID); // the system matters
    expect(codeMap('id-qualifier').read('XX')).toEqual({ code: 'http://hl7.org/fhir/sid/us-npi' });
  });

  it('refuses tables that would not read back the same way', () => {
    expect(() => compileCodeMap({ name: 't', rows: [{ x12: 'A', code: 'a' }, { x12: 'A', code: 'b' }] }, 't.json')).toThrow('t.json: rows[1].x12: X12 code A appears twice');
    expect(() => compileCodeMap({ name: 't', rows: [{ x12: 'A', code: 'a' }, { x12: 'B', code: 'a' }] }, 't.json')).toThrow(/several X12 codes and none is marked preferred/);
    const many = compileCodeMap({ name: 't', rows: [{ x12: 'A', code: 'a' }, { x12: 'B', code: 'a', preferred: true }] }, 't.json');
    expect(many.write({ code: 'a' })).toBe('B');
    expect(() => compileCodeMap({ name: 't', rows: [{ x12: 'A', code: 'a', colour: 'red' }] }, 't.json')).toThrow('t.json: rows[0].colour: unknown field');
  });
});
