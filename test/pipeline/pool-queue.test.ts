import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversionEngine } from '../../src/pipeline/engine.js';
import { CRASH_CONVERTER, SAMPLES } from './support.js';

const BATCH = readFileSync(join(SAMPLES, 'batch-requests.x12'), 'latin1');

/** Three copies of batch-requests.x12 (3 sets each); in the second copy the second set's ST02 is 0666 (the crash converter dies on it). */
function input(): Buffer {
  const crashing = BATCH.replace('ST*278*0002*', 'ST*278*0666*').replace(/SE\*(\d+)\*0002~/, 'SE*$1*0666~');
  return Buffer.from(BATCH + crashing + BATCH, 'latin1');
}

async function* chunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe('worker pool queue', () => {
  it('a worker holding two batches dies on the first: that set is rejected, the batch behind it is converted, order is kept', async () => {
    // One worker, batches of 2 sets: the worker holds the batch it converts and the next one.
    const engine = new ConversionEngine({ workers: 1, batchSize: 2, depth: 4, options: { pasVersion: '2.2.1', lossless: false }, ack: false, converter: CRASH_CONVERTER });
    const ids: string[] = [];
    const verdicts: Array<[string, boolean]> = [];
    const reports: string[] = [];
    try {
      const counts = await engine.run(chunks(input()), 'in.x12', {
        bundles(out) {
          for (const line of Buffer.from(out).toString().split('\n')) if (line !== '') ids.push((JSON.parse(line) as { identifier: { value: string } }).identifier.value);
        },
        reports(bytes) {
          reports.push(...Buffer.from(bytes).toString().split('\n').filter((l) => l !== ''));
        },
        transaction(tx, converted) {
          verdicts.push([tx.control, converted]);
        },
        envelope() {},
      });
      expect([counts.transactions, counts.converted, counts.rejected]).toEqual([9, 8, 1]);
    } finally {
      await engine.close();
    }
    // batch-requests.x12's sets are ST02 0001, 0002, 0001 (two groups).
    expect(verdicts).toEqual([
      ['0001', true], ['0002', true], ['0001', true],
      ['0001', true], ['0666', false], ['0001', true],
      ['0001', true], ['0002', true], ['0001', true],
    ]);
    expect(ids).toEqual(['CLN20261123A1', 'CLN20261123C3', 'CLN20261123B7', 'CLN20261123A1', 'CLN20261123B7', 'CLN20261123A1', 'CLN20261123C3', 'CLN20261123B7']);
    const rejected = reports.map((l) => JSON.parse(l) as { control: string; status: string; findings: Array<{ code: string }> }).filter((l) => l.status === 'rejected');
    expect(rejected.map((l) => [l.control, l.findings.map((f) => f.code)])).toEqual([['0666', ['WORKER_CRASHED']]]);
  });
});
