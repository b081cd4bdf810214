import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertArchive } from '../../src/pipeline/archive.js';
import { expandInputs } from '../../src/pipeline/inputs.js';
import { renderX217, x217RequestArb } from '../support/x217-arbitrary.js';
import { tempDir } from './support.js';

/** Twelve generated X217 requests (delimiters and line styles vary), the fifth with a wrong SE01. */
function archive(): string {
  const requests = fc.sample(x217RequestArb(), { numRuns: 12, seed: 5150 });
  return requests.map((r, i) => (i === 4 ? renderX217(r).replace(/SE(.)(\d+)/, (_, sep: string, n: string) => `SE${sep}${Number(n) + 1}`) : renderX217(r))).join('');
}

describe('convert output does not depend on how the input is read or batched', () => {
  const dir = tempDir();
  const file = join(dir, 'in.x12');
  writeFileSync(file, archive(), 'latin1');
  const run = async (n: number, chunkSize: number, batchSize: number, workers: number): Promise<[string, string]> => {
    const out = join(dir, `out${n}.ndjson`);
    const report = join(dir, `report${n}.ndjson`);
    const s = await convertArchive({ inputs: expandInputs([file]), convert: { pasVersion: '2.2.1', lossless: false }, workers, chunkSize, batchSize, output: out, report });
    expect([s.transactions, s.converted, s.rejected]).toEqual([12, 11, 1]);
    return [readFileSync(out, 'utf8'), readFileSync(report, 'utf8')];
  };

  it('gives byte-identical bundles and report lines for any read chunk size, batch size and worker count', async () => {
    const reference = await run(0, 1 << 20, 64, 0);
    expect(reference[0].split('\n')).toHaveLength(12);
    let n = 1;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 0, 1, 2), async (chunkSize, batchSize, workers) => {
        expect(await run(n++, chunkSize, batchSize, workers)).toEqual(reference);
      }),
      { numRuns: 12 },
    );
  });
});
