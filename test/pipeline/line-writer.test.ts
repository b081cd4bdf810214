import fc from 'fast-check';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/pipeline/line-writer.js';

/**
 * A stream that keeps every chunk written to it (a writev as one); with a small high-water mark
 * it asks for waits; `sync` finishes each write at once (no writes queue up inside the stream).
 */
function recorder(highWaterMark: number, sync = false): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      if (sync) done();
      else setImmediate(done);
    },
    // Several pieces written at once count as one write (as fs.WriteStream's writev).
    writev(pieces, done) {
      chunks.push(Buffer.concat(pieces.map((p) => Buffer.from(p.chunk as Buffer))));
      if (sync) done();
      else setImmediate(done);
    },
  });
  return { stream, chunks };
}

type Call = { kind: 'line'; text: string } | { kind: 'raw-text'; text: string } | { kind: 'raw-bytes'; text: string } | { kind: 'flush' };

const text = fc.string({ unit: fc.constantFrom('a', '{', '"', 'é', '€', '😀', 'z'), maxLength: 40 });
const call: fc.Arbitrary<Call> = fc.oneof(
  text.map((t) => ({ kind: 'line' as const, text: t })),
  text.map((t) => ({ kind: 'raw-text' as const, text: t + '\n' })),
  fc.array(text, { maxLength: 4 }).map((ls) => ({ kind: 'raw-bytes' as const, text: ls.map((l) => l + '\n').join('') })),
  fc.constant({ kind: 'flush' as const }),
);

function expected(calls: Call[]): string {
  return calls.map((c) => (c.kind === 'line' ? c.text + '\n' : c.kind === 'flush' ? '' : c.text)).join('');
}

async function play(calls: Call[], bufferChars: number, highWaterMark: number, sync = false): Promise<Buffer[]> {
  const { stream, chunks } = recorder(highWaterMark, sync);
  const w = new LineWriter(stream, bufferChars);
  for (const c of calls) {
    if (c.kind === 'line') await w.line(c.text);
    else if (c.kind === 'raw-text') await w.raw(c.text);
    else if (c.kind === 'raw-bytes') await w.raw(new TextEncoder().encode(c.text));
    else await w.flush();
  }
  await w.close();
  return chunks;
}

describe('LineWriter', () => {
  it('writes lines and raw chunks in the order given, whatever the gathering size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 30 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 64 }), async (calls, bufferChars, hwm) => {
        const chunks = await play(calls, bufferChars, hwm);
        expect(Buffer.concat(chunks).toString('utf8')).toBe(expected(calls));
        // Nothing empty is written.
        for (const c of chunks) expect(c.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('gathers raw chunks into writes of about the gathering size instead of one write each', async () => {
    const calls: Call[] = Array.from({ length: 100 }, (_, i) => ({ kind: 'raw-bytes' as const, text: `{"n":${i}}\n`.padStart(100, ' ') }));
    // A stream that finishes each write at once: the writes seen are the ones the writer made.
    const gathered = await play(calls, 1000, 1 << 16, true);
    const direct = await play(calls, 0, 1 << 16, true);
    expect(direct).toHaveLength(100);
    expect(gathered).toHaveLength(10);
    expect(Buffer.concat(gathered).equals(Buffer.concat(direct))).toBe(true);
  });

  it('throws the stream error on the next call', async () => {
    const stream = new Writable({ write: (_c, _e, done) => done(new Error('disk full')) });
    const w = new LineWriter(stream, 0);
    await w.raw('a\n').catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    await expect(w.line('b')).rejects.toThrow('disk full');
  });
});
