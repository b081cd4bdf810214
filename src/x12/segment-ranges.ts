import type { Delimiters } from './delimiters.js';
import type { Segment } from './segment.js';
import { splitSegments } from './segment-split.js';

/** A run of whole segments (with their leads and terminators) that lie in one buffer. */
interface Piece {
  buf: Buffer;
  from: number;
  to: number;
  /** Absolute offset of buf[0]. */
  base: number;
  /** Ordinal of the first segment in the piece. */
  ordinal: number;
}

/**
 * The bytes of one transaction set, as byte ranges of the buffers it was read from. Reading a
 * transaction stores nothing per segment; `toArray()` splits the ranges into `Segment` views
 * when someone asks.
 */
export class SegmentRanges {
  private readonly pieces: Piece[] = [];
  private cur: Piece;
  private views: Segment[] | undefined;
  private bytesBefore = 0;

  constructor(
    readonly delimiters: Delimiters,
    first: Segment,
    firstAfter: number,
  ) {
    this.cur = { buf: first.buf, from: first.leadStart, to: firstAfter, base: first.offset - first.start, ordinal: first.ordinal };
  }

  /** Bytes covered so far (leads, data and terminators). */
  get bytes(): number {
    return this.bytesBefore + (this.cur.to - this.cur.from);
  }

  /** Adds the bytes `buf[from, to)` holding the next segments, the first with `ordinal`. */
  add(buf: Buffer, from: number, to: number, base: number, ordinal: number): void {
    const cur = this.cur;
    if (buf === cur.buf && from === cur.to) {
      cur.to = to;
      return;
    }
    this.pieces.push(cur);
    this.bytesBefore += cur.to - cur.from;
    this.cur = { buf, from, to, base, ordinal };
  }

  /** Keeps only the first segment (an oversized transaction keeps its ST and nothing else). */
  truncateToFirst(): void {
    const first = this.toArray()[0]!;
    this.pieces.length = 0;
    this.bytesBefore = 0;
    this.cur = { buf: first.buf, from: first.leadStart, to: first.end, base: first.offset - first.start, ordinal: first.ordinal };
    this.views = [first];
  }

  toArray(): Segment[] {
    if (this.views === undefined) {
      const out: Segment[] = [];
      for (const p of this.pieces) splitSegments(p.buf, p.from, p.to, p.base, p.ordinal, this.delimiters, out);
      const c = this.cur;
      splitSegments(c.buf, c.from, c.to, c.base, c.ordinal, this.delimiters, out);
      this.views = out;
    }
    return this.views;
  }
}
