/**
 * Differential test of the grammar check of what PAS -> X12 writes (issue 17, "one pass for syntax
 * and structure"): the check made from the written values (src/grammar/written.ts, used by
 * src/mapping/request/x12.ts and src/mapping/response/x12.ts) against the oracle, the frozen
 * render-and-read-again check (test/oracle/mapping/.../x12.ts). Both must give the same X12 text,
 * the same outcomes and findings (or throw the same error), on the bundles converted from the
 * samples, the corpus and generated X12, on copies of them with values that break the grammar
 * (too long, bad characters, missing), and under unusual options (pinned separators, line
 * endings, ASCII partners, envelope values the reader rejects).
 */
import { readFileSync } from 'node:fs';
import type { Bundle } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundlesToRequestX12 } from '../../src/mapping/request/x12.js';
import { responseBundleToX12 } from '../../src/mapping/response/x12.js';
import { bundlesToRequestX12 as oracleRequest, type RequestX12Options } from './mapping/request/x12.js';
import { responseBundleToX12 as oracleResponse, type ResponseX12Options } from './mapping/response/x12.js';
import { inquiryResponseToBundle, requestToBundle, responseToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { MemoryControlNumbers, type TransactionSet } from '../../src/x12/index.js';
import { corpusFiles } from '../support/corpus.js';
import { generateTransaction, renderTransaction } from '../support/grammar-arbitrary.js';
import { describeShared } from '../support/shared.js';
import { renderX217Bytes, x217RequestArb } from '../support/x217-arbitrary.js';
import { renderResponse, x217ResponseArb } from '../mapping/response-arbitrary.js';
import { transactions } from '../mapping/support.js';
import { FhirToX12 } from '../../src/pipeline/fhir-to-x12.js';
import { FhirToX12 as OracleFhirToX12 } from './pipeline/fhir-to-x12.js';
import type { FhirItem } from '../../src/pipeline/fhir-input.js';
import { TEST_DATA_TAG } from '../../src/mapping/engine/usage-tag.js';
import { RequestInterchange } from '../../src/mapping/guard.js';
import { bundlesToRequestX12 as oracleGuarded } from './mapping/guard.js';

type Obj = Record<string, unknown>;

const FIXED_NOW = (): Date => new Date(Date.UTC(2026, 10, 23, 12, 0));

function bht02(tx: TransactionSet): string {
  return tx.segments.find((s) => s.id === 'BHT')?.elements()[2] ?? '';
}

/** The PAS bundles of one transaction set: a request or inquiry (also with its residue), or a response. */
function bundlesOf(tx: TransactionSet): { requests: Bundle[]; responses: Bundle[] } {
  const requests: Bundle[] = [];
  const responses: Bundle[] = [];
  const response = bht02(tx) === '11';
  try {
    if (!response) {
      const r = requestToBundle(tx, { pasVersion: '2.2.1' });
      if (r.bundle !== null) requests.push(r.bundle);
      if (tx.implementation === '005010X217') {
        const lossless = roundTripRequest(tx, { pasVersion: '2.2.1', lossless: true }).bundle;
        if (lossless !== null) requests.push(lossless);
      }
    } else if (tx.implementation === '005010X215') {
      const r = inquiryResponseToBundle(tx, { pasVersion: '2.2.1' });
      if (r.bundle !== null) responses.push(r.bundle);
    } else {
      for (const pasVersion of ['2.2.1', '2.0.1'] as const) {
        const r = responseToBundle(tx, { pasVersion });
        if (r.bundle !== null) responses.push(r.bundle);
      }
    }
  } catch {
    // A set the way in cannot read is no input for the way out.
  }
  return { requests, responses };
}

/** Runs `f`, giving its result or the error it threw (as name and message). */
function outcome<T>(f: () => T): T | { thrown: string } {
  try {
    return f();
  } catch (e) {
    return { thrown: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** New and oracle on the same bundles, each with its own clock and control numbers: the same text and outcomes. */
/** How many outcomes held a grammar finding (the check rejected what was written): the inputs must reach that path. */
const seen = { requestBreaks: 0, responseBreaks: 0 };
const GRAMMAR_FINDING = /breaks the|is not read as/;

function sameRequest(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}, label = ''): void {
  const run = (f: typeof oracleRequest): unknown => outcome(() => f(bundles, { now: FIXED_NOW, controlNumbers: new MemoryControlNumbers(), ...options }));
  const mine = run(bundlesToRequestX12);
  expect(mine, label).toEqual(run(oracleRequest));
  if (GRAMMAR_FINDING.test(JSON.stringify(mine))) seen.requestBreaks++;
}

function sameResponse(bundle: Bundle | Obj, options: ResponseX12Options = {}, label = ''): void {
  const run = (f: typeof oracleResponse): unknown => outcome(() => f(bundle, { now: FIXED_NOW, controlNumbers: new MemoryControlNumbers(), ...options }));
  const mine = run(responseBundleToX12);
  expect(mine, label).toEqual(run(oracleResponse));
  if (GRAMMAR_FINDING.test(JSON.stringify(mine))) seen.responseBreaks++;
}

/** The paths of every string value of a JSON tree. */
function stringPaths(v: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (typeof v === 'string') out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => stringPaths(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) stringPaths(x, [...path, k], out);
  return out;
}

/** Values that break the grammar (or the separators, or the characters an interchange carries); undefined removes the value. */
const BREAKERS: ReadonlyArray<(s: string) => string | undefined> = [
  (s) => s + 'X'.repeat(90),
  (s) => s.repeat(12),
  () => '',
  () => undefined,
  (s) => `${s}*`,
  (s) => `${s}~`,
  (s) => `${s}:`,
  (s) => `${s}^`,
  (s) => `${s}é`,
  (s) => `中${s}`,
  (s) => `${s}ž`,
  (s) => `${s}Ã©`,
  (s) => `${s}\u0001`,
  (s) => `a${s}\n`,
  () => '0',
  () => 'ZZZZ',
  () => '20261399',
  () => '-1.5',
  () => '12345678901234567890',
];

/** A copy of `bundle` with the values at `picks` (indexes into its string paths) changed by the breakers `how`. */
function broken(bundle: Bundle | Obj, picks: readonly number[], how: readonly number[]): Obj {
  const copy = JSON.parse(JSON.stringify(bundle)) as Obj;
  const paths = stringPaths(copy);
  if (paths.length === 0) return copy;
  picks.forEach((p, i) => {
    const path = paths[p % paths.length]!;
    let at: Obj = copy;
    for (const k of path.slice(0, -1)) at = at[k as string] as Obj;
    const key = path[path.length - 1]!;
    const v = BREAKERS[how[i]! % BREAKERS.length]!(at[key as string] as string);
    if (v === undefined) {
      if (Array.isArray(at)) at.splice(key as number, 1);
      else delete at[key as string];
    } else at[key as string] = v;
  });
  return copy;
}

const OPTION_VARIANTS: ReadonlyArray<RequestX12Options & ResponseX12Options> = [
  {},
  { lineEnding: '' },
  { lineEnding: '\r\n' },
  { charset: 'ascii' },
  { delimiters: { element: 0x7c, component: 0x3e, repetition: 0x5e, segment: 0x27 } },
  { delimiters: { element: 0x2a, component: 0x3a, repetition: -1, segment: 0x7e } },
  { sender: 'SENDÉR' },
  { sender: 'SENDER*1' },
  { receiver: 'R'.repeat(16) },
  { senderQualifier: 'XX' },
  { usage: 'T' },
];

function readSample(name: string): Buffer {
  return readFileSync(new URL(`../../samples/${name}`, import.meta.url));
}

const SAMPLE_X12 = ['admission-request.x12', 'batch-requests.x12', 'dependent-request.x12', 'referral-inquiry.x12', 'referral-request.x12', 'service-provider-request.x12', 'admission-response.x12', 'dependent-response.x12', 'referral-inquiry-response.x12', 'referral-response.x12'];
const SAMPLE_BUNDLES = ['referral-inquiry-bundle.json', 'referral-request-bundle.json'];

function sampleInputs(): { requests: Bundle[]; responses: Bundle[] } {
  const requests: Bundle[] = SAMPLE_BUNDLES.map((n) => JSON.parse(readSample(n).toString('utf8')) as Bundle);
  const responses: Bundle[] = [];
  for (const n of SAMPLE_X12) {
    for (const tx of transactions(readSample(n))) {
      const b = bundlesOf(tx);
      requests.push(...b.requests);
      responses.push(...b.responses);
    }
  }
  return { requests, responses };
}

describe('the written check gives what the render-and-read-again check gives', () => {
  const { requests, responses } = sampleInputs();

  it('samples: each bundle alone and all together, under every option variant', () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(responses.length).toBeGreaterThan(3);
    for (const options of OPTION_VARIANTS) {
      sameRequest(requests, options, JSON.stringify(options));
      requests.forEach((b, i) => sameRequest([b], options, `request ${i} ${JSON.stringify(options)}`));
      responses.forEach((b, i) => sameResponse(b, options, `response ${i} ${JSON.stringify(options)}`));
    }
  });

  it('samples with values that break the grammar', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), fc.nat({ max: OPTION_VARIANTS.length * 3 }), (which, picks, how, opt) => {
        const options = OPTION_VARIANTS[opt] ?? {};
        const req = broken(requests[which % requests.length]!, picks, how);
        sameRequest([req, requests[(which + 1) % requests.length]!], options, JSON.stringify({ which, picks, how, options }));
        sameResponse(broken(responses[which % responses.length]!, picks, how), options, JSON.stringify({ which, picks, how, options }));
      }),
      { numRuns: 100, seed: 17 },
    );
    // Broken values reach the grammar check (not only the writers' own refusals).
    expect(seen.requestBreaks).toBeGreaterThan(10);
    expect(seen.responseBreaks).toBeGreaterThan(10);
  });

  it('generated requests and responses (x217 arbitraries), also broken', () => {
    fc.assert(
      fc.property(x217RequestArb(), fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (r, picks, how) => {
        for (const tx of transactions(renderX217Bytes(r))) {
          for (const b of bundlesOf(tx).requests) sameRequest([b, broken(b, picks, how)]);
        }
      }),
      { numRuns: 25, seed: 7 },
    );
    fc.assert(
      fc.property(x217ResponseArb, fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (r, picks, how) => {
        for (const tx of transactions(Buffer.from(renderResponse(r), 'latin1'))) {
          for (const b of bundlesOf(tx).responses) {
            sameResponse(b);
            sameResponse(broken(b, picks, how));
          }
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('grammar-generated sets of the four grammars, converted and written back', () => {
    for (const kind of ['278-x217-request', '278-x215-request', '278-x217-response', '278-x215-response']) {
      const batch: Bundle[] = [];
      for (let seed = 0; seed < 15; seed++) {
        for (const tx of transactions(renderTransaction(generateTransaction(kind, seed, { maxLines: 4 })))) {
          const b = bundlesOf(tx);
          batch.push(...b.requests);
          for (const x of b.responses) sameResponse(x, {}, `${kind} ${seed}`);
        }
      }
      if (batch.length > 0) sameRequest(batch, {}, kind);
    }
  });
});

describeShared('corpus/x12', 'the written check on the corpus', () => {
  it('every corpus request, inquiry and response, converted and written back (and broken)', () => {
    let n = 0;
    for (const f of corpusFiles()) {
      const requests: Bundle[] = [];
      for (const tx of transactions(f.bytes)) {
        const b = bundlesOf(tx);
        requests.push(...b.requests);
        b.responses.forEach((x, i) => {
          sameResponse(x, {}, f.name);
          sameResponse(broken(x, [n + i, n * 7 + 3], [n, n + 5]), {}, `${f.name} broken`);
        });
        n++;
      }
      if (requests.length > 0) {
        sameRequest(requests, {}, f.name);
        sameRequest(
          requests.map((b, i) => broken(b, [n + i, i * 13 + 1], [n + i, i + 2])),
          {},
          `${f.name} broken`,
        );
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});

/** The X12 text and report lines of a FHIR -> X12 run over `items`, `perInterchange` bundles at most per interchange. */
async function pipelineRun(make: typeof FhirToX12 | typeof OracleFhirToX12, items: readonly FhirItem[], perInterchange: number, options: { sender?: string; charset?: 'ascii' } = {}): Promise<unknown> {
  const out: string[] = [];
  // The batch reads the real clock: ISA09/ISA10 and GS04/GS05 are left out of the comparison.
  const undated = (x: string): string => x.replace(/(ISA(?:\*[^*~]*){8})\*\d{6}\*\d{4}/g, '$1*date*time').replace(/(GS(?:\*[^*~]*){3})\*\d{8}\*\d{4}/g, '$1*date*time');
  const sink = { text: async (x: string): Promise<void> => void out.push(`X12 ${undated(x)}`), report: async (l: string): Promise<void> => void out.push(`REPORT ${l}`) };
  const c = new make({ controlNumbers: new MemoryControlNumbers(), ...options }, sink, perInterchange);
  for (const item of items) await c.add(item);
  await c.flush();
  return { out, converted: c.converted, rejected: c.rejected, read: c.read };
}

describe('convert as you parse: the FHIR -> X12 batch gives what it gave holding the bundles', () => {
  it('samples, broken copies, test-data bundles, bad shapes and responses, in interchanges of a few bundles', async () => {
    const { requests, responses } = sampleInputs();
    const tagged = requests.map((b) => ({ ...b, meta: { ...(b.meta ?? {}), tag: [TEST_DATA_TAG] } }) as Bundle);
    const items: FhirItem[] = [];
    let n = 0;
    const push = (bundle: Obj): void => void items.push({ where: `item ${n++}`, bundle });
    for (let round = 0; round < 3; round++) {
      requests.forEach((b, i) => {
        push(round % 2 === 0 ? (b as unknown as Obj) : broken(b, [round * 31 + i, i * 7], [round + i, round * 3 + i]));
        if ((round + i) % 3 === 0) push(tagged[i]! as unknown as Obj);
      });
      push({ resourceType: 'Bundle', type: 'collection', entry: 'not a list' });
      push({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Claim', identifier: 5 } }] });
      items.push({ where: `bad line ${round}`, error: 'not JSON', code: 'NOT_JSON' });
      push(responses[round % responses.length] as unknown as Obj);
    }
    for (const per of [1, 500]) {
      for (const options of [{}, { sender: 'S'.repeat(16) }, { charset: 'ascii' as const }]) {
        expect(await pipelineRun(FhirToX12, items, per, options), `${per} ${JSON.stringify(options)}`).toEqual(await pipelineRun(OracleFhirToX12, items, per, options));
      }
    }
  });
});

/** A result with each finding's `at` (the frame that threw) reduced to its function name. */
function withoutThrowSite<T>(result: T): T {
  return JSON.parse(JSON.stringify(result, (k, v: unknown) => (k === 'at' && typeof v === 'string' ? v.replace(/ \(.*\)$/, '') : v))) as T;
}

describe('RequestInterchange: the guarded bundlesToRequestX12 one bundle at a time', () => {
  it('the same outcomes and text, also when conversions throw (tables that are not tables) and the envelope throws', () => {
    const { requests } = sampleInputs();
    const tagged = requests.map((b) => ({ ...b, meta: { ...(b.meta ?? {}), tag: [TEST_DATA_TAG] } }) as Bundle);
    const bundles: Obj[] = [...requests, ...tagged, { resourceType: 'Bundle' }, ...requests.map((b, i) => broken(b, [i * 5, i], [i, i + 1]))] as unknown as Obj[];
    for (const options of [{}, { tables: {} as never }, { inquiryTables: {} as never }, { sender: 'S'.repeat(16) }, { usage: 'T' as const }]) {
      const streamed = new RequestInterchange({ now: FIXED_NOW, controlNumbers: new MemoryControlNumbers(), ...options });
      for (const b of bundles) streamed.add(b);
      const mine = streamed.finish();
      // An INTERNAL_ERROR names where it was thrown (`at`): the frozen code throws from its own file.
      expect(withoutThrowSite(mine), JSON.stringify(options)).toEqual(withoutThrowSite(oracleGuarded(bundles, { now: FIXED_NOW, controlNumbers: new MemoryControlNumbers(), ...options })));
      if ('tables' in options) expect(JSON.stringify(mine.outcomes)).toContain('INTERNAL_ERROR');
    }
  });
});
