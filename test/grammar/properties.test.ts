/**
 * Property tests: transaction sets generated from the grammar data itself (every row and name
 * loop the grammar allows, a dependent level or not, 1-20 service levels) build trees with no
 * finding; dropping a required segment or putting two rows out of standard order always gives a
 * finding; random damage never throws and never loses a segment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLoopTree, checkStructure, grammarSet, type Grammar, type LoopDef, type LoopNode, type SegmentRow } from '../../src/grammar/index.js';
import { validateTransaction } from '../../src/grammar/validate.js';
import { tx } from './support.js';

interface Line {
  text: string;
  /** Loop instance the line belongs to (HL levels and name loops are numbered as generated). */
  inst: number;
  group: number;
  /** First segment of its loop instance (HL or a name loop's NM1). */
  trigger: boolean;
  /** Dropping it must be noticed. */
  required: boolean;
}

interface Generated {
  body: string[];
  lines: Line[];
  services: number;
}

type Gen = fc.GeneratorValue;

function segmentText(gen: Gen, row: SegmentRow): string {
  const k = row.key;
  if (k === null) return `${row.segment}*X`;
  const value = gen(fc.constantFrom, ...k.values);
  const els: string[] = new Array<string>(k.element).fill('X');
  els[k.element - 1] = k.component > 0 ? [...new Array<string>(k.component - 1).fill('X'), value].join(':') : value;
  return [row.segment, ...els].join('*');
}

/** Emits one loop instance: its trigger line, then rows and name loops in standard order. */
function emitLoop(gen: Gen, def: LoopDef, triggerText: string, triggerRequired: boolean, out: Line[], next: { inst: number }): void {
  const inst = next.inst++;
  out.push({ text: triggerText, inst, group: def.trigger.group, trigger: true, required: triggerRequired });
  for (let i = 1; i < def.slots.length; i++) {
    const slot = def.slots[i]!;
    if (slot.kind === 'segment') {
      if (slot.usage === 'not-used') continue;
      const n = slot.usage === 'required' ? 1 : gen(fc.integer, { min: 0, max: Math.min(slot.max, 1) });
      for (let j = 0; j < n; j++) out.push({ text: segmentText(gen, slot), inst, group: slot.group, trigger: false, required: slot.usage === 'required' });
    } else {
      const n = slot.usage === 'required' ? 1 : gen(fc.integer, { min: 0, max: Math.min(slot.max, 2) });
      for (let j = 0; j < n; j++) emitLoop(gen, slot, segmentText(gen, slot.trigger), slot.usage === 'required', out, next);
    }
  }
}

/** A transaction set body the grammar accepts. */
function generate(gen: Gen, g: Grammar): Generated {
  const lines: Line[] = [];
  const next = { inst: 0 };
  lines.push({ text: `BHT*0007*${gen(fc.constantFrom, ...g.purpose.values)}*X1*20261123*1200`, inst: next.inst++, group: 1, trigger: false, required: false });
  let id = 0;
  const level = (code: string, parent: number, children: boolean, required: boolean): number => {
    const def = g.levelByCode.get(code)!;
    const me = ++id;
    emitLoop(gen, def, `HL*${me}*${parent === 0 ? '' : parent}*${code}*${children ? 1 : 0}`, required, lines, next);
    return me;
  };
  const a = level('20', 0, true, true);
  const b = level('21', a, true, true);
  const c = level('22', b, true, true);
  const dependent = gen(fc.boolean);
  const d = dependent ? level('23', c, true, false) : c;
  const services = gen(fc.integer, { min: 1, max: 20 });
  const e = level('EV', d, true, true);
  for (let i = 0; i < services; i++) level('SS', e, false, false);
  return { body: lines.map((l) => l.text), lines, services };
}

function count(n: LoopNode): number {
  return n.segments.length + n.children.reduce((s, c) => s + count(c), 0);
}

const ALL = grammarSet().grammars;
const grammarArb = fc.constantFrom(...ALL);

describe('generated transaction sets', () => {
  it('built from the grammar, they read back under it with no finding', () => {
    fc.assert(
      fc.property(grammarArb, fc.gen(), (g, gen) => {
        const { body, services } = generate(gen, g);
        const t = tx(body, g.implementations[0]);
        const r = checkStructure(t);
        expect(r.grammar?.id).toBe(g.id);
        expect(r.findings).toEqual([]);
        expect(count(r.tree!.root)).toBe(t.segments.length);
        let event = r.tree!.root.child('2000A')!.child('2000B')!.child('2000C')!;
        event = event.child('2000D') ?? event;
        expect(event.child('2000E')!.childrenWithId('2000F')).toHaveLength(services);
      }),
      { numRuns: 150 },
    );
  });

  it('dropping a required segment gives a finding', () => {
    fc.assert(
      fc.property(grammarArb, fc.gen(), fc.nat(), (g, gen, pick) => {
        const { lines } = generate(gen, g);
        const candidates = lines.map((l, i) => (l.required ? i : -1)).filter((i) => i >= 0);
        const drop = candidates[pick % candidates.length]!;
        const body = lines.filter((_, i) => i !== drop).map((l) => l.text);
        const r = checkStructure(tx(body, g.implementations[0]));
        expect(r.findings.filter((f) => f.severity === 'error').length, `dropped ${lines[drop]!.text}`).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('two rows of a loop out of standard order give a finding', () => {
    fc.assert(
      fc.property(grammarArb, fc.gen(), fc.nat(), (g, gen, pick) => {
        const { lines } = generate(gen, g);
        const pairs: number[] = [];
        for (let i = 0; i + 1 < lines.length; i++) {
          const x = lines[i]!;
          const y = lines[i + 1]!;
          if (x.inst === y.inst && !x.trigger && !y.trigger && x.group < y.group) pairs.push(i);
        }
        fc.pre(pairs.length > 0);
        const i = pairs[pick % pairs.length]!;
        const body = lines.map((l) => l.text);
        [body[i], body[i + 1]] = [body[i + 1]!, body[i]!];
        const r = checkStructure(tx(body, g.implementations[0]));
        expect(r.findings.map((f) => f.code), `swapped ${body[i + 1]} and ${body[i]}`).toContain('SEGMENT_OUT_OF_ORDER');
      }),
      { numRuns: 150 },
    );
  });

  it('random damage never throws and never loses a segment', () => {
    const ids = ['HL*9*3*EV*0', 'HL*2**20*1', 'NM1*SJ*1*X', 'NM1*ZZ*1*X', 'REF*ZZ*1', 'DTP*999*D8*20260101', 'AAA*N**15', 'HCR*A1', 'UM*HS*I', 'STC*A1', 'QQ*1', 'BHT*0007*11*X*20261123*1200', 'HL*1', 'HL'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...ids) }),
    );
    fc.assert(
      fc.property(grammarArb, fc.gen(), fc.array(op, { minLength: 1, maxLength: 8 }), (g, gen, ops) => {
        const body = generate(gen, g).body;
        for (const o of ops) {
          const at = o.at % Math.max(1, body.length);
          if (o.kind === 'delete' && body.length > 1) body.splice(at, 1);
          else if (o.kind === 'duplicate' && body.length > 0) body.splice(at, 0, body[at]!);
          else if (o.kind === 'move' && body.length > 1) body.splice(o.to % body.length, 0, ...body.splice(at, 1));
          else if (o.kind === 'insert') body.splice(at, 0, o.text);
        }
        const t = tx(body, g.implementations[0]);
        const n = t.segments.length;
        for (const grammar of ALL) {
          const r = buildLoopTree(t, grammar);
          expect(count(r.tree.root)).toBe(n);
          for (const f of r.findings) {
            expect(f.position! >= 1 && f.position! <= n, f.message).toBe(true);
            expect(f.loop === undefined || grammar.loops.has(f.loop), f.message).toBe(true);
          }
        }
        expect(() => validateTransaction(t)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});
