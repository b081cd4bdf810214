import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchPacker } from '../../src/pipeline/wire.js';
import { BatchUnpacker } from '../../src/pipeline/wire-transaction.js';
import type { TransactionSet } from '../../src/x12/index.js';
import { genFileArb, readChunks, segmentView, splitAt, writeGenFile } from '../support/corpus.js';

/** Everything a converter reads of a transaction set, as plain data. */
function view(tx: TransactionSet): unknown {
  return {
    index: tx.index,
    type: tx.type,
    control: tx.control,
    implementation: tx.implementation,
    segmentCount: tx.segmentCount,
    accepted: tx.accepted,
    findings: tx.findings,
    segments: tx.segments.map(segmentView),
    interchange: { control: tx.interchange.control, sender: tx.interchange.sender, receiver: tx.interchange.receiver, delimiters: tx.interchange.delimiters, isa: segmentView(tx.interchange.isa) },
    group: tx.group === null ? null : { control: tx.group.control, sender: tx.group.sender, version: tx.group.version, gs: segmentView(tx.group.gs) },
  };
}

/** The same transaction set as a plain object: only what the TransactionSet interface offers (the packer's general path). */
function plain(tx: TransactionSet): TransactionSet {
  return { index: tx.index, interchange: tx.interchange, group: tx.group, type: tx.type, control: tx.control, implementation: tx.implementation, segments: tx.segments, segmentCount: tx.segmentCount, findings: tx.findings, accepted: tx.accepted };
}

describe('transaction sets sent to a worker as bytes', () => {
  it.each([
    ['the byte ranges the framer kept', (tx: TransactionSet) => tx],
    ['their segments', plain],
  ])('come back with the same segments, offsets, ordinals, leads, control numbers and findings, however the input was chunked and batched (from %s)', (_, as) => {
    fc.assert(
      fc.property(genFileArb, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (gen, cuts, batchSize) => {
        const { bytes } = writeGenFile(gen);
        const txs = readChunks(splitAt(bytes, cuts.map((c) => c % (bytes.length + 1)))).flatMap((e) => (e.kind === 'transaction' ? [as(e.transaction)] : []));
        const packer = new BatchPacker();
        const unpacker = new BatchUnpacker();
        const rebuilt: TransactionSet[] = [];
        txs.forEach((tx, i) => {
          packer.add(tx);
          if (packer.size === batchSize || i === txs.length - 1) {
            // Through structured clone, as postMessage sends it.
            rebuilt.push(...unpacker.unpack(structuredClone(packer.take(i, 'f.x12'))));
          }
        });
        expect(rebuilt.map(view)).toEqual(txs.map(view));
      }),
      { numRuns: 150 },
    );
  });

  it("copies the framer's byte ranges without splitting the set into segments, and nothing of the chunk around them", () => {
    const { bytes } = writeGenFile(fc.sample(genFileArb, { numRuns: 1, seed: 7 })[0]!);
    const [tx] = readChunks([bytes]).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
    const packer = new BatchPacker();
    let asked = 0;
    packer.add(new Proxy(tx!, { get: (t, k) => (k === 'segments' && asked++, Reflect.get(t, k)) }));
    // If this fails, src/x12/framer.ts changed how FramedTransaction keeps its bytes: update BatchPacker.addKeptRanges.
    expect(asked).toBe(0);
    const segs = tx!.segments;
    const last = segs[segs.length - 1]!;
    const batch = packer.take(1, 'f');
    const first = segs[0]!;
    expect(batch.bytes.byteLength).toBe(last.offset + last.length + 1 - (first.offset - (first.start - first.leadStart)) + (last.buf[last.end] === 0x0d ? 1 : 0));
    const isa = tx!.interchange.isa;
    expect(batch.interchanges[0]!.isa.byteLength).toBe(isa.end - isa.leadStart);
  });
});
