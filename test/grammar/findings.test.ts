import { describe, expect, it } from 'vitest';
import { buildLoopTree, checkStructure, grammarSet, outline, type LoopNode } from '../../src/grammar/index.js';
import { validateTransaction } from '../../src/grammar/validate.js';
import { AckBuilder, MemoryControlNumbers } from '../../src/x12/index.js';
import { brief, REQUEST, structure, tx } from './support.js';

// Positions in REQUEST: ST 1, BHT 2, HL 3, NM1 4, HL 5, NM1 6, HL 7, NM1 8, HL(EV) 9, TRN 10, UM 11,
// DTP 12, HI 13, HL(SS) 14, UM 15, SV1 16, SE 17. Body line i sits at position i + 2.

/** REQUEST with body lines replaced / inserted / removed. */
function edit(f: (b: string[]) => void): string[] {
  const b = [...REQUEST];
  f(b);
  return b;
}

const RESPONSE = [
  'BHT*0007*11*X1*20261123*1200*18',
  'HL*1**20*1',
  'NM1*X3*2*PAYER*****PI*12345',
  'HL*2*1*21*1',
  'NM1*1P*1*DOE*JO****XX*1234567893',
  'HL*3*2*22*1',
  'NM1*IL*1*ROE*RI****MI*M1',
  'HL*4*3*EV*0',
  'TRN*2*T1*1234567893',
  'UM*HS*I*1',
  'HCR*A1*AUTH1',
];

function allSegments(n: LoopNode): number {
  return n.segments.length + n.children.reduce((a, c) => a + allSegments(c), 0);
}

describe('loop tree', () => {
  it('builds the request tree with keyed rows and no finding', () => {
    const t = tx(REQUEST);
    const r = checkStructure(t);
    expect(r.findings).toEqual([]);
    expect(r.grammar?.id).toBe('278-x217-request');
    const root = r.tree!.root;
    expect(outline(root)).toBe('2000A[2010A 2000B[2010B 2000C[2010C 2000E[2000F]]]]');
    expect(root.segments.map((s) => s.segment.id)).toEqual(['ST', 'BHT', 'SE']);
    const event = root.child('2000A')!.child('2000B')!.child('2000C')!.child('2000E')!;
    expect(event.path).toBe('2000A/2000B/2000C/2000E');
    expect(event.segment('DTP*435')?.position).toBe(12);
    expect(event.segment('DTP*435')?.row?.label).toBe('admit date');
    expect(event.segments.map((s) => s.row?.name)).toEqual(['HL', 'TRN', 'UM', 'DTP*435', 'HI']);
    expect(event.child('2000F')!.segments.map((s) => s.position)).toEqual([14, 15, 16]);
    expect(allSegments(root)).toBe(t.segments.length);
  });

  it('tells DTP uses apart by qualifier and lets one standard position come in any order', () => {
    const body = edit((b) => b.splice(11, 0, 'DTP*096*D8*20261205', 'DTP*AAH*D8*20261201'));
    const { findings } = structure(body);
    expect(findings).toEqual([]);
    const ev = checkStructure(tx(body)).tree!.root.child('2000A')!.child('2000B')!.child('2000C')!.child('2000E')!;
    expect(ev.segmentsNamed('DTP').map((s) => s.row?.name)).toEqual(['DTP*435', 'DTP*096', 'DTP*AAH']);
  });

  it('distinguishes 2010EA, 2010EB and 2010EC by NM101, in any order', () => {
    const body = edit((b) => b.splice(12, 0, 'NM1*PW*2*HOME', 'N3*1 MAIN ST', 'NM1*SJ*1*DOC*JO****XX*1234567893', 'PRV*PE*PXC*207X00000X', 'NM1*X3*2*OTHER UMO', 'REF*ZZ*DENIED', 'NM1*FS*2*CLINIC'));
    const { findings, outline: o } = structure(body);
    expect(findings).toEqual([]);
    expect(o).toBe('2000A[2010A 2000B[2010B 2000C[2010C 2000E[2010EB 2010EA 2010EC 2010EB 2000F]]]]');
  });

  it('keeps an HL under the HL its HL02 names, also when the level may not hang there', () => {
    const body = [...REQUEST, 'HL*6*5*SS*0', 'SV1*HC:99214'];
    const r = checkStructure(tx(body));
    expect(outline(r.tree!.root)).toBe('2000A[2010A 2000B[2010B 2000C[2010C 2000E[2000F[2000F]]]]]');
    expect(r.findings.map((f) => f.message)).toEqual([
      'level SS (2000F) cannot hang under level SS; allowed: EV',
      'HL 5: HL04 says it has no children, it has 1',
    ]);
  });
});

describe('structural findings', () => {
  it('unexpected segment (IK304 2) in a loop and before the first HL', () => {
    const a = structure(edit((b) => b.splice(10, 0, 'STC*A1')));
    expect(brief(a.findings)).toEqual(['SEGMENT_UNEXPECTED@12 2000E']);
    expect(a.findings[0]!.ack).toEqual({ level: 'segment', code: '2' });
    const b = structure(edit((x) => x.splice(1, 0, 'UM*HS*I')));
    expect(brief(b.findings)).toEqual(['SEGMENT_UNEXPECTED@3']);
    expect(b.findings[0]!.message).toContain('before the first HL');
  });

  it('segment not in proper sequence (IK304 7)', () => {
    const { findings } = structure(edit((b) => b.splice(10, 2, 'HI*ABK:I10', 'DTP*435*D8*20261201')));
    expect(brief(findings)).toEqual(['SEGMENT_OUT_OF_ORDER@13 2000E']);
    expect(findings[0]!.message).toBe('DTP*435 (admit date) comes after HI in 2000E (patient event level); it belongs earlier');
    expect(findings[0]!.ack).toEqual({ level: 'segment', code: '7' });
    const late = structure(edit((b) => b.splice(12, 0, 'NM1*SJ*1*DOC*JO****XX*1234567893', 'MSG*LATE NOTE')));
    expect(brief(late.findings)).toEqual(['SEGMENT_OUT_OF_ORDER@15 2000E']);
    expect(late.findings[0]!.message).toBe('MSG (free text) comes after loop 2010EA in 2000E (patient event level); it belongs earlier');
  });

  it('required segment missing (IK304 3), reported where it was expected', () => {
    const { findings } = structure(edit((b) => b.splice(9, 1)));
    expect(brief(findings)).toEqual(['SEGMENT_REQUIRED_MISSING@11 2000E']);
    expect(findings[0]).toMatchObject({ segment: 'UM', ack: { level: 'segment', code: '3' } });
    const bht = structure(REQUEST.slice(1));
    expect(brief(bht.findings)).toEqual(['SEGMENT_REQUIRED_MISSING@2']);
    expect(bht.findings[0]!.segment).toBe('BHT');
  });

  it('segment over its maximum use (IK304 5)', () => {
    const { findings } = structure(edit((b) => b.splice(10, 0, 'DTP*435*D8*20261202')));
    expect(brief(findings)).toEqual(['SEGMENT_MAX_USE@13 2000E']);
    expect(findings[0]!.message).toBe('DTP*435 (admit date) occurs 2 times in 2000E (patient event level); at most 1');
    expect(findings[0]!.ack).toEqual({ level: 'segment', code: '5' });
  });

  it('loop over its maximum (IK304 4): a name loop and an HL level', () => {
    const name = structure(edit((b) => b.splice(3, 0, 'NM1*PR*2*OTHER PAYER*****PI*9')));
    expect(brief(name.findings)).toEqual(['LOOP_MAX_USE@5 2010A']);
    expect(name.findings[0]!.ack).toEqual({ level: 'segment', code: '4' });
    const level = structure(edit((b) => b.splice(11, 4, 'HL*5*3*EV*0', 'UM*HS*I')));
    expect(brief(level.findings)).toEqual(['LOOP_MAX_USE@13 2000E', 'HL04_CHILDREN@9']);
  });

  it('required loop missing (IK304 3 on its first segment)', () => {
    const { findings } = structure(edit((b) => b.splice(2, 1)));
    expect(brief(findings)).toEqual(['LOOP_REQUIRED_MISSING@4 2010A']);
    expect(findings[0]).toMatchObject({ segment: 'NM1', message: '2000A (UMO level) lacks its required loop 2010A (UMO name)' });
  });

  it('implementation "not used" segment (IK304 I4): response-only rows in a request', () => {
    const { findings } = structure(edit((b) => b.splice(10, 0, 'HCR*A1*AUTH1')));
    expect(brief(findings)).toEqual(['SEGMENT_NOT_USED@12 2000E']);
    expect(findings[0]!.ack).toEqual({ level: 'segment', code: 'I4' });
    const aaa = structure(edit((b) => b.splice(7, 0, 'AAA*N**15')));
    expect(brief(aaa.findings)).toEqual(['SEGMENT_NOT_USED@9 2010C']);
  });

  it('a qualifier no row of the loop accepts (IK4 code 7 on the qualifier)', () => {
    const dtp = structure(edit((b) => (b[10] = 'DTP*999*D8*20261201')));
    expect(brief(dtp.findings)).toEqual(['SEGMENT_QUALIFIER@12 2000E']);
    expect(dtp.findings[0]!.ack).toEqual({ level: 'element', code: '7', element: 1, elementRef: '374', value: '999' });
    const nm1 = structure(edit((b) => b.splice(12, 0, 'NM1*ZZ*1*WHO')));
    expect(brief(nm1.findings)).toEqual(['SEGMENT_QUALIFIER@14 2010EA']);
    expect(nm1.findings[0]!.message).toContain('read as loop 2010EA');
    expect(nm1.outline).toBe('2000A[2010A 2000B[2010B 2000C[2010C 2000E[2010EA 2000F]]]]');
  });

  it('HL problems: ids, parents, levels (IK3 HL + IK4)', () => {
    const cases: Array<[(b: string[]) => void, string[], number]> = [
      // The next HL names HL 2 as its parent, which no longer exists.
      [(b) => (b[3] = 'HL*7*1*21*1'), ['HL01 "7" should be 2 (HL ids count up from 1)', 'HL02 "2" names no earlier HL'], 1],
      [(b) => (b[3] = 'HL*2*9*21*1'), ['HL02 "9" names no earlier HL'], 2],
      [(b) => (b[7] = 'HL*4*3*SS*1'), ['level SS (2000F) cannot hang under level 22; allowed: EV', 'level SS (2000F) cannot hang under level SS; allowed: EV'], 3],
      [(b) => (b[1] = 'HL*1**21*1'), ['the first HL must be level 20, found 21', 'level 21 (2000B) cannot hang under level 21; allowed: 20'], 3],
      [(b) => (b[1] = 'HL*1*1*20*1'), ['the first HL has no parent'], 2],
    ];
    for (const [change, messages, element] of cases) {
      const hl = structure(edit(change)).findings.filter((f) => f.code === 'HL_STRUCTURE');
      expect(hl.map((f) => f.message), messages[0]).toEqual(messages);
      expect(hl[0]!.ack).toMatchObject({ level: 'element', code: '7', element });
    }
  });

  it('an HL level the grammar does not know keeps its segments unchecked', () => {
    const r = checkStructure(tx(edit((b) => (b[12] = 'HL*5*4*ZZ*0'))));
    expect(brief(r.findings)).toEqual(['HL_STRUCTURE@14']);
    expect(r.findings[0]!.message).toBe('HL03 "ZZ" is not a level of the 278');
    const unknown = r.tree!.root.child('2000A')!.child('2000B')!.child('2000C')!.child('2000E')!.child('HLZZ')!;
    expect(unknown.segments.map((s) => [s.segment.id, s.row])).toEqual([['HL', null], ['UM', null], ['SV1', null]]);
  });

  it('a branch that stops above the patient event; a transaction with no HL', () => {
    const stop = structure(REQUEST.slice(0, 7).map((s) => (s === 'HL*3*2*22*1' ? 'HL*3*2*22*0' : s)));
    expect(brief(stop.findings)).toEqual(['HL_LEVEL_MISSING@7 2000E']);
    expect(stop.findings[0]!.message).toBe('HL 3 (level 22, 2000C) ends its branch without a 2000D or 2000E level below it');
    const none = structure(['BHT*0007*13*X1*20261123*1200']);
    expect(brief(none.findings)).toEqual(['HL_LEVEL_MISSING@3 2000A']);
    expect(none.findings[0]!.message).toBe('no HL levels: a 278 needs the 2000A level');
  });

  it('a response may end a branch where the UMO rejects with AAA', () => {
    const stop = RESPONSE.slice(0, 7).map((s) => (s === 'HL*3*2*22*1' ? 'HL*3*2*22*0' : s));
    expect(brief(structure(stop).findings)).toEqual(['HL_LEVEL_MISSING@7 2000E']);
    expect(structure([...stop, 'AAA*N**75*C']).findings).toEqual([]);
    expect(structure([...stop.slice(0, 3), 'AAA*N**42*C', ...stop.slice(3)]).findings).toEqual([]); // an ancestor's AAA
  });

  it('HL04 that disagrees with what follows is a warning', () => {
    const { findings } = structure(edit((b) => (b[12] = 'HL*5*4*SS*1')));
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'HL04_CHILDREN', position: 14 })]);
  });
});

describe('choosing the grammar', () => {
  it('by ST03 and BHT02: X217 request and response, X215 inquiry and response, addenda', () => {
    expect(structure(REQUEST).grammar).toBe('278-x217-request');
    expect(structure(RESPONSE).grammar).toBe('278-x217-response');
    expect(structure(RESPONSE).findings).toEqual([]);
    expect(structure(REQUEST, '005010X215').grammar).toBe('278-x215-request');
    expect(structure(RESPONSE, '005010X215')).toMatchObject({ grammar: '278-x215-response', findings: [] });
    expect(structure(REQUEST, '005010X217A1').grammar).toBe('278-x217-request');
    expect(structure(edit((b) => (b[0] = 'BHT*0007*01*X1*20261123*1200'))).grammar).toBe('278-x217-request');
  });

  it('an unknown purpose code is reported and the best reading kept', () => {
    const r = structure(RESPONSE.map((s, i) => (i === 0 ? 'BHT*0007*08*X1*20261123*1200' : s)));
    expect(r.grammar).toBe('278-x217-response');
    expect(brief(r.findings)).toEqual(['PURPOSE_UNKNOWN@2']);
    expect(r.findings[0]!.ack).toEqual({ level: 'element', code: '7', element: 2, elementRef: '353', value: '08' });
  });

  it('an implementation with no grammar is a warning; other transaction sets are not checked', () => {
    const r = checkStructure(tx(REQUEST, '005010X216'));
    expect(r.tree).toBeNull();
    expect(r.findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'GRAMMAR_UNKNOWN' })]);
    expect(grammarSet().hasTransactionSet('270')).toBe(false);
  });

  it('builds under an explicitly given grammar', () => {
    const request = grammarSet().byId('278-x217-request')!;
    const r = buildLoopTree(tx(RESPONSE), request);
    expect(r.tree.grammar).toBe(request);
    expect(brief(r.findings)).toEqual(['SEGMENT_NOT_USED@12 2000E']);
  });
});

describe('into the 999', () => {
  it('structural findings become IK3 with the loop id', () => {
    const text = tx(edit((b) => b.splice(10, 0, 'HCR*A1*AUTH1')));
    const b = new AckBuilder({ now: () => new Date(Date.UTC(2026, 10, 23, 14, 5)), controlNumbers: new MemoryControlNumbers({ interchange: 500, group: 900 }) });
    b.transaction(text, validateTransaction(text));
    b.groupEnd(text.group!);
    b.interchangeEnd(text.interchange);
    const out = b.drain().split('~');
    expect(out).toContain('IK3*HCR*12*2000E*I4');
    expect(out).toContain('IK5*R*5');
  });

  it('an unknown segment is reported once, as not in the set', () => {
    const f = validateTransaction(tx(edit((b) => b.splice(10, 0, 'ZZZ*1'))));
    expect(brief(f)).toEqual(['SEGMENT_NOT_IN_SET@12']);
  });
});
