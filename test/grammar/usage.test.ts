/**
 * Element usage per segment use (the rows' `elements` and `pairs`): the data loads and agrees
 * with the segment dictionary; each kind of finding fires on a crafted 278 and lands in the 999
 * as IK4 with its IK403 code; the samples and the valid public corpus give no usage finding;
 * removing a required element or filling a not-used one is always reported.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkElementUsage, checkStructure, GrammarError, grammarSet, loadGrammarSet, type LoopDef, type SegmentRow } from '../../src/grammar/index.js';
import { analyzeTransaction, validateTransaction } from '../../src/grammar/validate.js';
import { AckBuilder, MemoryControlNumbers, readX12Buffer, type Finding, type TransactionSet } from '../../src/x12/index.js';
import { dictionary } from '../../src/x12/dictionary.js';
import { REQUEST, tx } from './support.js';
import { describeShared, hasShared } from '../support/shared.js';

const DIR = fileURLToPath(new URL('../../mappings/grammar/', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/x12/', import.meta.url));
const USAGE = ['ELEMENT_REQUIRED_MISSING', 'ELEMENT_NOT_USED', 'ELEMENT_CODE', 'ELEMENT_PAIR_MISSING'];

type Json = Record<string, any>;

function rowsOf(def: LoopDef): SegmentRow[] {
  return def.slots.flatMap((s) => (s.kind === 'segment' ? [s] : rowsOf(s)));
}

function allRows(): Array<[string, string, SegmentRow]> {
  const out: Array<[string, string, SegmentRow]> = [];
  for (const g of grammarSet().grammars) {
    for (const r of [...g.header.slots.filter((s): s is SegmentRow => s.kind === 'segment'), g.trailer]) out.push([g.id, 'header', r]);
    for (const l of g.levels) for (const r of rowsOf(l)) out.push([g.id, r.loop, r]);
  }
  return out;
}

/** A copy of the grammar directory with `name` changed, loaded. */
function loadChanged(name: string, change: (json: Json) => void): ReturnType<typeof loadGrammarSet> {
  const dir = mkdtempSync(join(tmpdir(), 'x12pas-usage-'));
  for (const f of readdirSync(DIR)) {
    const text = readFileSync(join(DIR, f), 'utf8');
    if (f !== name) writeFileSync(join(dir, f), text);
    else {
      const json = JSON.parse(text) as Json;
      change(json);
      writeFileSync(join(dir, f), JSON.stringify(json));
    }
  }
  return loadGrammarSet(dir);
}

function loadError(change: (json: Json) => void): string {
  try {
    loadChanged('278-x217-request.json', change);
  } catch (e) {
    expect(e).toBeInstanceOf(GrammarError);
    return (e as Error).message.replace(/^.*278-x217-request\.json: /, '');
  }
  throw new Error('loaded without error');
}

/** The request body with one line replaced (by its segment text prefix). */
function withLine(prefix: string, line: string): string[] {
  const i = REQUEST.findIndex((l) => l.startsWith(prefix));
  expect(i).toBeGreaterThanOrEqual(0);
  return REQUEST.map((l, j) => (j === i ? line : l));
}

function usage(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => USAGE.includes(f.code));
}

/** `CODE SEGxx[-c] ik403` for usage findings. */
function short(findings: readonly Finding[]): string[] {
  return usage(findings).map((f) => {
    const a = f.ack!;
    if (a.level !== 'element') throw new Error('not an element finding');
    return `${f.code} ${f.segment}${String(a.element).padStart(2, '0')}${a.component !== undefined ? `-${a.component}` : ''} ${a.code}@${f.position} ${f.loop ?? ''}`.trim();
  });
}

function ack999(t: TransactionSet, findings: Finding[]): string[] {
  const b = new AckBuilder({ now: () => new Date(Date.UTC(2026, 11, 7, 1, 0)), controlNumbers: new MemoryControlNumbers({ interchange: 700, group: 70 }) });
  b.transaction(t, findings);
  b.groupEnd(t.group!);
  b.interchangeEnd(t.interchange);
  return b.drain().split('~').map((s) => s.trim());
}

describe('element usage data', () => {
  it('every segment use of the four grammars has its element usage, one entry per element of the dictionary', () => {
    const rows = allRows();
    const dict = dictionary();
    let checked = 0;
    for (const [g, loop, row] of rows) {
      if (row.implied) {
        expect(row.elements, `${g} ${loop} ${row.name}`).toBeNull();
        continue;
      }
      const rules = row.elements;
      expect(rules, `${g} ${loop} ${row.name} has no element usage`).not.toBeNull();
      const def = dict.get(row.segment)!;
      expect(rules!.use.length - 1, `${g} ${loop} ${row.name}`).toBe(def.elements.length);
      for (let i = 1; i < rules!.use.length; i++) {
        const el = def.elements[i - 1]!;
        // A mandatory element is never 'not used'.
        if (el.mandatory) expect(rules!.use[i], `${g} ${loop} ${row.name}${i}`).not.toBe(2);
        for (const code of rules!.lists[i] ?? []) {
          expect(el.composite, `${row.segment}${i}: codes on a composite`).toBeNull();
          expect(['ID', 'AN']).toContain(el.type);
          expect(code.length >= el.min && code.length <= el.max, `${row.segment}${i} ${code} (${el.min}-${el.max})`).toBe(true);
        }
        const comp = rules!.components[i];
        if (comp != null) {
          expect(el.composite).not.toBeNull();
          expect(comp.use.length - 1).toBe(el.composite!.components.length);
          comp.lists.forEach((list, k) => {
            const c = el.composite!.components[k - 1];
            for (const code of list ?? []) expect(code.length >= c!.min && code.length <= c!.max, `${row.segment}${i}-${k} ${code}`).toBe(true);
          });
        }
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('the qualifier of a keyed row keeps its values in the key (checked by the tree builder), not twice', () => {
    for (const [, , row] of allRows()) {
      if (row.key === null || row.elements === null) continue;
      expect(row.elements.codes[row.key.element]).toBeNull();
    }
  });

  it.each([
    ['an unknown usage letter', (j: Json) => (j.levels[0].body[1].body[0].elements[1] = 'X'), 'levels[0].body[1].body[0].elements[1]: usage "X" must be R, S or N'],
    ['more elements than the segment has', (j: Json) => j.levels[0].body[1].body[0].elements.push('S'), 'levels[0].body[1].body[0].elements: NM1 has 12 elements; 13 listed'],
    ['a mandatory element not used', (j: Json) => (j.levels[0].body[1].body[0].elements[1] = 'N'), 'NM102 is mandatory in the standard: it cannot be not used'],
    ['a code longer than the element', (j: Json) => (j.levels[0].body[1].body[0].elements[7] = 'R PIX'), 'code value "PIX" does not fit the element\'s length 1-2'],
    ['codes on a composite', (j: Json) => (j.levels[4].body.find((r: Json) => r.segment === 'HI').elements[0] = 'R ABK'), 'HI01 is a composite: give code values on its components'],
    ['a composite shape on a simple element', (j: Json) => (j.levels[0].body[1].body[0].elements[2] = { use: 'S', components: ['S'] }), 'NM103 is not a composite'],
    ['a pair naming a missing element', (j: Json) => (j.levels[0].body[1].body[0].pairs = ['08 13']), 'NM1 has no element 13'],
    ['a pair naming a not-used element', (j: Json) => (j.levels[0].body[1].body[0].pairs = ['08 10']), 'NM110 is not used here'],
    ['codes on a repeatable element', (j: Json) => (j.levels[2].body[1].body.find((r: Json) => r.segment === 'DMG').elements[4] = { use: 'S', components: ['S'] }), 'DMG05 repeats: give its usage only'],
    ['codes on a not-used element', (j: Json) => (j.levels[0].body[1].body[0].elements[9] = 'N AB'), 'a not-used element has no code values'],
  ])('a broken usage entry fails with its path: %s', (_what, change, message) => {
    expect(loadError(change)).toContain(message);
  });
});

describe('usage findings on crafted 278s', () => {
  it('a valid request has none', () => {
    expect(usage(validateTransaction(tx(REQUEST)))).toEqual([]);
  });

  it('a required element missing: IK403 1', () => {
    const t = tx(withLine('NM1*X3', 'NM1*X3*2*PAYER'));
    const f = validateTransaction(t);
    expect(short(f)).toEqual(['ELEMENT_REQUIRED_MISSING NM108 1@4 2010A', 'ELEMENT_REQUIRED_MISSING NM109 1@4 2010A']);
    expect(f.find((x) => x.code === 'ELEMENT_REQUIRED_MISSING')!.message).toBe('NM108 is required in 2010A NM1 (UMO name)');
    const out = ack999(t, f);
    expect(out).toContain('IK3*NM1*4*2010A*8');
    expect(out).toContain('IK4*8*66*1');
    expect(out).toContain('IK4*9*67*1');
    expect(out).toContain('IK5*R*5');
  });

  it('a not-used element present: IK403 I10', () => {
    const t = tx([...REQUEST.slice(0, 10), 'REF*BB*A1*SOME TEXT', ...REQUEST.slice(10)]);
    const f = validateTransaction(t);
    expect(short(f)).toEqual(['ELEMENT_NOT_USED REF03 I10@12 2000E']);
    expect(ack999(t, f)).toContain('IK4*3*352*I10*SOME TEXT');
  });

  it('a code not allowed at that use: IK403 7, with the allowed values in the message', () => {
    const t = tx(withLine('UM*HS*I*1', 'UM*HS*Q*1'));
    const f = validateTransaction(t);
    expect(short(f)).toEqual(['ELEMENT_CODE UM02 7@11 2000E']);
    expect(f[0]!.message).toContain('UM02 "Q" is not allowed in 2000E UM (event review info): 1, 2, 3, 4, I, R, S');
    expect(ack999(t, f)).toContain('IK4*2*1322*7*Q');
  });

  it('components: a code and a not-used component inside a composite (IK401 with the component)', () => {
    const t = tx(withLine('HI*', 'HI*ABK:I10*ZZZ:E119*ABF:R51:D8:20260101:5'));
    const f = validateTransaction(t);
    expect(short(f)).toEqual(['ELEMENT_CODE HI02-1 7@13 2000E', 'ELEMENT_NOT_USED HI03-5 I10@13 2000E']);
    const out = ack999(t, f);
    expect(out).toContain('IK4*2:1*1270*7*ZZZ');
    expect(out).toContain('IK4*3:5*782*I10*5');
  });

  it('a required component missing from a composite that is present', () => {
    const t = tx(withLine('UM*HS*I*1', 'UM*HS*I*1*11'));
    expect(short(validateTransaction(t))).toEqual(['ELEMENT_REQUIRED_MISSING UM04-2 1@11 2000E']);
  });

  it('the guide pair HSD05/HSD06: a period qualifier without its count (IK403 I9)', () => {
    const t = tx([...REQUEST.slice(0, 12), 'HSD*VS*6***7', ...REQUEST.slice(12)]);
    const f = validateTransaction(t);
    expect(short(f)).toEqual(['ELEMENT_PAIR_MISSING HSD06 I9@14 2000E']);
    expect(ack999(t, f)).toContain('IK4*6*616*I9');
    expect(usage(validateTransaction(tx([...REQUEST.slice(0, 12), 'HSD*VS*6***7*2', ...REQUEST.slice(12)])))).toEqual([]);
  });

  it('a pair rule on components, from a grammar changed for the test', () => {
    const set = loadChanged('278-x217-request.json', (j) => {
      const dmg = j.levels[2].body[1].body.find((r: Json) => r.segment === 'DMG');
      dmg.elements = ['S D8', 'S', 'S F M U'];
      dmg.pairs = ['02 03'];
      j.levels[4].body.find((r: Json) => r.segment === 'UM').pairs = ['04-2 04-3'];
    });
    const t = tx([...REQUEST.slice(0, 7), 'DMG*D8*19790214', ...REQUEST.slice(7)]);
    const s = checkStructure(t, set);
    const out: Finding[] = [];
    checkElementUsage(s.tree!, ':', () => false, out);
    expect(short(out)).toEqual(['ELEMENT_PAIR_MISSING DMG03 I9@9 2010C']);
    expect(out[0]!.message).toBe('DMG03 goes with DMG02, which is present, in 2010C DMG (subscriber demographics)');
    expect(ack999(t, out)).toContain('IK4*3*1068*I9');
    const comp: Finding[] = [];
    checkElementUsage(checkStructure(tx(withLine('UM*HS*I*1', 'UM*HS*I*1*11:B')), set).tree!, ':', () => false, comp);
    expect(short(comp)).toEqual(['ELEMENT_PAIR_MISSING UM04-3 I9@11 2000E']);
    const both: Finding[] = [];
    checkElementUsage(checkStructure(tx([...REQUEST.slice(0, 7), 'DMG*D8*19790214*F', ...REQUEST.slice(7)]), set).tree!, ':', () => false, both);
    expect(both).toEqual([]);
  });

  it('a segment with an element syntax error is not checked again for usage', () => {
    // NM109 without NM108 breaks the standard's pair note (syntax, IK403 2); no second finding on NM108.
    const f = validateTransaction(tx(withLine('NM1*X3', 'NM1*X3*2*PAYER******12345')));
    expect(f.map((x) => x.code)).toEqual(['ELEMENT_SYNTAX']);
  });

  it('the qualifier of a keyed row is reported once, by the tree builder', () => {
    const f = validateTransaction(tx(withLine('DTP*435', 'DTP*999*D8*20261201')));
    expect(f.map((x) => x.code)).toEqual(['SEGMENT_QUALIFIER']);
  });
});

// ---------------------------------------------------------------------------------------------
// Samples and the public corpus

function transactionsIn(dir: string): Array<[string, TransactionSet]> {
  const out: Array<[string, TransactionSet]> = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.x12')) continue;
    for (const e of readX12Buffer(readFileSync(join(dir, f)))) if (e.kind === 'transaction') out.push([f, e.transaction]);
  }
  return out;
}

const haveCorpus = hasShared('corpus/x12');

const SAMPLE_SETS = (): Array<[string, TransactionSet]> => transactionsIn(SAMPLES).map(([f, t]): [string, TransactionSet] => [`samples/${f}`, t]);
const CORPUS_SETS = (): Array<[string, TransactionSet]> => ['stupidedi', 'oopfactory'].flatMap((d) => transactionsIn(join(CORPUS, d)).map(([f, t]): [string, TransactionSet] => [`${d}/${f}`, t]));
/** The samples, and the valid public corpus when it is there (more places for the damage property). */
const VALID = (): Array<[string, TransactionSet]> => [...SAMPLE_SETS(), ...(haveCorpus ? CORPUS_SETS() : [])];
const noUsageFinding = (sets: Array<[string, TransactionSet]>): void => {
  expect(sets.flatMap(([name, t]) => usage(validateTransaction(t)).map((f) => `${name}: ${f.message}`))).toEqual([]);
};

describe('samples', () => {
  it('give no usage finding', () => noUsageFinding(SAMPLE_SETS()));
});

describeShared('corpus/x12', 'the valid public corpus', () => {
  it('gives no usage finding', () => noUsageFinding(CORPUS_SETS()));

  it('the negative synthetic files: the subscriber read as the UMO gets its NM108 refused', () => {
    const found = new Set<string>();
    for (const [, t] of transactionsIn(join(CORPUS, 'negative-synthetic'))) for (const f of usage(validateTransaction(t))) found.add(`${f.code} ${f.loop}`);
    expect([...found].sort()).toEqual(['ELEMENT_CODE 2010A', 'ELEMENT_REQUIRED_MISSING 2000B']);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: damage to a valid 278 at one element is always reported

interface Target {
  t: TransactionSet;
  /** Index in t.segments. */
  seg: number;
  element: number;
  component: number;
}

/** Every place in the valid transactions where a required element could be removed or a not-used one filled. */
function targets(kind: 'remove' | 'insert'): Target[] {
  const out: Target[] = [];
  for (const [, t] of VALID()) {
    const a = analyzeTransaction(t);
    if (a.tree === null) continue;
    const visit = (n: typeof a.tree.root): void => {
      for (const sn of n.segments) {
        const rules = sn.row?.elements;
        if (rules == null) continue;
        const els = sn.segment.elements();
        const seg = sn.position - 1;
        // ST and SE are written by the test's envelope.
        if (seg === 0 || seg === t.segments.length - 1) continue;
        for (let i = 1; i < rules.use.length; i++) {
          const present = (els[i] ?? '') !== '';
          if (kind === 'remove' && rules.use[i] === 1 && present && (sn.row!.key === null || sn.row!.key.element !== i)) out.push({ t, seg, element: i, component: 0 });
          if (kind === 'insert' && rules.use[i] === 2 && !present) out.push({ t, seg, element: i, component: 0 });
          const comp = rules.components[i];
          if (kind === 'insert' && comp != null && present) for (let k = 1; k < comp.use.length; k++) if (comp.use[k] === 2) out.push({ t, seg, element: i, component: k });
        }
      }
      n.children.forEach(visit);
    };
    visit(a.tree.root);
  }
  return out;
}

/** A value that fits the element's (or component's) syntax. */
function filler(segment: string, element: number, component: number): string {
  const el = dictionary().get(segment)!.elements[element - 1]!;
  const d = component > 0 ? el.composite!.components[component - 1]! : el;
  const type = 'type' in d ? d.type : null;
  if (type === 'DT') return d.min === 8 ? '20260101' : '260101';
  if (type === 'TM') return '1200';
  if (type === 'R' || (type !== null && type.startsWith('N'))) return '1'.padEnd(Math.max(1, d.min), '0');
  return 'A'.repeat(Math.max(1, d.min));
}

/** The body of `t` (BHT .. last segment before SE) with element `element` (component) of segment `seg` set to `value`. */
function damaged(target: Target, value: string): string[] {
  const segs = target.t.segments;
  const body: string[] = [];
  for (let i = 1; i < segs.length - 1; i++) {
    const els = [...segs[i]!.elements()];
    if (i === target.seg) {
      while (els.length <= target.element) els.push('');
      if (target.component === 0) els[target.element] = value;
      else {
        const parts = els[target.element]!.split(String.fromCharCode(segs[i]!.delimiters.component));
        while (parts.length < target.component) parts.push('');
        parts[target.component - 1] = value;
        els[target.element] = parts.join(':');
      }
      while (els.length > 1 && els[els.length - 1] === '') els.pop();
    }
    // Re-joined with the support delimiters (* and :).
    body.push(els.map((e) => e.replaceAll(String.fromCharCode(segs[i]!.delimiters.component), ':')).join('*'));
  }
  return body;
}

describe('damage at one element', () => {
  const removable = targets('remove');
  const fillable = targets('insert');

  it('there are places to damage', () => {
    expect(removable.length).toBeGreaterThan(50);
    expect(fillable.length).toBeGreaterThan(50);
  });

  const reported = (target: Target, body: string[], code: string): void => {
    const t = tx(body, target.t.implementation);
    const f = validateTransaction(t).filter((x) => x.severity === 'error' && x.position === target.seg + 1);
    const what = `${body[target.seg - 1]} (${target.t.implementation})`;
    expect(f.length, what).toBeGreaterThan(0);
    // Unless the change also breaks the standard's syntax (reported as such), the usage finding names the place.
    if (!f.some((x) => x.code === 'ELEMENT_SYNTAX')) {
      const u = f.find((x) => x.code === code && x.ack?.level === 'element' && x.ack.element === target.element && (x.ack.component ?? 0) === target.component);
      expect(u, what).toBeDefined();
    }
  };

  it('removing a required element is always reported', () => {
    fc.assert(
      fc.property(fc.nat({ max: removable.length - 1 }), (i) => reported(removable[i]!, damaged(removable[i]!, ''), 'ELEMENT_REQUIRED_MISSING')),
      { numRuns: 200 },
    );
  });

  it('filling a not-used element or component is always reported', () => {
    fc.assert(
      fc.property(fc.nat({ max: fillable.length - 1 }), (i) => {
        const target = fillable[i]!;
        const seg = target.t.segments[target.seg]!.id;
        reported(target, damaged(target, filler(seg, target.element, target.component)), 'ELEMENT_NOT_USED');
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The PAS package's X12 value-set addresses name places (guide, direction, loop, segment,
// element, component, data element): each must be a place our rows use.

const PAS = join(fileURLToPath(new URL('../../../shared/fhir-packages/', import.meta.url)), 'hl7.fhir.us.davinci-pas#2.2.1', 'package');

describeShared('fhir-packages', 'the PAS 2.2.1 X12 value-set places', () => {
  const places = new Set<string>();
  for (const f of readdirSync(PAS).filter((n) => n.endsWith('.json'))) {
    for (const m of readFileSync(join(PAS, f), 'utf8').matchAll(/valueset\.x12\.org\/x217\/005010\/(request|response)\/(\w+)\/(\w+)\/1\/(\d\d)\/(\d\d)\/(\d+)/g)) places.add(m.slice(1).join(' '));
  }

  it('are element places our rows use, with the data element the dictionary has there', () => {
    expect(places.size).toBeGreaterThan(20);
    const outside: string[] = [];
    for (const p of places) {
      const [kind, loop, seg, el, comp, ref] = p.split(' ') as [string, string, string, string, string, string];
      const g = grammarSet().byId(`278-x217-${kind}`)!;
      const def = g.loops.get(loop);
      const rows = def === undefined ? [] : def.slots.filter((s): s is SegmentRow => s.kind === 'segment' && s.segment === seg && !s.implied);
      if (rows.length === 0) {
        outside.push(`${kind} ${loop} ${seg}`);
        continue;
      }
      const e = Number(el);
      const c = Number(comp);
      const d = dictionary().get(seg)!.elements[e - 1]!;
      expect(c > 0 ? d.composite!.components[c - 1]!.ref : d.ref, p).toBe(ref);
      for (const row of rows) {
        expect(row.elements!.use[e], `${p}: ${row.name}`).not.toBe(2);
        if (c > 0) expect(row.elements!.components[e]?.use[c], `${p}: ${row.name}`).not.toBe(2);
      }
    }
    // Places the package names in loops where the guide has no such segment (its own slips).
    expect(outside.sort()).toEqual(['request 2000D INS', 'response 2000D PWK']);
  });
});
