import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversionEngine } from '../../src/pipeline/engine.js';
import { SAMPLES } from './support.js';

describe('backpressure', () => {
  it.each([0, 1])('reads no further ahead of a slow output than the batches in flight (workers: %i)', async (workers) => {
    const one = readFileSync(join(SAMPLES, 'batch-requests.x12'));
    const input = Buffer.concat(Array.from({ length: 400 }, () => one)); // 1,200 sets, 0.8 MB
    const chunk = 4096;
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < input.length; i += chunk) {
        pulled = Math.min(input.length, i + chunk);
        yield input.subarray(i, i + chunk);
      }
    }
    const batchSize = 8;
    const engine = new ConversionEngine({ workers, batchSize, depth: 2, options: { pasVersion: '2.2.1', lossless: false }, ack: false });
    let lines = 0;
    let ahead = 0;
    try {
      const counts = await engine.run(source(), 'in.x12', {
        async bundles(out) {
          lines += Buffer.from(out).toString().split('\n').length - 1;
          await new Promise((r) => setTimeout(r, 1)); // a slow output
        },
        reports(bytes) {
          // Every set here has a report line (warnings): the last one's offset is how far the output has come.
          const text = Buffer.from(bytes).toString().trimEnd();
          const offset = (JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) as { offset: number }).offset;
          ahead = Math.max(ahead, pulled - offset);
        },
        transaction() {},
        envelope() {},
      });
      expect([counts.transactions, counts.converted, lines]).toEqual([1200, 1200, 1200]);
    } finally {
      await engine.close();
    }
    // In flight at most: max(1, workers) x depth batches + the one being gathered, of 8 sets
    // (about 0.7 kB each), plus the chunk being read: well under 64 kB of the 0.8 MB input.
    expect(ahead).toBeLessThan(64 * 1024);
  });
});
