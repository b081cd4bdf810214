import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, codeMap, compileCodeMap, count, d8, dateTimeUtc, decimal, icd10, npi, personName, postalCode, rd8, text as textCodec, trnOrg, type Codec } from '../../src/mapping/engine/codecs/index.js';

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

describe('codecs for the request tables', () => {
  const digitsN = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const alnum = fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'.split(''));

  it('date + time -> instant with Z (X12 has no zone)', () => {
    const chars1 = (set: string, n: number) => fc.string({ unit: fc.constantFrom(...set.split('')), minLength: n, maxLength: n });
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}`);
    const hhmmss = fc.tuple(hhmm, fc.integer({ min: 0, max: 59 })).map(([t, s]) => t + String(s).padStart(2, '0'));
    // HHMMSSD and HHMMSSDD (decimal seconds, X12 TM's four to eight digits) come back as they were.
    const decimals = fc.tuple(hhmmss, fc.oneof(chars1('0123456789', 1), chars1('0123456789', 2))).map(([t, d]) => t + d);
    const x12 = fc.tuple(dateArb.map(compact), fc.oneof(hhmm, hhmmss, decimals)).map(([d, t]) => [d, t] as const);
    const fhir = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19) + 'Z');
    laws(dateTimeUtc, x12, fhir);
    expect(dateTimeUtc.read(['20261123', '0930'])).toBe('2026-11-23T09:30:00Z');
    expect(dateTimeUtc.write('2026-11-23T09:30:00Z')).toEqual(['20261123', '0930']);
    expect(dateTimeUtc.write('2026-11-23T09:30:07Z')).toEqual(['20261123', '093007']);
    expect(dateTimeUtc.read(['20261123', '09300712'])).toBe('2026-11-23T09:30:07.12Z');
    expect(dateTimeUtc.write('2026-11-23T09:30:00.10Z')).toEqual(['20261123', '09300010']);
    expect(dateTimeUtc.write('2026-11-23T09:30:00.1Z')).toEqual(['20261123', '0930001']);
    for (const bad of [['20261123', '2460'], ['20261123', '09301'], ['20261123', '093007123'], ['20261123', '093060'], ['20261131', '0930']] as const) expect(dateTimeUtc.read(bad), bad.join(' ')).toBe(INVALID);
    expect(dateTimeUtc.write('2026-11-23T09:30:00+05:00')).toBe(INVALID);
  });

  it('ICD-10-CM without and with the dot', () => {
    const x12 = fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), digitsN(1), fc.array(alnum, { minLength: 1, maxLength: 5 })).map(([l, d, r]) => l + d + r.join(''));
    laws(icd10, x12, x12.map((x) => (x.length > 3 ? `${x.slice(0, 3)}.${x.slice(3)}` : x)));
    expect(icd10.read('M5416')).toBe('M54.16');
    expect(icd10.read('I10')).toBe('I10');
    expect(icd10.write('M54.16')).toBe('M5416');
    for (const bad of ['M54.16', 'm5416', '5416', 'M']) expect(icd10.read(bad), bad).toBe(INVALID);
    expect(icd10.write('M5416')).toBe(INVALID);
  });

  it('NPI check digit', () => {
    const valid = digitsN(9).map((nine) => {
      for (let d = 0; d <= 9; d++) if (npi.read(nine + d) !== INVALID) return nine + d;
      throw new Error('no check digit');
    });
    laws(npi, valid, valid);
    expect(npi.read('1578902342')).toBe('1578902342');
    expect(npi.read('1578902345')).toBe(INVALID);
    expect(npi.read('157890234')).toBe(INVALID);
  });

  it('TRN03 <-> urn:trnorg: system, and plain strings', () => {
    const id = fc.stringMatching(/^[A-Z0-9]{1,10}$/);
    laws(trnOrg, id, id.map((x) => `urn:trnorg:${x}`));
    expect(trnOrg.write('http://example.org')).toBe(INVALID);
    laws(textCodec, id, id);
    expect(textCodec.read('')).toBe(INVALID);
  });

  it('code maps used by the request tables', () => {
    expect(codeMap('entity-type').read('1')).toEqual({ code: 'Practitioner' });
    expect(codeMap('relationship').read('19')).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'child' });
    expect(codeMap('contact-qualifier').write({ code: 'fax' })).toBe('FX');
    for (const name of ['entity-type', 'relationship', 'contact-qualifier']) {
      const m = codeMap(name);
      for (const x of ['1', '2', '01', '19', 'G8', '18', 'TE', 'FX', 'EM', 'UR']) {
        const f = m.read(x);
        if (f !== INVALID) expect(m.write(f)).toBe(x);
      }
    }
  });
});
