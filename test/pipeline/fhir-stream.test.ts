import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { fhirItemsOf, parseFhirText, type FhirItem } from '../../src/pipeline/fhir-input.js';
import { FhirToX12 } from '../../src/pipeline/fhir-to-x12.js';
import { PAS_EXAMPLE } from './support.js';

const EXAMPLES = dirname(PAS_EXAMPLE);
const example = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;

/** Chunks of a text's UTF-8 bytes cut at the given places (a cut may split a character). */
async function* chunksOf(text: string, cuts: number[]): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let from = 0;
  for (const c of [...cuts.map((x) => x % (bytes.length + 1))].sort((a, b) => a - b)) {
    yield bytes.subarray(from, c);
    from = c;
  }
  yield bytes.subarray(from);
}

async function collect(items: AsyncIterable<FhirItem>): Promise<FhirItem[]> {
  const out: FhirItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

describe('FHIR input read as it streams', () => {
  it('gives the items, and where each came from, that reading the whole text gives, however the bytes are chunked', async () => {
    const bundle = JSON.stringify({ resourceType: 'Bundle', id: 'é€😀', type: 'collection' });
    const line = fc.constantFrom(
      bundle,
      JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'return', resource: { resourceType: 'Bundle', id: 'p' } }, { name: 'x', resource: { resourceType: 'Patient' } }] }),
      JSON.stringify({ resourceType: 'Patient', id: 'x' }),
      '[1,2]',
      '{"resourceType": "Bundle", "id": "cut',
      'minutes of the meeting',
      '',
      '   ',
      `${bundle}\r`,
    );
    const pretty = JSON.stringify({ resourceType: 'Bundle', id: 'pretty', entry: [] }, null, 2);
    const text = fc.oneof(
      fc.tuple(fc.boolean(), fc.array(line, { maxLength: 8 }), fc.boolean()).map(([bom, lines, end]) => (bom ? '\ufeff' : '') + lines.join('\n') + (end ? '\n' : '')),
      fc.tuple(fc.boolean(), fc.constantFrom('', '\n', '\n\n')).map(([bom, end]) => (bom ? '\ufeff' : '') + pretty + end),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 6 }), async (t, cuts) => {
        expect(await collect(fhirItemsOf(chunksOf(t, cuts), 'in.ndjson'))).toEqual(parseFhirText(t, 'in.ndjson'));
      }),
      { numRuns: 300 },
    );
  });
  it('gives NDJSON items before the input ends (a BOM first too): memory holds a line, not the file', async () => {
    let release: () => void = () => undefined;
    const rest = new Promise<void>((r) => (release = r));
    const line = JSON.stringify({ resourceType: 'Bundle', id: 'a' });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`\ufeff${line}\n${line}\n${line.slice(0, 10)}`, 'utf8');
      await rest;
      yield Buffer.from(`${line.slice(10)}\n`, 'utf8');
    }
    const it = fhirItemsOf(slow(), 'in.ndjson')[Symbol.asyncIterator]();
    const first = await Promise.race([it.next(), new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 200))]);
    expect(first).toEqual({ done: false, value: { where: 'in.ndjson:1', bundle: { resourceType: 'Bundle', id: 'a' } } });
    expect((await it.next()).value).toEqual({ where: 'in.ndjson:2', bundle: { resourceType: 'Bundle', id: 'a' } });
    release();
    expect((await it.next()).value).toEqual({ where: 'in.ndjson:3', bundle: { resourceType: 'Bundle', id: 'a' } });
    expect((await it.next()).done).toBe(true);
  });
});

describeShared('fhir-packages', 'FHIR -> X12 of the IG examples as they come', () => {
  const REQUESTS = ['Bundle-ReferralAuthorizationBundleExample.json', 'Bundle-MedicalServicesAuthorizationBundleExample.json', 'Bundle-HomecareAuthorizationBundleExample.json'].map(example);
  const ERROR_RESPONSE = example('Bundle-ErrorResponseBundleExample.json');

  describe('FHIR -> X12 as bundles come', () => {
    async function convert(items: FhirItem[], perInterchange?: number): Promise<{ x12: string; reports: string[]; fhir: FhirToX12 }> {
      let x12 = '';
      const reports: string[] = [];
      const fhir = new FhirToX12(
        {},
        {
          text: async (t) => {
            // Whole interchanges, each ending with a line break (outputs are joined without adding one).
            expect(t).toMatch(/^ISA\*[^]*IEA\*[^~]*~\n$/);
            x12 += t;
          },
          report: async (l) => void reports.push(l),
        },
        perInterchange,
      );
      for (const i of items) await fhir.add(i);
      await fhir.flush();
      return { x12, reports, fhir };
    }

    /** The transaction sets' segments, envelopes and control numbers left out. */
    const sets = (x12: string): string[] =>
      x12
        .replace(/\n/g, '')
        .split('~')
        .filter((s) => s !== '' && !/^(ISA|GS|GE|IEA)\*/.test(s))
        .map((s) => s.replace(/^ST\*278\*[0-9]+/, 'ST*278*N').replace(/^SE\*([0-9]+)\*[0-9]+/, 'SE*$1*N'));
    const count = (x12: string, id: string): number => x12.split('~').filter((s) => s.replace(/^\s+/, '').startsWith(`${id}*`)).length;

    it('writes requests in interchanges of at most the limit, each response after the requests it came with, the same sets and reports as one interchange', async () => {
      const items: FhirItem[] = [];
      for (let k = 0; k < 7; k++) items.push({ where: `in:${k + 1}`, bundle: REQUESTS[k % REQUESTS.length]! });
      items.splice(4, 0, { where: 'in:x', error: 'not a FHIR Bundle', code: 'NOT_A_BUNDLE' });
      items.push({ where: 'in:r', bundle: ERROR_RESPONSE });
      const one = await convert(items);
      const small = await convert(items, 3);
      expect(one.fhir.converted).toBe(8);
      expect(small.fhir.converted).toBe(8);
      expect([small.fhir.read, small.fhir.rejected]).toEqual([9, 1]);
      // One request interchange and the response's, against ceil(7 / 3) request interchanges and the response's.
      expect(count(one.x12, 'ISA')).toBe(2);
      expect(count(small.x12, 'ISA')).toBe(4);
      expect(count(small.x12, 'ST')).toBe(8);
      expect(sets(small.x12)).toEqual(sets(one.x12));
      // The same report lines but for ST02, which starts again in each interchange.
      const withoutControl = (lines: string[]): string[] => lines.map((l) => JSON.stringify({ ...(JSON.parse(l) as object), control: undefined })).sort();
      expect(withoutControl(small.reports)).toEqual(withoutControl(one.reports));
      expect(small.reports).toHaveLength(9);
      // No two interchanges share an ISA13.
      const controls = small.x12.split('~').filter((s) => s.replace(/^\s+/, '').startsWith('ISA*')).map((s) => s.split('*')[13]);
      expect(new Set(controls).size).toBe(controls.length);
    });
  });
});
