import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY, interchange, read, transactions } from '../support/x12.js';

// The framer reads the usual ST and SE straight from their bytes and falls back to Segment
// element reads for anything else. Whatever the ST/SE hold, what it reports must be what the
// Segment API of the same segments says.

/** Element values that land on both sides of the byte-level checks. */
const element = fc.oneof(
  fc.constantFrom('', '0', '11', '011', '0001', '00001', '1', '278', '279', '005010X217', '005010X215', '0001 ', 'A1', '1234567890', 'é1', '\u00e9', '0002', '99999999999999999'),
  fc.stringMatching(/^[0-9A-Z ]{0,11}$/),
);

const stSe = fc.record({
  st: fc.array(element, { minLength: 0, maxLength: 4 }),
  se: fc.array(element, { minLength: 0, maxLength: 3 }),
  right: fc.boolean(),
});

function build(specs: Array<{ st: string[]; se: string[]; right: boolean }>): Buffer {
  // Start from a valid interchange and replace each ST and SE (right: the usual values).
  let text = interchange(specs.map(() => BODY));
  specs.forEach((s, i) => {
    const c = String(i + 1).padStart(4, '0');
    const st = s.right ? `ST*278*${c}*005010X217` : ['ST', ...s.st].join('*');
    const se = s.right ? `SE*${BODY.length + 2}*${c}` : ['SE', ...s.se].join('*');
    text = text.replace(`ST*278*${c}*005010X217~`, `\u0000ST${i}~`).replace(`SE*${BODY.length + 2}*${c}~`, `\u0000SE${i}~`);
    text = text.replace(`\u0000ST${i}~`, st + '~').replace(`\u0000SE${i}~`, se + '~');
  });
  return Buffer.from(text, 'utf8');
}

describe('ST and SE read from bytes', () => {
  it('agree with the Segment element reads for any ST/SE content', () => {
    fc.assert(
      fc.property(fc.array(stSe, { minLength: 1, maxLength: 4 }), (specs) => {
        for (const tx of transactions(read(build(specs)))) {
          const segs = tx.segments;
          const st = segs[0]!;
          expect(st.id).toBe('ST');
          expect(tx.type).toBe(st.element(1));
          expect(tx.control).toBe(st.element(2));
          expect(tx.implementation).toBe(st.element(3) !== '' ? st.element(3) : tx.group!.version);
          const codes = tx.findings.map((f) => f.code);
          const se = segs.at(-1)!;
          if (se.id !== 'SE') continue;
          const count = tx.segmentCount;
          const countOk = se.elementNumber(1) === count && se.element(1).length <= String(count).length;
          expect(codes.includes('SE01_COUNT')).toBe(!countOk);
          expect(codes.includes('SE02_CONTROL')).toBe(!se.elementEquals(2, tx.control));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads ST01-ST03 and the SE checks as before on hand-picked cases', () => {
    const cases: Array<[string, string, string[]]> = [
      ['ST*278*0001*005010X217', 'SE*11*0001', []],
      ['ST*278*0001*005010X217', 'SE*011*0001', ['SE01_COUNT']],
      ['ST*278*0001*005010X217', 'SE*11*0001*EXTRA', []],
      ['ST*278*0001*005010X217', 'SE*11*00012', ['SE02_CONTROL']],
      ['ST*278*0001*005010X217', 'SE*11', ['SE02_CONTROL']],
      ['ST*278*0001*005010X217', 'SE**0001', ['SE01_COUNT']],
      ['ST*278*123456789*005010X217*X', 'SE*11*123456789', []],
      ['ST*278*1234567890*005010X217', 'SE*11*1234567890', ['ST02_INVALID']],
      ['ST*278*00é1*005010X217', 'SE*11*00é1', []],
      ['ST*278', 'SE*11', ['ST02_INVALID', 'ST03_MISSING']],
      ['ST*27*0001*005010X217', 'SE*11*0001', ['ST01_INVALID']],
    ];
    for (const [st, se, expected] of cases) {
      const text = interchange([BODY]).replace('ST*278*0001*005010X217', st).replace('SE*11*0001', se);
      const tx = transactions(read(Buffer.from(text, 'utf8')))[0]!;
      expect([st, se, tx.findings.map((f) => f.code)]).toEqual([st, se, expected]);
      expect(tx.control).toBe(tx.segments[0]!.element(2));
    }
  });
});
