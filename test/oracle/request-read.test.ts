/**
 * Differential test (issue 17): the X12 -> PAS read path for requests and inquiries
 * (requestToBundle) against its frozen oracle (test/oracle/, made by
 * scripts/oracle-copy.mjs). Samples, the ../shared corpus when present, and generated sets of the
 * X217 and X215 grammars and of the X217 model: the same bundle (JSON text too), the same findings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { requestToBundle } from '../../src/mapping/request/read.js';
import { requestToBundle as oracleRequestToBundle } from './mapping/request/read.js';
import { readX12Buffer, type TransactionSet } from '../../src/x12/index.js';
import { inquiryTablesCompiled, requestTablesCompiled, ROLE, type CompiledTables, type SegmentPlan } from '../../src/mapping/engine/table.js';
import type { SegmentRow } from '../../src/grammar/index.js';
import { compileSegmentReader as oracleSegmentReader } from './mapping/engine/row-reader.js';
import { INQUIRY_GRAMMAR } from '../../src/mapping/request/read.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { silentChanges } from '../../src/mapping/engine/silent.js';
import { silentChanges as oracleSilentChanges } from './mapping/engine/silent.js';
import { generateTransaction, renderTransaction } from '../support/grammar-arbitrary.js';
import { renderX217Bytes, x217RequestArb } from '../support/x217-arbitrary.js';
import { corpusFiles } from '../support/x12.js';
import { describeShared } from '../support/shared.js';

function transactionsOf(buf: Buffer): TransactionSet[] {
  return readX12Buffer(buf).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
}

/** The same set as an X215 inquiry (as the bench makes its inquiries). */
function asInquiry(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replaceAll('005010X217', '005010X215'), 'latin1');
}

/** The tables with every segment reader compiled by the oracle's row-reader (as table.ts compiles them). */
function withOracleReaders(tables: CompiledTables): CompiledTables {
  const plans = new Map<SegmentRow, SegmentPlan>();
  for (const [row, plan] of tables.plans) {
    const specs = tables.rows.filter((r) => r.row === row && r.spec.reads).map((r) => ({ ...r.spec, id: r.id, role: ROLE[r.spec.role] }));
    plans.set(row, { ...plan, read: oracleSegmentReader(specs, plan.consumed) });
  }
  return { ...tables, plans };
}

const oracleRequestTables = withOracleReaders(requestTablesCompiled());
const oracleInquiryTables = withOracleReaders(inquiryTablesCompiled());

function same(tx: TransactionSet): void {
  // The grammar check (grammar/validate.ts) was not changed: both readers get its tree.
  const a = analyzeTransaction(tx);
  for (const opts of [{ pasVersion: '2.2.1' as const }, { pasVersion: '2.0.1' as const }, { pasVersion: '2.2.1' as const, layout: false }, { pasVersion: '2.2.1' as const, tree: a.tree }]) {
    const n = requestToBundle(tx, opts);
    const tables = a.tree?.grammar.id === INQUIRY_GRAMMAR ? oracleInquiryTables : oracleRequestTables;
    const r = oracleRequestToBundle(tx, { ...opts, tables, ...(opts.tree !== undefined ? { tree: a.tree } : {}) });
    expect(JSON.stringify(n.bundle)).toBe(JSON.stringify(r.bundle));
    expect(n.bundle).toEqual(r.bundle);
    expect(n.findings).toEqual(r.findings);
  }
}

/** The round trip's unnamed changes (convert's ROUND_TRIP findings), by the new silent.ts and the oracle's. */
function sameSilent(tx: TransactionSet): void {
  const r = roundTripRequest(tx, { pasVersion: '2.2.1' });
  expect(silentChanges(r.differences, r.findings)).toEqual(oracleSilentChanges(r.differences, r.findings));
  // Without the layout findings, more changes go unnamed.
  const fewer = r.findings.filter((_, i) => i % 2 === 0);
  expect(silentChanges(r.differences, fewer)).toEqual(oracleSilentChanges(r.differences, fewer));
  // Findings that name loops only (no position of the set): added segments are named by their loop.
  const loopsOnly = r.findings.filter((_, i) => i % 3 !== 1).map((f) => ({ ...f, position: -1 }));
  expect(silentChanges(r.differences, loopsOnly)).toEqual(oracleSilentChanges(r.differences, loopsOnly));
}

function sameAll(buf: Buffer): number {
  let n = 0;
  for (const tx of transactionsOf(buf)) {
    same(tx);
    sameSilent(tx);
    n++;
  }
  for (const tx of transactionsOf(asInquiry(buf))) same(tx);
  return n;
}

describe('request read path against its oracle', () => {
  it('samples', () => {
    const dir = new URL('../../samples/', import.meta.url);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.x12')).sort()) sameAll(readFileSync(new URL(f, dir)));
  });

  it('generated sets of the X217 and X215 request grammars', () => {
    for (let seed = 1; seed <= 60; seed++) {
      for (const g of ['278-x217-request', '278-x215-request']) {
        const t = generateTransaction(g, seed * 7919, { maxLines: seed % 3 === 0 ? 1 : 8 });
        for (const tx of transactionsOf(renderTransaction(t))) same(tx);
      }
    }
  });

  it('generated X217 requests (the request model)', () => {
    fc.assert(
      fc.property(x217RequestArb(), (r) => {
        sameAll(renderX217Bytes(r));
      }),
      { numRuns: 60, seed: 17 },
    );
  });
});

describeShared('corpus/x12', 'request read path against its oracle: ../shared corpus', () => {
  it('every corpus file', () => {
    for (const [, buf] of corpusFiles()) sameAll(buf);
  });
});
