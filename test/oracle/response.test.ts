/**
 * Differential test (issue 17): the response paths (X217/X215 response -> PAS Response Bundle,
 * and PAS Response Bundle -> X217 segments) against their frozen oracle (test/oracle/, made by
 * scripts/oracle-copy.mjs). Inputs: the samples, the ../shared corpus and IG examples when present,
 * generated sets of the X217 and X215 response grammars and of the X217 response model, and the
 * bundles the oracle makes of all of those (2.2.1 and 2.0.1, with and without the request). Same
 * bundles (JSON text too), same segments, same findings, and the caller's bundle left unchanged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';

import { analyzeTransaction } from '../../src/grammar/validate.js';
import { readX12Buffer, type TransactionSet } from '../../src/x12/index.js';
import { requestToBundle } from '../../src/mapping/request/read.js';
import { responseToBundle } from '../../src/mapping/response/read.js';
import { bundleToResponse } from '../../src/mapping/response/write.js';
import { inquiryResponseTablesCompiled, inquiryResponseToBundle } from '../../src/mapping/inquiry/response.js';
import { responseToBundle as oracleResponseToBundle } from './mapping/response/read.js';
import { bundleToResponse as oracleBundleToResponse } from './mapping/response/write.js';
import { inquiryResponseTablesCompiled as oracleInquiryTables, inquiryResponseToBundle as oracleInquiryResponseToBundle } from './mapping/inquiry/response.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { generateTransaction, renderTransaction } from '../support/grammar-arbitrary.js';
import { renderResponse, x217ResponseArb } from '../mapping/response-arbitrary.js';
import { corpusFiles } from '../support/corpus.js';
import { describeShared, hasShared, sharedPath } from '../support/shared.js';

type Obj = Record<string, unknown>;
const VERSIONS: readonly PasVersion[] = ['2.2.1', '2.0.1'];
const SAMPLES = new URL('../../samples/', import.meta.url);

function transactionsOf(buf: Buffer | string): TransactionSet[] {
  return readX12Buffer(typeof buf === 'string' ? Buffer.from(buf, 'latin1') : buf).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Both results of one call: the same value (or the same exception). */
function both<T>(fresh: () => T, oracle: () => T): [T, T] | null {
  let n: T | undefined;
  let o: T | undefined;
  let nErr: unknown = null;
  let oErr: unknown = null;
  try {
    n = fresh();
  } catch (e) {
    nErr = e;
  }
  try {
    o = oracle();
  } catch (e) {
    oErr = e;
  }
  expect(String(nErr)).toBe(String(oErr));
  return nErr === null ? [n!, o!] : null;
}

/** PAS -> X12: the same segments and findings, the same source taken apart, the input unchanged. */
function sameWrite(bundle: Obj, request?: Obj, inquiry = false): void {
  const input = clone(bundle);
  const pristine = JSON.stringify(input);
  const opts = (tables: unknown): { tables?: never; request?: Obj } => ({ ...(inquiry ? { tables: tables as never } : {}), ...(request !== undefined ? { request: clone(request) } : {}) });
  const r = both(
    () => bundleToResponse(input, opts(inquiry ? inquiryResponseTablesCompiled('2.2.1') : undefined)),
    () => oracleBundleToResponse(clone(bundle), opts(inquiry ? oracleInquiryTables('2.2.1') : undefined)),
  );
  expect(JSON.stringify(input), 'the caller’s bundle is not changed').toBe(pristine);
  if (r === null) return;
  const [n, o] = r;
  expect(n.segments).toEqual(o.segments);
  expect(n.findings).toEqual(o.findings);
  expect(JSON.stringify(n.source)).toBe(JSON.stringify(o.source));
}

/** X12 -> PAS with every option set; returns the oracle's bundles (for the write side). */
function sameRead(tx: TransactionSet, request?: Bundle): Array<[Obj, boolean]> {
  const out: Array<[Obj, boolean]> = [];
  const tree = analyzeTransaction(tx).tree;
  for (const v of VERSIONS) {
    const variants = [{ pasVersion: v }, { pasVersion: v, tree }, ...(request !== undefined ? [{ pasVersion: v, request }] : [])];
    for (const opts of variants) {
      for (const inquiry of [false, true]) {
        const n = inquiry ? inquiryResponseToBundle(tx, opts) : responseToBundle(tx, opts);
        const o = inquiry ? oracleInquiryResponseToBundle(tx, opts) : oracleResponseToBundle(tx, opts);
        expect(JSON.stringify(n.bundle)).toBe(JSON.stringify(o.bundle));
        expect(n.bundle).toEqual(o.bundle);
        expect(n.findings).toEqual(o.findings);
        if (o.bundle !== null && opts.tree === undefined) out.push([o.bundle as unknown as Obj, inquiry]);
      }
    }
  }
  return out;
}

/** Read, then write back every bundle the oracle made (with the request, when there is one). */
function sameBothWays(tx: TransactionSet, request?: Bundle): void {
  for (const [b, inquiry] of sameRead(tx, request)) {
    sameWrite(b, undefined, inquiry);
    if (request !== undefined) sameWrite(b, request as unknown as Obj, inquiry);
  }
}

/** The request bundles of a sample `<name>-request.x12` (for its `<name>-response.x12`). */
function requestOf(responseFile: string): Bundle | undefined {
  const name = responseFile.replace(/-response\.x12$/, '-request.x12');
  if (name === responseFile || !readdirSync(SAMPLES).includes(name)) return undefined;
  const [tx] = transactionsOf(readFileSync(new URL(name, SAMPLES)));
  return tx === undefined ? undefined : (requestToBundle(tx, { pasVersion: '2.2.1' }).bundle ?? undefined);
}

describe('response paths against their oracle', () => {
  it('samples: X12 -> PAS -> X12', () => {
    for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.x12')).sort()) {
      const request = requestOf(f);
      for (const tx of transactionsOf(readFileSync(new URL(f, SAMPLES)))) sameBothWays(tx, request);
    }
  });

  it('samples: JSON bundles written', () => {
    for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.json')).sort()) sameWrite(JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')) as Obj);
  });

  it('generated sets of the X217 and X215 response grammars', () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const g of ['278-x217-response', '278-x215-response']) {
        const t = generateTransaction(g, seed * 7919, { maxLines: seed % 3 === 0 ? 1 : 6 });
        for (const tx of transactionsOf(renderTransaction(t))) sameBothWays(tx);
      }
    }
  });

  it('generated X217 responses (the response model)', () => {
    fc.assert(
      fc.property(x217ResponseArb, (r) => {
        for (const tx of transactionsOf(renderResponse(r))) sameBothWays(tx);
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('bundles changed where the writer reads them: 2.0.1 forms, references, notes, addItems', () => {
    const [tx] = transactionsOf(readFileSync(new URL('dependent-response.x12', SAMPLES)));
    for (const v of VERSIONS) {
      const b = oracleResponseToBundle(tx!, { pasVersion: v }).bundle as unknown as Obj;
      const entries = b.entry as Obj[];
      const cr = entries[0]!.resource as Obj;
      const variants: Obj[] = [];
      const edit = (f: (x: Obj, c: Obj) => void): void => {
        const x = clone(b);
        f(x, (x.entry as Obj[])[0]!.resource as Obj);
        variants.push(x);
      };
      edit((_x, c) => delete c.requestor);
      edit((_x, c) => (c.patient = { reference: 'urn:uuid:missing' }));
      edit((x) => (x.entry as Obj[]).reverse());
      edit((_x, c) => (c.processNote = [{ number: 1, type: 'display', text: 'a "A4" note' }, { number: 7, text: 'x' }]));
      edit((_x, c) => (c.processNote = [{ number: 1, type: 'display', text: 'ends with "A4' }]));
      edit((_x, c) => (c.outcome = 'partial'));
      edit((_x, c) => Object.assign(c, { outcome: 'partial', _x: { '"A4': 1, list: [null, 'A4 ', 'A4'] } }));
      edit((_x, c) => (c.error = [{ code: { coding: [{ code: '15' }] }, extension: [{ url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-errorElement', valueString: '2000F-UM' }] }]));
      edit((_x, c) => ((c.item as Obj[] | undefined)?.forEach((i) => delete i.itemSequence)));
      edit((_x, c) => (c.addItem = clone(c.item)));
      variants.push(clone({ ...b, entry: [entries[0], ...entries.slice(1).filter((e) => (e.resource as Obj).resourceType !== 'Patient')] }));
      expect(cr.resourceType).toBe('ClaimResponse');
      for (const x of variants) sameWrite(x);
    }
  });
});

describeShared('corpus/x12', 'response paths against their oracle: ../shared corpus', () => {
  it('every corpus file, X12 -> PAS -> X12', () => {
    for (const f of corpusFiles()) for (const tx of transactionsOf(f.bytes)) sameBothWays(tx);
  });
});

describeShared(['fhir-packages', 'corpus/inferno'], 'response paths against their oracle: IG examples and Inferno fixtures', () => {
  it('every example and fixture bundle written', () => {
    const files: string[] = [];
    for (const v of VERSIONS) {
      const dir = `${sharedPath('fhir-packages')}hl7.fhir.us.davinci-pas#${v}/package/example/`;
      for (const f of readdirSync(dir).filter((x) => x.startsWith('Bundle-') && x.endsWith('.json')).sort()) files.push(dir + f);
    }
    if (hasShared('corpus/inferno')) {
      for (const sub of ['spec-fixtures', 'misc']) {
        const dir = `${sharedPath('corpus/inferno')}${sub}/`;
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) files.push(dir + f);
      }
    }
    let n = 0;
    for (const f of files) {
      const b = JSON.parse(readFileSync(f, 'utf8')) as Obj;
      if (b.resourceType !== 'Bundle') continue;
      sameWrite(b);
      sameWrite(b, undefined, true);
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});
