/**
 * Random valid 278s of every kind, drawn from the grammar data (test/support/grammar-arbitrary.ts):
 * - the generator uses every segment use of each grammar, with every element and component the use
 *   does not mark not-used, with and without a dependent, 1-12 diagnoses, 1-20 service lines and
 *   repeats of repeatable uses;
 * - none is refused: the grammar check is clean and `convert` gives a bundle with no error;
 * - with lossless, X12 -> PAS -> X12 gives the transaction back segment for segment;
 * - without it, every element that changes or is dropped is named by a finding of `convert`,
 *   element by element (silent.ts).
 * GRAMMAR_RUNS sets the runs per kind (default 200; 5000 by hand).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grammarSet, type LoopDef, type SegmentRow } from '../../src/grammar/index.js';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { roundTripRequest, roundTripResponse, x12ToBundle } from '../../src/mapping/round-trip.js';
import { silentChanges } from '../../src/mapping/engine/silent.js';
import { hasErrors } from '../../src/x12/index.js';
import { generateTransaction, grammarTransactionArb, renderTransaction, type GeneratedTransaction } from '../support/grammar-arbitrary.js';
import { transactions } from './support.js';

const KINDS = ['278-x217-request', '278-x217-response', '278-x215-request', '278-x215-response'] as const;
const RUNS = Number(process.env.GRAMMAR_RUNS ?? 200);
const NOT_USED = 2;

/** Every segment use of a grammar that is not `not-used` (header and trailer but ST and SE left out). */
function rowsOf(loop: LoopDef, out: SegmentRow[] = []): SegmentRow[] {
  for (const s of loop.slots) {
    if (s.kind === 'loop') rowsOf(s, out);
    else if (s.usage !== 'not-used') out.push(s);
  }
  return out;
}

/** `row element` and `row element-component` places a use allows (its elements not marked N). */
function placesOf(row: SegmentRow): string[] {
  const out: string[] = [];
  const e = row.elements;
  if (e === null) return out;
  for (let i = 1; i < e.use.length; i++) {
    if (e.use[i] === NOT_USED) continue;
    const c = e.components[i];
    if (c === null || c === undefined) out.push(String(i));
    else for (let j = 1; j < c.use.length; j++) if (c.use[j] !== NOT_USED) out.push(`${i}-${j}`);
  }
  return out;
}

const rowName = (r: SegmentRow): string => `${r.loop || 'header'} ${r.name}`;

describe('the grammar-driven generator', () => {
  for (const kind of KINDS) {
    it(`${kind}: every segment use and every element it uses appears, and each set is valid`, () => {
      const grammar = grammarSet().byId(kind)!;
      const rows = [...rowsOf(grammar.header), ...grammar.levels.flatMap((l) => rowsOf(l))].filter((r) => r.segment !== 'ST');
      const seen = new Map<SegmentRow, Set<string>>();
      const stats = { dependent: 0, plain: 0, lines: new Set<number>(), diagnoses: new Set<number>(), repeats: 0 };
      for (let seed = 0; seed < 400; seed++) {
        const t = generateTransaction(kind, seed);
        const [tx] = transactions(renderTransaction(t));
        const v = analyzeTransaction(tx!);
        expect(v.tree?.grammar.id, `seed ${seed}`).toBe(kind);
        expect([...tx!.findings, ...v.findings].filter((f) => f.severity === 'error').map((f) => `seed ${seed}: ${f.code} ${f.message}`)).toEqual([]);
        for (const node of v.tree!.segments) {
          if (node.row === null) continue;
          const set = seen.get(node.row) ?? new Set<string>();
          seen.set(node.row, set);
          const els = node.segment.elements();
          for (let k = 1; k < els.length; k++) {
            if (els[k] === '') continue;
            if (node.row.elements?.components[k]) els[k]!.split(':').forEach((c, j) => c !== '' && set.add(`${k}-${j + 1}`));
            else set.add(String(k));
          }
        }
        const ids = t.segments.map((s) => s[0]!);
        stats[t.segments.some((s) => s[0] === 'HL' && s[3] === '23') ? 'dependent' : 'plain']++;
        stats.lines.add(t.segments.filter((s) => s[0] === 'HL' && s[3] === 'SS').length);
        for (const s of t.segments) if (s[0] === 'HI' && kind.endsWith('request')) stats.diagnoses.add(s.length - 1);
        if (ids.some((id, i) => id === 'TRN' && ids[i + 1] === 'TRN') && ids.some((id, i) => id === 'PWK' && ids[i + 1] === 'PWK')) stats.repeats++;
      }
      const missing = rows.filter((r) => !seen.has(r)).map(rowName);
      expect(missing).toEqual([]);
      const missingPlaces = rows.flatMap((r) => placesOf(r).filter((p) => !seen.get(r)!.has(p)).map((p) => `${rowName(r)} ${p}`));
      expect(missingPlaces).toEqual([]);
      expect(stats.dependent).toBeGreaterThan(20);
      expect(stats.plain).toBeGreaterThan(20);
      expect(Math.min(...stats.lines.values())).toBeLessThanOrEqual(1);
      expect(Math.max(...stats.lines.values())).toBe(20);
      if (kind.endsWith('request')) expect([1, 12].every((n) => stats.diagnoses.has(n))).toBe(true);
      expect(stats.repeats).toBeGreaterThan(10);
    });
  }
});

/** The properties of one generated set (throws with what broke). */
function roundTrips(t: GeneratedTransaction): void {
  const [tx] = transactions(renderTransaction(t));
  const v = analyzeTransaction(tx!);
  expect(hasErrors(tx!.findings) || hasErrors(v.findings)).toBe(false);
  const response = t.grammar.endsWith('response');
  const converted = x12ToBundle(tx!, { pasVersion: '2.2.1', tree: v.tree });
  expect(converted.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.loop} ${f.segment}: ${f.message}`)).toEqual([]);
  expect(converted.bundle).not.toBeNull();
  const rt = (lossless: boolean) => (response ? roundTripResponse(tx!, { pasVersion: '2.2.1', lossless, tree: v.tree }) : roundTripRequest(tx!, { pasVersion: '2.2.1', lossless, tree: v.tree }));
  expect(rt(true).differences).toEqual([]);
  expect(silentChanges(rt(false).differences, converted.findings)).toEqual([]);
}

describe(`random valid 278s from the grammars (${RUNS} per kind): none refused, lossless exact, every change named by convert`, () => {
  for (const kind of KINDS) {
    // About 0.1 s a run on a busy machine: 5,000 by hand need more than the suite's minute.
    it(kind, () => {
      fc.assert(fc.property(grammarTransactionArb(kind), roundTrips), { numRuns: RUNS });
    }, Math.max(60_000, RUNS * 300));
  }
});
