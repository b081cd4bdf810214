/**
 * Differential test of the PAS -> X12 request writer (issue 17): the rewritten writer
 * (src/mapping/request/write.ts and the engine files it uses) against its frozen copy
 * (test/oracle/mapping/...), on the same bundles: the samples, the ../shared corpus, bundles read
 * from generated X217 and X215 transactions (with and without the lossless residue, PAS 2.2.1 and
 * 2.0.1) and bundles broken on purpose. Segments, findings, the source taken apart, all as JSON
 * text, must be identical; so must the shape check's findings (on the bundles broken on purpose too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { checkBundleShape } from '../../src/mapping/engine/bundle-shape.js';
import { residueIn } from '../../src/mapping/engine/residue.js';
import { bundleToRequest, type BundleWriteOptions } from '../../src/mapping/request/write.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { transactions } from '../mapping/support.js';
import { generateTransaction, renderTransaction } from '../support/grammar-arbitrary.js';
import { hasShared, sharedPath, SHARED_SKIP_MARK } from '../support/shared.js';
import { renderX217Bytes, x217RequestArb } from '../support/x217-arbitrary.js';
import { checkBundleShape as oracleShape } from './mapping/engine/bundle-shape.js';
import { bundleToRequest as oracleWrite } from './mapping/request/write.js';

type Obj = Record<string, unknown>;

/** One writer's whole result as text (or what it threw). */
function run(write: typeof bundleToRequest, bundle: Obj, options: BundleWriteOptions): string {
  try {
    const r = write(structuredClone(bundle), options);
    return JSON.stringify({ segments: r.segments, findings: r.findings, source: r.source });
  } catch (e) {
    return `threw ${String(e)}`;
  }
}

/** Both writers, every option the callers use, on one bundle. */
function same(bundle: Obj, label: string): void {
  const residue = residueIn(bundle);
  const variants: BundleWriteOptions[] = [{}, { unwritten: false }];
  if (residue !== null) variants.push({ residue }, { residue, unwritten: false });
  for (const o of variants) expect(run(bundleToRequest, bundle, o), `${label} ${JSON.stringify(o.unwritten ?? null)} ${residue !== null}`).toBe(run(oracleWrite, bundle, o));
  expect(JSON.stringify(checkBundleShape(bundle)), `${label} shape`).toBe(JSON.stringify(oracleShape(bundle)));
}

/** Bundles read from an X12 text (each transaction, lossless and not, both PAS versions). */
function bundlesOf(x12: Buffer, versions: readonly PasVersion[] = ['2.2.1', '2.0.1']): Obj[] {
  const out: Obj[] = [];
  for (const tx of transactions(x12)) {
    const tree = analyzeTransaction(tx).tree;
    if (tree === null || !tree.grammar.id.endsWith('request')) continue;
    for (const pasVersion of versions) {
      for (const lossless of [false, true]) {
        const r = roundTripRequest(tx, { pasVersion, lossless, tree });
        if (r.bundle !== null) out.push(r.bundle as unknown as Obj);
      }
    }
  }
  return out;
}

/** Deterministic damage to a bundle: a value replaced at the n-th place of a walk (nulls, wrong types, arrays). */
function damaged(bundle: Obj, n: number): Obj {
  const copy = structuredClone(bundle);
  const places: Array<[Obj | unknown[], string | number]> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (places.push([v, i]), walk(x)));
    else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) places.push([v as Obj, k]), walk((v as Obj)[k]);
  };
  walk(copy);
  const [o, k] = places[(n * 7919) % places.length]!;
  const junk = [null, 7, 'x', [], {}, [null], true][n % 7];
  (o as Record<string | number, unknown>)[k] = junk;
  return copy;
}

const SAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../samples/');

describe('request writer: rewritten vs oracle', () => {
  it('compares two implementations (scripts/oracle-copy.mjs rewrites the imports of files under test/oracle)', () => {
    expect(bundleToRequest).not.toBe(oracleWrite);
    expect(checkBundleShape).not.toBe(oracleShape);
    expect(oracleShape({ resourceType: 'Bundle', entry: {} }).length).toBe(1);
  });

  it('samples (X12 read back to bundles, the bundle files) and their damaged variants', () => {
    for (const f of readdirSync(SAMPLES)) {
      const text = readFileSync(SAMPLES + f);
      const bundles = f.endsWith('.json') ? [JSON.parse(text.toString('utf8')) as Obj] : bundlesOf(text);
      bundles.forEach((b, i) => {
        same(b, `${f}#${i}`);
        for (let n = 0; n < 12; n++) same(damaged(b, n + i), `${f}#${i} damaged ${n}`);
      });
    }
  });

  it('generated X217 and X215 requests (grammar generator)', () => {
    for (const kind of ['278-x217-request', '278-x215-request']) {
      for (let seed = 0; seed < 40; seed++) {
        for (const b of bundlesOf(renderTransaction(generateTransaction(kind, seed * 7 + 1)), seed % 3 === 0 ? ['2.2.1', '2.0.1'] : ['2.2.1'])) same(b, `${kind} seed ${seed}`);
      }
    }
  });

  it('generated X217 requests (x217 arbitrary)', () => {
    fc.assert(
      fc.property(x217RequestArb(), (r) => {
        for (const b of bundlesOf(renderX217Bytes(r), ['2.2.1'])) same(b, 'x217');
      }),
      { numRuns: 40, seed: 17 },
    );
  });
});

const CORPUS = sharedPath('corpus/x12');
const INFERNO = sharedPath('corpus/inferno');
const corpusFiles = (root: string, ext: RegExp): string[] => (readdirSync(root, { recursive: true }) as string[]).filter((f) => ext.test(f)).map((f) => root + f);

if (!hasShared('corpus/x12') || !hasShared('corpus/inferno')) describe.skip(`${SHARED_SKIP_MARK} request writer oracle on the shared corpus`, () => it('skipped', () => undefined));
else
  describe('request writer: rewritten vs oracle on ../shared', () => {
    it('X12 corpus read back to bundles; Inferno bundles', () => {
      for (const f of corpusFiles(CORPUS, /\.(x12|edi|txt)$/)) for (const [i, b] of bundlesOf(readFileSync(f), ['2.2.1']).entries()) same(b, `${f}#${i}`);
      for (const f of corpusFiles(INFERNO, /\.json$/)) {
        const b = JSON.parse(readFileSync(f, 'utf8')) as Obj;
        same(b, f);
        for (let n = 0; n < 4; n++) same(damaged(b, n), `${f} damaged ${n}`);
      }
    });
  });
