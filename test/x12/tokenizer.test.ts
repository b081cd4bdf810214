import { describe, expect, it } from 'vitest';
import { Tokenizer, type Finding, type Segment } from '../../src/x12/index.js';
import { BODY, interchange, isa } from '../support/x12.js';

function tokenize(input: string | Buffer, chunks?: number[]): { segs: Segment[]; findings: Finding[] } {
  const segs: Segment[] = [];
  const findings: Finding[] = [];
  const t = new Tokenizer({ segment: (s) => segs.push(s), finding: (f) => findings.push(f) });
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  if (chunks === undefined) t.push(buf);
  else {
    let at = 0;
    for (const n of chunks) {
      t.push(buf.subarray(at, at + n));
      at += n;
    }
    t.push(buf.subarray(at));
  }
  t.end();
  return { segs, findings };
}

describe('tokenizer', () => {
  it('reads the delimiters from the ISA', () => {
    const text = interchange([BODY], { e: '|', comp: '>', rep: '!', term: '\u0085'.replace('\u0085', '#') });
    const { segs, findings } = tokenize(text);
    expect(findings).toEqual([]);
    expect(segs[0]!.delimiters).toEqual({ element: 0x7c, component: 0x3e, repetition: 0x21, segment: 0x23 });
    expect(segs.map((s) => s.id)).toEqual(['ISA', 'GS', 'ST', 'BHT', 'HL', 'NM1', 'HL', 'NM1', 'HL', 'NM1', 'HL', 'UM', 'SE', 'GE', 'IEA']);
    expect(segs[5]!.elements()).toEqual(['NM1', 'X3', '2', 'PAYER', '', '', '', '', 'PI', '12345']);
    expect(segs[0]!.element(16)).toBe('>');
  });

  it('treats ISA11 U (version 00401) as no repetition separator', () => {
    const { segs } = tokenize(interchange([BODY], { rep: 'U', version: '00401' }));
    expect(segs[0]!.delimiters.repetition).toBe(-1);
  });

  it('knows each segment offset and ordinal', () => {
    const text = interchange([BODY], { eol: '\r\n' });
    const { segs } = tokenize(text);
    segs.forEach((s, i) => {
      expect(s.ordinal).toBe(i + 1);
      expect(text.slice(s.offset, s.offset + 3)).toBe(s.raw().slice(0, 3));
    });
    expect(segs[1]!.offset).toBe(108); // 106-byte ISA, then CR LF
    expect(segs[1]!.lead()).toBe('\r\n');
  });

  it('accepts CR/LF or nothing between segments, indentation and blank lines', () => {
    const plain = tokenize(interchange([BODY])).segs.map((s) => s.elements());
    for (const eol of ['\n', '\r\n', '\r\n\r\n', '\n    ', '\n\t']) {
      const { segs, findings } = tokenize(interchange([BODY], { eol }));
      expect(findings).toEqual([]);
      expect(segs.map((s) => s.elements())).toEqual(plain);
    }
  });

  it('reads a newline used as the segment terminator (and a CR before it)', () => {
    const plain = tokenize(interchange([BODY])).segs.map((s) => s.elements());
    expect(tokenize(interchange([BODY], { term: '\n' })).segs.map((s) => s.elements())).toEqual(plain);
    const crlf = interchange([BODY], { term: '\n' }).replaceAll('\n', '\r\n');
    expect(tokenize(crlf).segs.map((s) => s.elements())).toEqual(plain);
  });

  it('skips a UTF-8 BOM and reports it as info', () => {
    const { segs, findings } = tokenize(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(interchange([BODY]))]));
    expect(segs[0]!.id).toBe('ISA');
    expect(segs[0]!.offset).toBe(3);
    expect(findings).toEqual([expect.objectContaining({ severity: 'info', code: 'BOM', offset: 0 })]);
  });

  it('skips and reports text before the first ISA and between interchanges', () => {
    const text = 'From: partner\r\nSubject: batch\r\n' + interchange([BODY]) + 'trailing garbage' + interchange([BODY], { control: '000000002' });
    const { segs, findings } = tokenize(text);
    expect(segs.filter((s) => s.id === 'ISA')).toHaveLength(2);
    expect(findings.map((f) => [f.code, f.offset])).toEqual([
      ['TEXT_OUTSIDE_INTERCHANGE', 0],
      ['TEXT_OUTSIDE_INTERCHANGE', text.indexOf('trailing')],
    ]);
    expect(findings[0]!.message).toContain('29 byte(s)'); // the CR LF right before ISA is its lead, not skipped text
  });

  it('reads several interchanges with different delimiters in one file', () => {
    const a = interchange([BODY], { eol: '\n' });
    const b = interchange([BODY, BODY], { e: '^', rep: '{', comp: '\\', term: "'", control: '000000002' });
    const { segs, findings } = tokenize(a + b);
    expect(findings).toEqual([]);
    const isas = segs.filter((s) => s.id === 'ISA');
    expect(isas.map((s) => String.fromCharCode(s.delimiters.segment))).toEqual(['~', "'"]);
    expect(segs.filter((s) => s.id === 'ST')).toHaveLength(3);
  });

  it('re-reads a new ISA that arrives before IEA (even with other delimiters)', () => {
    const a = interchange([BODY]).replace(/IEA\*1\*000000001~$/, '');
    const b = interchange([BODY], { e: '|', term: '\n', control: '000000002' });
    const { segs } = tokenize(a + b);
    expect(segs.filter((s) => s.id === 'ISA')).toHaveLength(2);
    expect(segs.at(-1)!.elements()).toEqual(['IEA', '1', '000000002']);
  });

  it('reports a last segment without terminator', () => {
    const text = interchange([BODY]).replace(/~$/, '');
    const { segs, findings } = tokenize(text);
    expect(segs.at(-1)!.id).toBe('IEA');
    expect(segs.at(-1)!.terminated).toBe(false);
    expect(findings.map((f) => f.code)).toEqual(['MISSING_TERMINATOR']);
  });

  it('reports an ISA it cannot read and goes on to the next one', () => {
    const broken = 'ISA*00*short*ZZ*X~';
    const { segs, findings } = tokenize(broken + '\n' + 'x'.repeat(600) + interchange([BODY]));
    expect(findings[0]!.code).toBe('ISA_UNREADABLE');
    expect(segs.filter((s) => s.id === 'ST')).toHaveLength(1);
  });

  it('reports unusable delimiters', () => {
    const bad = isa({ comp: '*' });
    const { findings } = tokenize(bad + 'GS*HI~IEA*0*000000001~');
    expect(findings[0]!.code).toBe('ISA_DELIMITERS');
  });

  it('yields the same segments whatever the chunk boundaries', () => {
    const text = 'junk\n' + interchange([BODY, BODY], { eol: '\r\n' }) + '\n' + interchange([BODY], { e: '|', term: '\n', control: '000000002' });
    const whole = tokenize(text);
    const view = (r: { segs: Segment[]; findings: Finding[] }) => [r.segs.map((s) => [s.id, s.offset, s.ordinal, s.lead(), ...s.elements()]), r.findings];
    for (const size of [1, 2, 3, 7, 64, 105, 106, 107, 4096]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, () => size);
      expect(view(tokenize(text, chunks))).toEqual(view(whole));
    }
  });

  it('reports and skips a segment that never ends', () => {
    const segs: Segment[] = [];
    const findings: Finding[] = [];
    const t = new Tokenizer({ segment: (s) => segs.push(s), finding: (f) => findings.push(f) }, { maxSegmentBytes: 1000 });
    t.push(Buffer.from(isa() + 'GS*' + 'A'.repeat(5000)));
    t.push(Buffer.from(interchange([BODY], { control: '000000002' })));
    t.end();
    expect(findings.map((f) => f.code)).toContain('SEGMENT_TOO_LONG');
    expect(segs.filter((s) => s.id === 'ST')).toHaveLength(1);
  });

  it('keeps bytes that are not UTF-8 (Latin-1 fallback) and reads UTF-8 names as such', () => {
    const utf8 = Buffer.from(interchange([[...BODY.slice(0, 6), 'NM1*IL*1*MÜLLER*JOSÉ****MI*M1', ...BODY.slice(7)]]), 'utf8');
    const { segs } = tokenize(utf8);
    expect(segs.find((s) => s.id === 'NM1' && s.element(1) === 'IL')!.element(3)).toBe('MÜLLER');
    const latin1 = Buffer.from(interchange([[...BODY.slice(0, 6), 'NM1*IL*1*MÜLLER*JOSÉ****MI*M1', ...BODY.slice(7)]]), 'latin1');
    expect(tokenize(latin1).segs.find((s) => s.id === 'NM1' && s.element(1) === 'IL')!.element(4)).toBe('JOSÉ');
  });
});
