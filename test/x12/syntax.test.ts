import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';
import { compileDictionary, getSegmentDef, segmentIds, TypeKind } from '../../src/x12/dictionary.js';
import type { ComponentDef, ElementDef, SyntaxNote } from '../../src/x12/dictionary.js';
import { checkSegmentAgainst, checkSegmentSyntax } from '../../src/x12/syntax.js';
import type { ElementError, SegmentSyntaxResult } from '../../src/x12/syntax.js';

const CORPUS = pathToFileURL(sharedPath('corpus/x12'));
const SEGMENTS_JSON = new URL('../../mappings/x12/segments.json', import.meta.url);

// ---------------------------------------------------------------------------------------------
// Tiny local interchange splitter (deliberately independent of the project tokenizer).
// ---------------------------------------------------------------------------------------------

interface Seg {
  id: string;
  elements: string[];
  text: string;
}
interface Interchange {
  component: string;
  repetition: string | null;
  segments: Seg[];
}

function splitInterchange(raw: string): Interchange {
  let text = raw.replace(/^\uFEFF/, '');
  const at = text.indexOf('ISA');
  if (at < 0) throw new Error('no ISA');
  text = text.slice(at);
  // ISA is fixed width: element separator at 3, ISA11 at 82, ISA16 at 104, terminator at 105.
  const elementSep = text.charAt(3);
  const isa11 = text.charAt(82);
  const component = text.charAt(104);
  const terminator = text.charAt(105);
  const repetition = /[A-Za-z0-9 ]/.test(isa11) ? null : isa11; // e.g. "U" means no repetition separator
  const segments: Seg[] = [];
  for (const chunk of text.split(terminator)) {
    const s = chunk.replace(/^\s+/, '').replace(/[\r\n]+$/, '');
    if (s === '') continue;
    const parts = s.split(elementSep);
    segments.push({ id: parts[0] ?? '', elements: parts.slice(1), text: s });
  }
  return { component, repetition, segments };
}

function corpusFile(dir: string, name: string): Interchange {
  return splitInterchange(readFileSync(fileURLToPath(new URL(`${dir}/${name}`, CORPUS)), 'utf8'));
}

function corpusNames(dir: string): string[] {
  return readdirSync(fileURLToPath(new URL(`${dir}/`, CORPUS)))
    .filter((f) => f.endsWith('.x12'))
    .sort();
}

function check(id: string, elements: readonly string[], component = ':', repetition: string | null = '^'): SegmentSyntaxResult {
  return checkSegmentSyntax(id, elements, component, repetition);
}

/** Elements from a segment text like "NM1*FA*2" (element separator "*"). */
function els(text: string): string[] {
  return text.split('*').slice(1);
}
function checkText(text: string, component = ':', repetition: string | null = '^'): SegmentSyntaxResult {
  return check(text.split('*')[0] ?? '', els(text), component, repetition);
}
function codes(r: SegmentSyntaxResult): string[] {
  return r.errors.map((e) => `${e.element}${e.component === undefined ? '' : `-${e.component}`}${e.repetition === undefined ? '' : `#${e.repetition}`}:${e.code}`);
}
function only(r: SegmentSyntaxResult): ElementError {
  expect(r.errors).toHaveLength(1);
  return r.errors[0] as ElementError;
}

// ---------------------------------------------------------------------------------------------
// Dictionary
// ---------------------------------------------------------------------------------------------

const REQUIRED_IDS = (
  'ISA GS ST SE GE IEA TA1 AK1 AK2 IK3 IK4 CTX IK5 AK9 BHT HL NM1 N3 N4 PER PRV REF DMG INS TRN UM HCR DTP HI HSD ' +
  'CRC CL1 CR1 CR2 CR5 CR6 CR7 CR8 PWK MSG SV1 SV2 SV3 TOO AAA QTY STC'
).split(' ');

describe('dictionary', () => {
  it('covers every required segment', () => {
    const ids = segmentIds();
    for (const id of REQUIRED_IDS) expect(ids, id).toContain(id);
    expect(getSegmentDef('ZZZ')).toBeUndefined();
  });

  it('compiles the expected facts for a few well-known elements', () => {
    const nm1 = getSegmentDef('NM1');
    expect(nm1?.elements).toHaveLength(12);
    const nm108 = nm1?.elements[7];
    expect(nm108).toMatchObject({ ref: '66', type: 'ID', min: 1, max: 2, req: 'X' });
    expect(nm1?.syntax.map((n) => n.text)).toEqual(['P0809', 'C1110', 'C1203']);
    const ref04 = getSegmentDef('REF')?.elements[3];
    expect(ref04?.composite?.id).toBe('C040');
    expect(ref04?.errorRef).toBe('128');
    expect(ref04?.composite?.components).toHaveLength(6);
    expect(getSegmentDef('DMG')?.elements[4]?.repeat).toBe(10);
    expect(getSegmentDef('CTX')?.elements[0]?.repeat).toBe(10);
    expect(getSegmentDef('TRN')?.elements[2]).toMatchObject({ ref: '509', min: 10, max: 10 });
    const isa = getSegmentDef('ISA');
    expect(isa?.raw).toBe(true);
    expect(isa?.elements.every((e) => e.min === e.max && e.req === 'M')).toBe(true);
  });

  it('labels are our own short words (at most 3)', () => {
    for (const id of segmentIds()) {
      const label = getSegmentDef(id)?.label ?? '';
      expect(label.split(/\s+/).length, id).toBeLessThanOrEqual(3);
    }
  });

  function shipped(): { composites: Record<string, { components: Record<string, unknown>[] }>; segments: Record<string, { elements: Record<string, unknown>[]; syntax?: string[] }> } {
    return JSON.parse(readFileSync(fileURLToPath(SEGMENTS_JSON), 'utf8'));
  }

  it('the shipped JSON compiles cleanly', () => {
    expect(compileDictionary(shipped()).size).toBe(segmentIds().length);
  });

  it('rejects a broken element definition, naming segment, position and field', () => {
    const bad = shipped();
    const nm108 = bad.segments['NM1']?.elements[7];
    if (nm108 === undefined) throw new Error('fixture');
    nm108['max'] = 0;
    expect(() => compileDictionary(bad)).toThrowError(/segment NM1 element 08: field "max"/);
  });

  it('rejects other broken definitions with precise messages', () => {
    const cases: [string, (d: ReturnType<typeof shipped>) => void, RegExp][] = [
      ['unknown type', (d) => void ((d.segments['HL']?.elements[0] ?? {})['type'] = 'XX'), /segment HL element 01: field "type"/],
      ['bad requirement', (d) => void ((d.segments['DTP']?.elements[2] ?? {})['req'] = 'Q'), /segment DTP element 03: field "req"/],
      ['bad note', (d) => void ((d.segments['NM1'] ?? { syntax: [] }).syntax = ['P0813']), /segment NM1 syntax note 1: field "syntax"/],
      ['note vs requirement', (d) => void ((d.segments['NM1']?.elements[8] ?? {})['req'] = 'O'), /segment NM1 element 09: field "req" must be "X"/],
      ['inconsistent ref', (d) => void ((d.segments['N3']?.elements[1] ?? {})['max'] = 56), /segment N3 element 02: field "max" disagrees with element 166/],
      ['missing composite', (d) => void ((d.segments['REF']?.elements[3] ?? {})['composite'] = 'C777'), /segment REF element 04: field "composite"/],
      ['bad component', (d) => void ((d.composites['C040']?.components[1] ?? {})['min'] = -1), /composite C040 component 02: field "min"/],
      ['unknown field', (d) => void ((d.segments['HL']?.elements[0] ?? {})['name'] = 'Hierarchical ID Number'), /segment HL element 01: field "name" is not a known field/],
      ['long label', (d) => void ((d.segments['HL'] as unknown as Record<string, unknown>)['label'] = 'a long description of this segment'), /segment HL: field "label"/],
    ];
    for (const [what, mutate, message] of cases) {
      const d = shipped();
      mutate(d);
      expect(() => compileDictionary(d), what).toThrowError(message);
    }
    expect(() => compileDictionary(null)).toThrowError(/top level/);
    expect(() => compileDictionary({ segments: {} })).toThrowError(/field "segments"/);
  });
});

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------

/** Damage known to be in the otherwise well-formed oopfactory samples (see test below). */
const KNOWN_DAMAGE: Record<string, Record<string, string[]>> = {
  // TRN03 (element 509) is AN 10/10 at standard level; this sample has a 9-character value.
  'Example_3_3_1_Request.x12': { 'TRN*1*YZZ099*987654321': ['3:4'] },
  'Example_3_3_2_Response.x12': {
    'TRN*2*YZZ099*987654321': ['3:4'],
    // One element short: NM108 gets the 10-character id and NM109 is missing.
    'NM1*FA*2*GENERAL HOSPITAL****46*8189991234': ['8:5', '9:2'],
  },
};

describeShared('corpus/x12', 'the corpus: segment syntax', () => {
  describe('corpus', () => {
    for (const dir of ['stupidedi', 'oopfactory']) {
      for (const name of corpusNames(dir)) {
        it(`${dir}/${name}: every segment is known and syntactically valid`, () => {
          const x = corpusFile(dir, name);
          expect(x.segments.length).toBeGreaterThan(5);
          const damage = dir === 'oopfactory' ? KNOWN_DAMAGE[name] ?? {} : {};
          const seen = new Set<string>();
          for (const seg of x.segments) {
            const r = checkSegmentSyntax(seg.id, seg.elements, x.component, x.repetition);
            expect(r.known, seg.text).toBe(true);
            const expected = damage[seg.text];
            if (expected !== undefined) seen.add(seg.text);
            expect(codes(r), seg.text).toEqual(expected ?? []);
          }
          expect([...seen].sort()).toEqual(Object.keys(damage).sort());
        });
      }
    }

    it('uses the right separators for each corpus flavour', () => {
      const s = corpusFile('stupidedi', 'admission-request-for-review.x12');
      expect([s.component, s.repetition]).toEqual([':', '>']);
      const o = corpusFile('oopfactory', 'Example_3_1_1_Request.x12');
      expect([o.component, o.repetition]).toEqual([':', null]);
      const b = corpusFile('oboe', 'test278WithTooManyDEsInCompositeField.x12');
      expect([b.component, b.repetition]).toEqual([':', '^']);
      expect(b.segments.length).toBeGreaterThan(20);
    });

    it('detects the broken NM1 in oopfactory Example_3_3_2_Response', () => {
      const x = corpusFile('oopfactory', 'Example_3_3_2_Response.x12');
      const seg = x.segments.find((s) => s.text === 'NM1*FA*2*GENERAL HOSPITAL****46*8189991234');
      if (seg === undefined) throw new Error('segment not found');
      const r = checkSegmentSyntax(seg.id, seg.elements, x.component, x.repetition);
      expect(r.errors).toEqual([
        { element: 8, elementRef: '66', code: '5', message: 'NM108 longer than 2 characters', value: '8189991234' },
        { element: 9, elementRef: '67', code: '2', message: 'NM109 is required when NM108 is present (P0809)' },
      ]);
    });

    it('detects too many components in REF04 of the oboe sample', () => {
      const x = corpusFile('oboe', 'test278WithTooManyDEsInCompositeField.x12');
      const seg = x.segments.find((s) => s.text === 'REF*NT*P20030216001**00:dfasdf::::::');
      if (seg === undefined) throw new Error('segment not found');
      const e = only(checkSegmentSyntax(seg.id, seg.elements, x.component, x.repetition));
      expect(e).toMatchObject({ element: 4, elementRef: '128', code: '13', value: '00:dfasdf::::::' });
      expect(e.message).toContain('8 components');
      // Every other segment of that file is clean.
      for (const s of x.segments) {
        if (s === seg) continue;
        expect(checkSegmentSyntax(s.id, s.elements, x.component, x.repetition).errors, s.text).toEqual([]);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-written cases, one group per IK403 code
// ---------------------------------------------------------------------------------------------

describe('IK403 codes', () => {
  it('returns a shared frozen result for valid segments and flags unknown ids', () => {
    const a = checkText('N3*1 MAIN ST');
    const b = checkText('DTP*472*D8*20050516');
    expect(a).toBe(b);
    expect(a).toEqual({ known: true, errors: [] });
    expect(Object.isFrozen(a) && Object.isFrozen(a.errors)).toBe(true);
    expect(checkText('ZZ9*1*2')).toEqual({ known: false, errors: [] });
  });

  it('1: mandatory element / component missing', () => {
    expect(only(checkText('DTP*472**20050516'))).toMatchObject({ element: 2, elementRef: '1250', code: '1' });
    expect(only(checkText('N3'))).toMatchObject({ element: 1, elementRef: '166', code: '1' });
    // Whole mandatory composite missing: first component ref, no component position.
    const hi = only(checkText('HI**BF:1234'));
    expect(hi).toMatchObject({ element: 1, elementRef: '1270', code: '1' });
    expect(hi.component).toBeUndefined();
    // Mandatory component missing inside a present composite.
    expect(only(checkText('SV1*HC'))).toMatchObject({ element: 1, component: 2, elementRef: '234', code: '1' });
    expect(only(checkText('SV1*:99212'))).toMatchObject({ element: 1, component: 1, elementRef: '235', code: '1' });
    // An element holding only separators is absent.
    expect(only(checkText('HI*::'))).toMatchObject({ element: 1, code: '1' });
    expect(codes(checkText('CR8*1*1*20050101*20050101*A*B*C*Y'))).toEqual(['9:1']);
  });

  it('2: conditional required element missing (P, R, C, L)', () => {
    // P0809
    expect(only(checkText('NM1*IL*1*SMITH*****MI'))).toMatchObject({ element: 9, elementRef: '67', code: '2' });
    expect(only(checkText('NM1*IL*1*SMITH******12345'))).toMatchObject({ element: 8, elementRef: '66', code: '2' });
    // R0203
    const ref = only(checkText('REF*D9'));
    expect(ref).toMatchObject({ element: 2, elementRef: '127', code: '2' });
    expect(ref.message).toContain('R0203');
    // C1203: NM112 present requires NM103.
    expect(only(checkText('NM1*IL*1**********SMITH'))).toMatchObject({ element: 3, elementRef: '1035', code: '2' });
    // C0605 in HSD, P091011 in CR6 (three-way pair)
    expect(only(checkText('HSD******2'))).toMatchObject({ element: 5, elementRef: '615', code: '2' });
    expect(codes(checkText('CR6*1*20050502*****W*I*20050101'))).toEqual(['10:2', '11:2']);
    // Composite-level P0304 inside C022: component position is reported.
    expect(only(checkText('HI*BF:41090:D8'))).toMatchObject({ element: 1, component: 4, elementRef: '1251', code: '2' });
    // R0102 in SV2 where SV202 is a composite.
    expect(only(checkText('SV2***100'))).toMatchObject({ element: 1, elementRef: '234', code: '2' });
    expect(checkText('SV2**HC:33510').errors).toEqual([]);
  });

  it('2 and 10: every rule letter is evaluated (custom compiled definition)', () => {
    const dict = compileDictionary({
      composites: {
        C900: {
          components: [
            { ref: '127', type: 'AN', min: 1, max: 50, req: 'O' },
            { ref: '352', type: 'AN', min: 1, max: 80, req: 'X' },
            { ref: '93', type: 'AN', min: 1, max: 60, req: 'X' },
          ],
          syntax: ['L010203'],
        },
      },
      segments: {
        ZZL: {
          label: 'test only',
          elements: [
            { ref: '127', type: 'AN', min: 1, max: 50, req: 'O' },
            { ref: '352', type: 'AN', min: 1, max: 80, req: 'X' },
            { ref: '93', type: 'AN', min: 1, max: 60, req: 'X' },
            { ref: '19', type: 'AN', min: 2, max: 30, req: 'X' },
            { ref: '166', type: 'AN', min: 1, max: 55, req: 'X' },
            { composite: 'C900', req: 'O' },
          ],
          syntax: ['L010203', 'R0405', 'E0405'],
        },
      },
    });
    const seg = dict.get('ZZL');
    if (seg === undefined) throw new Error('fixture');
    expect(seg.syntax[0]).toMatchObject({ text: 'L010203', indexes: [0, 1, 2] });
    const run = (t: string): string[] => codes(checkSegmentAgainst(seg, t.split('*'), ':', null));
    expect(run('A*B**CD')).toEqual([]);
    expect(run('A***CD')).toEqual(['2:2']); // L: A present, none of 02/03
    expect(run('**C*CD')).toEqual([]); // L: trigger absent
    expect(run('')).toEqual(['4:2']); // R0405: neither present
    expect(run('***CD*E')).toEqual(['5:10']); // E0405: both present
    expect(run('***CD**X')).toEqual(['6-2:2']); // L inside the composite
    expect(run('***CD**X:Y')).toEqual([]);
  });

  it('3: too many data elements', () => {
    const e = only(checkText('N3*A*B*C'));
    expect(e).toMatchObject({ element: 3, elementRef: '', code: '3', value: 'C' });
    // Extra (even empty) element separators beyond the definition count.
    expect(only(checkText('DTP*472*D8*20050516*'))).toMatchObject({ element: 4, code: '3' });
    // Empty trailing elements inside the definition are simply absent.
    expect(checkText('HL*1**20*').errors).toEqual([]);
  });

  it('4 and 5: element too short / too long (lengths per type)', () => {
    expect(only(checkText('TRN*1*X*123456789'))).toMatchObject({ element: 3, elementRef: '509', code: '4', value: '123456789' });
    expect(only(checkText('NM1*IL*1*SMITH*****MI*1'))).toMatchObject({ element: 9, elementRef: '67', code: '4' });
    const long = only(checkText('N4*A'));
    expect(long).toMatchObject({ element: 1, elementRef: '19', code: '4' });
    expect(only(checkText('HL*1234567890123*1*20'))).toMatchObject({ element: 1, code: '5', message: 'HL01 longer than 12 characters' });
    // Leading/trailing spaces count for AN.
    expect(only(checkText('N4*AB '.padEnd(35, ' ')))).toMatchObject({ element: 1, code: '5' });
    expect(checkText('N4*  ').errors).toEqual([]);
    // N types: the minus sign is not counted.
    expect(checkText('SE*-1234567890*0001').errors).toEqual([]);
    expect(only(checkText('SE*12345678901*0001'))).toMatchObject({ element: 1, elementRef: '96', code: '5' });
    // R: neither minus nor decimal point is counted.
    expect(checkText('CR1*LB*-12345678.9').errors).toEqual([]);
    expect(only(checkText('CR1*LB*12345678.901'))).toMatchObject({ element: 2, elementRef: '81', code: '5' });
    // Component length inside a composite.
    expect(only(checkText('SV1*HC:99212:ABC'))).toMatchObject({ element: 1, component: 3, elementRef: '1339', code: '5' });
    // DT wrong length.
    expect(only(checkText('BHT*0007*13*X*2005050'))).toMatchObject({ element: 4, code: '4' });
    // ISA is fixed width.
    const isa = els('ISA*00*          *00*          *ZZ*123456789012345*ZZ*123456789012346*080503*1705*^*00501*000010216*0*T*:');
    expect(check('ISA', isa).errors).toEqual([]);
    const shortIsa = [...isa];
    shortIsa[5] = 'SHORT';
    expect(only(check('ISA', shortIsa))).toMatchObject({ element: 6, elementRef: 'I06', code: '4' });
  });

  it('6: invalid character in numeric and decimal elements', () => {
    expect(only(checkText('SE*12A*0001'))).toMatchObject({ element: 1, elementRef: '96', code: '6', value: '12A' });
    expect(only(checkText('SE*-*0001'))).toMatchObject({ code: '6' });
    expect(only(checkText('SE*1.5*0001'))).toMatchObject({ code: '6' });
    expect(only(checkText('SE*+15*0001'))).toMatchObject({ code: '6' });
    expect(only(checkText('HSD*DY*1.2.3'))).toMatchObject({ element: 2, elementRef: '380', code: '6' });
    expect(only(checkText('HSD*DY*.'))).toMatchObject({ element: 2, code: '6' });
    expect(only(checkText('HSD*DY*1,5'))).toMatchObject({ element: 2, code: '6' });
    expect(checkText('HSD*DY*.5').errors).toEqual([]);
    expect(checkText('HSD*DY*-7.25').errors).toEqual([]);
    expect(only(checkText('SV1*HC:1*100*UN*1*11**A'))).toMatchObject({ element: 7, component: 1, elementRef: '1328', code: '6' });
  });

  it('8: invalid date (CCYYMMDD and YYMMDD, real calendar)', () => {
    expect(checkText('DMG*D8*19580322*M').errors).toEqual([]);
    expect(checkText('GS*HI*A1*B1*20240229*1705*1*X*005010X217').errors).toEqual([]);
    expect(only(checkText('GS*HI*A1*B1*20230229*1705*1*X*005010X217'))).toMatchObject({ element: 4, elementRef: '373', code: '8', value: '20230229' });
    expect(only(checkText('GS*HI*A1*B1*19000229*1705*1*X*005010X217'))).toMatchObject({ code: '8' });
    expect(checkText('GS*HI*A1*B1*20000229*1705*1*X*005010X217').errors).toEqual([]);
    expect(only(checkText('GS*HI*A1*B1*20081301*1705*1*X*005010X217'))).toMatchObject({ code: '8' });
    expect(only(checkText('GS*HI*A1*B1*20080431*1705*1*X*005010X217'))).toMatchObject({ code: '8' });
    expect(only(checkText('GS*HI*A1*B1*2008O503*1705*1*X*005010X217'))).toMatchObject({ code: '8' });
    expect(only(checkText('TA1*000010216*080230*1705*A*000'))).toMatchObject({ element: 2, elementRef: 'I08', code: '8' });
    expect(checkText('TA1*000010216*000229*1705*A*000').errors).toEqual([]);
  });

  it('9: invalid time (HHMM, HHMMSS, HHMMSSd, HHMMSSdd)', () => {
    for (const t of ['0000', '2359', '235959', '2359599', '23595999']) expect(checkText(`BHT*0007*13*X*20050502*${t}`).errors, t).toEqual([]);
    for (const t of ['2400', '1260', '12345', '126000', '12a0']) {
      expect(only(checkText(`BHT*0007*13*X*20050502*${t}`)), t).toMatchObject({ element: 5, elementRef: '337', code: '9' });
    }
    expect(only(checkText('TA1*000010216*080503*2517*A*000'))).toMatchObject({ element: 3, elementRef: 'I09', code: '9' });
  });

  it('10: exclusion condition violated', () => {
    const n4 = checkText('N4*CITY*MD*21201*US***X1');
    const e = only(n4);
    expect(e).toMatchObject({ element: 7, elementRef: '1715', code: '10', value: 'X1' });
    expect(e.message).toContain('E0207');
    // Without N404 the C0704 note fails as well.
    expect(codes(checkText('N4*CITY*MD*21201****X1'))).toEqual(['4:2', '7:10']);
    expect(codes(checkText('QTY*DY*3**X'))).toEqual(['4:10']);
    expect(codes(checkText('QTY*DY'))).toEqual(['2:2']);
    // E0809 inside C022.
    expect(only(checkText('HI*BF:41090::::::A:Y'))).toMatchObject({ element: 1, component: 9, elementRef: '1073', code: '10' });
  });

  it('12: too many repetitions', () => {
    // DMG05 repeats up to 10 times.
    const ten = Array.from({ length: 10 }, () => '1').join('^');
    expect(checkText(`DMG*D8*19580322*M**${ten}`).errors).toEqual([]);
    expect(only(checkText(`DMG*D8*19580322*M**${ten}^2`))).toMatchObject({ element: 5, repetition: 11, elementRef: '1109', code: '12' });
    // A non-repeating element containing the repetition separator.
    expect(only(checkText('N3*A^B'))).toMatchObject({ element: 1, repetition: 2, elementRef: '166', code: '12', value: 'A^B' });
    // Without a repetition separator the character is data.
    expect(checkText('N3*A^B', ':', null).errors).toEqual([]);
    // Errors inside a repetition carry its position.
    expect(only(checkText('DMG*D8*19580322*M**1^:RET'))).toMatchObject({ element: 5, component: 3, repetition: 2, code: '2' });
    expect(only(checkText('CTX*SITUATIONAL TRIGGER^' + 'X'.repeat(36)))).toMatchObject({ element: 1, component: 1, repetition: 2, elementRef: '9999', code: '5' });
  });

  it('13: too many components', () => {
    expect(only(checkText('REF*NT*P1**00:A:01:B:02:C:03'))).toMatchObject({ element: 4, elementRef: '128', code: '13' });
    expect(checkText('REF*NT*P1**00:A:01:B:02:C').errors).toEqual([]);
    // Empty trailing components inside the definition are absent, beyond it they are not.
    expect(checkText('REF*NT*P1**00:A::').errors).toEqual([]);
    expect(only(checkText('REF*NT*P1**00:A:::::'))).toMatchObject({ element: 4, code: '13' });
    // A component separator in a simple element.
    expect(only(checkText('AAA*N*41:TEXT**Y'))).toMatchObject({ element: 2, elementRef: '559', code: '13' });
  });

  it('copies at most 99 characters of bad data', () => {
    const e = only(checkText(`MSG*${'A'.repeat(300)}`));
    expect(e).toMatchObject({ element: 1, elementRef: '933', code: '5' });
    expect(e.value).toBe('A'.repeat(99));
  });

  it('reports several errors in element order', () => {
    expect(codes(checkText('NM1**9*SMITH*****MI*1*ZZZ'))).toEqual(['1:1', '9:4', '10:5']);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const SAFE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-/()&#@!?=+';

function text(min: number, max: number, alphabet: string): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: Math.min(max, min + 24) }).map((cs) => cs.join(''));
}
function digits(min: number, max: number): fc.Arbitrary<string> {
  return text(min, max, '0123456789');
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function validDate(len: number): fc.Arbitrary<string> {
  return fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }).map((d) => {
    const y = d.getUTCFullYear();
    const s = `${pad(y, 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
    // YYMMDD: only 2000-2099 keeps the 2-digit leap rule exact.
    return len === 6 ? `${pad(2000 + (y % 100), 4).slice(2)}${s.slice(4)}` : s;
  });
}

function validTime(min: number, max: number): fc.Arbitrary<string> {
  const lengths = [4, 6, 7, 8].filter((l) => l >= min && l <= max);
  return fc.tuple(fc.constantFrom(...lengths), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 99 })).map(
    ([l, h, m, s, d]) => `${pad(h, 2)}${pad(m, 2)}${pad(s, 2)}${pad(d, 2)}`.slice(0, l),
  );
}

function validValue(d: Pick<ComponentDef, 'kind' | 'min' | 'max' | 'type'>, raw: boolean): fc.Arbitrary<string> {
  const max = Math.min(d.max, 30);
  switch (d.kind) {
    case TypeKind.N:
      return fc.tuple(fc.boolean(), digits(d.min, max)).map(([neg, ds]) => (neg ? `-${ds}` : ds));
    case TypeKind.R:
      return fc.tuple(fc.boolean(), digits(Math.max(d.min, 1), max), fc.nat()).map(([neg, ds, at]) => {
        const p = at % (ds.length + 2); // sometimes no point
        const body = p > ds.length ? ds : `${ds.slice(0, p)}.${ds.slice(p)}`;
        return neg ? `-${body}` : body;
      });
    case TypeKind.DT:
      return validDate(d.max);
    case TypeKind.TM:
      return validTime(d.min, d.max);
    default:
      // Raw (ISA) elements may hold any printable character, even separators.
      return text(d.min, max, raw ? `${SAFE_CHARS}:^*>` : d.kind === TypeKind.ID ? SAFE_CHARS.slice(0, 62) : SAFE_CHARS);
  }
}

/** Sets presence flags so that every syntax note holds (mandatory positions stay present). */
function satisfyNotes(presentIn: boolean[], notes: readonly SyntaxNote[], mandatory: readonly boolean[]): boolean[] {
  const p = [...presentIn];
  for (let round = 0; round < 8; round++) {
    let changed = false;
    const set = (i: number, v: boolean): void => {
      if (p[i] !== v && (v || !mandatory[i])) {
        p[i] = v;
        changed = true;
      }
    };
    for (const note of notes) {
      const idx = note.indexes;
      const first = idx[0] as number;
      const rest = idx.slice(1);
      switch (note.text[0]) {
        case 'E': {
          const used = idx.filter((i) => p[i]);
          for (const i of used.slice(1)) set(i, false);
          break;
        }
        case 'P':
          if (idx.some((i) => p[i])) for (const i of idx) set(i, true);
          break;
        case 'R':
          if (!idx.some((i) => p[i])) set(first, true);
          break;
        case 'C':
          if (p[first]) for (const i of rest) set(i, true);
          break;
        case 'L':
          if (p[first] && !rest.some((i) => p[i])) set(rest[0] as number, true);
          break;
      }
    }
    if (!changed) break;
  }
  return p;
}

function compositeArb(ed: ElementDef): fc.Arbitrary<string> {
  const composite = ed.composite;
  if (composite === null) throw new Error('not a composite');
  const comps = composite.components;
  const mandatory = comps.map((c) => c.mandatory);
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: comps.length, maxLength: comps.length }),
      fc.tuple(...comps.map((c) => validValue(c, false))),
      fc.nat({ max: comps.length - 1 }),
    )
    .map(([flags, values, force]) => {
      let present = flags.map((f, i) => f || (mandatory[i] ?? false));
      if (!present.some(Boolean)) present[force] = true; // an occurrence must hold data
      present = satisfyNotes(present, composite.syntax, mandatory);
      const parts = values.map((v, i) => (present[i] ? v : ''));
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      return parts.join(':');
    });
}

function elementArb(ed: ElementDef, raw: boolean): fc.Arbitrary<string> {
  const one = ed.composite !== null ? compositeArb(ed) : validValue(ed as ElementDef & { type: string }, raw);
  if (ed.repeat === 1) return one;
  return fc.array(one, { minLength: 1, maxLength: Math.min(ed.repeat, 4) }).map((reps) => reps.join('^'));
}

function segmentArb(id: string): fc.Arbitrary<string[]> {
  const seg = getSegmentDef(id);
  if (seg === undefined) throw new Error(id);
  const defs = seg.elements;
  const mandatory = defs.map((e) => e.mandatory);
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: defs.length, maxLength: defs.length }),
      fc.tuple(...defs.map((e) => elementArb(e, seg.raw))),
      fc.boolean(),
    )
    .map(([flags, values, keepTrailingEmpty]) => {
      const present = satisfyNotes(
        flags.map((f, i) => f || (mandatory[i] ?? false)),
        seg.syntax,
        mandatory,
      );
      const out = values.map((v, i) => (present[i] ? v : ''));
      if (!keepTrailingEmpty) while (out.length > 0 && out[out.length - 1] === '') out.pop();
      return out;
    });
}

describe('properties', () => {
  it('(a) a random valid instance of every dictionary segment has no errors', () => {
    for (const id of segmentIds()) {
      fc.assert(
        fc.property(segmentArb(id), (elements) => {
          const r = checkSegmentSyntax(id, elements, ':', '^');
          if (r.errors.length > 0) throw new Error(`${id}*${elements.join('*')}\n${JSON.stringify(r.errors, null, 1)}`);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('(a) valid instances stay valid without a repetition separator when nothing repeats', () => {
    for (const id of segmentIds()) {
      const seg = getSegmentDef(id);
      if (seg === undefined || seg.elements.some((e) => e.repeat > 1)) continue;
      fc.assert(
        fc.property(segmentArb(id), (elements) => checkSegmentSyntax(id, elements, ':', null).errors.length === 0),
        { numRuns: 40 },
      );
    }
  });

  it('(b) never throws on arbitrary input and always returns well-formed errors', () => {
    const ids = fc.constantFrom(...segmentIds(), 'ZZ', '', 'isa', 'NM1 ');
    const noisy = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      text(0, 40, '0123456789:^-.*AZ '),
      fc.constantFrom('', ':', '^', '::::', '^^', '-', '.', '-.', '20230229', '2400'),
    );
    const sep = fc.oneof(fc.constantFrom(':', '^', '>', ''), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(ids, fc.array(noisy, { maxLength: 30 }), sep, fc.option(sep, { nil: null }), (id, elements, component, repetition) => {
        const r = checkSegmentSyntax(id, elements, component, repetition);
        expect(typeof r.known).toBe('boolean');
        for (const e of r.errors) {
          expect(Number.isInteger(e.element) && e.element >= 1).toBe(true);
          expect(['1', '2', '3', '4', '5', '6', '8', '9', '10', '12', '13']).toContain(e.code);
          expect(typeof e.elementRef).toBe('string');
          expect(e.message.length).toBeGreaterThan(0);
          if (e.value !== undefined) expect(e.value.length).toBeLessThanOrEqual(99);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
