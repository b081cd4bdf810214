/**
 * Round trip: tokenize, then write every segment back with X12Writer, using the delimiters read
 * from its interchange's ISA and `segment(seg.elements(), seg.lead())` (the lead carries the line
 * breaks and indentation). The output must equal the input byte for byte, from the start of the
 * first ISA's lead to the end of the last segment terminator; outside that range there may only be
 * a UTF-8 BOM and trivia (CR, LF, space, TAB).
 *
 * Done for every corpus file (none has a tokenizer-level error finding; asserted) and for files
 * generated as in properties.test.ts, where also: written with lineEnding L, an interchange reads
 * back with `interchange.lineEnding === L`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { X12Writer, type Segment } from '../../src/x12/index.js';
import { corpusFiles, genFileArb, isTriviaByte, readChunks, tokenize, writeGenFile } from '../support/corpus.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Writes the segments back: one X12Writer per interchange, with that ISA's delimiters. */
function rewrite(segments: readonly Segment[]): Buffer {
  const parts: string[] = [];
  let w: X12Writer | null = null;
  for (const seg of segments) {
    if (seg.id === 'ISA') {
      if (w !== null) parts.push(w.toString());
      w = new X12Writer({ delimiters: seg.delimiters, lineEnding: '', finalLineEnding: false });
    }
    if (w === null) throw new Error(`segment ${seg.id} before any ISA`);
    w.segment(seg.elements(), seg.lead());
  }
  if (w !== null) parts.push(w.toString());
  // The elements were decoded as UTF-8 (ASCII in the corpus), so they are encoded back as UTF-8.
  return Buffer.from(parts.join(''), 'utf8');
}

/** Where the reproduced range starts and ends in `input`: first ISA's lead .. last terminator. */
function range(input: Buffer, segments: readonly Segment[]): { start: number; end: number } {
  const first = segments[0]!;
  const last = segments.at(-1)!;
  let end = last.offset + last.length; // where the terminator stands (or the CR before a LF terminator)
  if (last.delimiters.segment === 0x0a && input[end] === 0x0d) end++;
  expect(input[end]).toBe(last.delimiters.segment);
  return { start: first.offset - first.lead().length, end: end + 1 };
}

function expectReproduced(input: Buffer): void {
  const { segments, findings } = tokenize(input);
  expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(segments[0]?.id).toBe('ISA');
  const out = rewrite(segments);
  const { start, end } = range(input, segments);
  // Compare as latin1 text first (a readable diff), then as bytes.
  expect(out.toString('latin1')).toBe(input.subarray(start, end).toString('latin1'));
  expect(out.equals(input.subarray(start, end))).toBe(true);

  // Outside the range: an optional BOM, then trivia, before; trivia after.
  let p = 0;
  if (input.subarray(0, 3).equals(BOM)) p = 3;
  for (let i = p; i < start; i++) expect(isTriviaByte(input[i]!), `byte ${i} before the first ISA`).toBe(true);
  for (let i = end; i < input.length; i++) expect(isTriviaByte(input[i]!), `byte ${i} after the last segment`).toBe(true);
}

describe('round trip: tokenize -> X12Writer reproduces the input bytes', () => {
  describeShared('corpus/x12', 'the corpus', () => {
    const corpus = corpusFiles();
    it('covers the whole corpus', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(35);
    });

    it.each(corpus.map((c) => [c.name, c.bytes] as const))('%s', (_name, bytes) => {
      expectReproduced(bytes);
    });
  });

  it('generated files (random delimiters, line styles, indentation) are reproduced too', () => {
    fc.assert(
      fc.property(genFileArb, (file) => expectReproduced(writeGenFile(file).bytes)),
      { numRuns: 100, interruptAfterTimeLimit: 4_000 },
    );
  });

  it('an interchange written with lineEnding L reads back with interchange.lineEnding === L', () => {
    fc.assert(
      fc.property(genFileArb, (file) => {
        const events = readChunks([writeGenFile(file).bytes]);
        const read = events.flatMap((e) => (e.kind === 'interchange-end' ? [e.interchange.lineEnding] : []));
        expect(read).toEqual(file.interchanges.map((ic) => ic.lineEnding));
      }),
      { numRuns: 150, interruptAfterTimeLimit: 4_000 },
    );
  });
});
