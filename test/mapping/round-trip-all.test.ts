/**
 * Every kind of 278 (X217 request and response, X215 inquiry and response), from the samples and
 * the corpus, there and back:
 * - with lossless, X12 -> PAS -> X12 gives the transaction segment for segment;
 * - without it, every element that changes or is dropped is named by a finding of the way in
 *   (`convert`'s findings: the rows', the layout analysis's, and ROUND_TRIP for the rest),
 *   checked element by element (silent.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { roundTripRequest, roundTripResponse, x12ToBundle } from '../../src/mapping/round-trip.js';
import { silentChanges } from '../../src/mapping/engine/silent.js';
import { hasErrors, type TransactionSet } from '../../src/x12/index.js';
import { corpusFiles } from '../support/corpus.js';
import { describeShared } from '../support/shared.js';
import { transactions } from './support.js';
import { renderX217Bytes, x217RequestArb } from '../support/x217-arbitrary.js';
import { renderResponse, x217ResponseArb } from './response-arbitrary.js';

const SAMPLES = new URL('../../samples/', import.meta.url);

interface Case {
  name: string;
  tx: TransactionSet;
  response: boolean;
}

/** Every transaction set our grammars accept without an error (the others are refused, and tested elsewhere). */
function cases(files: ReadonlyArray<{ name: string; bytes: Buffer }>): Case[] {
  const out: Case[] = [];
  for (const f of files) {
    for (const tx of transactions(f.bytes)) {
      const v = analyzeTransaction(tx);
      if (v.tree === null || hasErrors(tx.findings) || hasErrors(v.findings)) continue;
      out.push({ name: `${f.name} ST ${tx.control}`, tx, response: v.tree.grammar.id.endsWith('response') });
    }
  }
  return out;
}

const samples = (): Case[] => cases(readdirSync(SAMPLES).filter((n) => n.endsWith('.x12')).map((n) => ({ name: n, bytes: readFileSync(new URL(n, SAMPLES)) })));

function check(list: readonly Case[]): { kinds: Set<string>; changed: number } {
  const kinds = new Set<string>();
  let changed = 0;
  for (const c of list) {
    kinds.add(analyzeTransaction(c.tx).tree!.grammar.id);
    const rt = (lossless: boolean) => (c.response ? roundTripResponse(c.tx, { pasVersion: '2.2.1', lossless }) : roundTripRequest(c.tx, { pasVersion: '2.2.1', lossless }));
    const exact = rt(true);
    expect([...exact.findings, ...exact.writeFindings].filter((f) => f.severity === 'error').map((f) => f.message), c.name).toEqual([]);
    expect(exact.differences, c.name).toEqual([]);
    const plain = rt(false);
    changed += plain.differences.length;
    // convert's findings name every change, element by element.
    const converted = x12ToBundle(c.tx, { pasVersion: '2.2.1' });
    expect(converted.bundle, c.name).not.toBeNull();
    expect(silentChanges(plain.differences, converted.findings), c.name).toEqual([]);
  }
  return { kinds, changed };
}

describe('round trips of every kind of 278', () => {
  it('samples: lossless exact, plain with every change named', () => {
    const r = check(samples());
    expect([...r.kinds].sort()).toEqual(['278-x215-request', '278-x215-response', '278-x217-request', '278-x217-response']);
    expect(r.changed).toBeGreaterThan(0);
  });
});

describeShared('corpus/x12', 'round trips of the public corpus', () => {
  it('corpus: lossless exact, plain with every change named', () => {
    const list = cases(corpusFiles());
    expect(list.length).toBeGreaterThanOrEqual(12);
    const r = check(list);
    expect(r.kinds.has('278-x217-response')).toBe(true);
  });
});

/** Runs per kind (ROUND_TRIP_RUNS for more, e.g. 5000 by hand). */
const RUNS = Number(process.env.ROUND_TRIP_RUNS ?? 200);

describe('random valid 278s: none refused, lossless exact, plain with every change named by convert', () => {
  const property = (bytes: Buffer, response: boolean): void => {
    const [tx] = transactions(bytes);
    const v = analyzeTransaction(tx!);
    expect(v.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([]);
    const converted = x12ToBundle(tx!, { pasVersion: '2.2.1', tree: v.tree });
    expect(converted.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([]);
    expect(converted.bundle).not.toBeNull();
    const rt = (lossless: boolean) => (response ? roundTripResponse(tx!, { pasVersion: '2.2.1', lossless, tree: v.tree }) : roundTripRequest(tx!, { pasVersion: '2.2.1', lossless, tree: v.tree }));
    expect(rt(true).differences).toEqual([]);
    expect(silentChanges(rt(false).differences, converted.findings)).toEqual([]);
  };

  it(`${RUNS} X217 requests`, () => {
    fc.assert(fc.property(x217RequestArb(), (m) => property(renderX217Bytes(m), false)), { numRuns: RUNS });
  });

  it(`${RUNS} X217 responses`, () => {
    fc.assert(fc.property(x217ResponseArb, (r) => property(Buffer.from(renderResponse(r), 'latin1'), true)), { numRuns: RUNS });
  });
});
