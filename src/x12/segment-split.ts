import type { Delimiters } from './delimiters.js';
import { Segment } from './segment.js';
import { SegmentIdReader } from './segment-id.js';

const ids = new SegmentIdReader();

/**
 * Splits `buf[from, to)` — whole segments of one interchange, each with its lead and terminator —
 * into `Segment` views, by the same rules as the tokenizer (which already read these bytes once).
 * `base` is the absolute offset of buf[0]; `ordinal` that of the first segment.
 */
export function splitSegments(buf: Buffer, from: number, to: number, base: number, ordinal: number, d: Delimiters, out: Segment[]): void {
  const term = d.segment;
  const elem = d.element;
  let pos = from;
  while (pos < to) {
    const leadStart = pos;
    let b = buf[pos]!;
    while ((b !== term || term === 0x0a) && b !== elem && (b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09)) {
      if (++pos >= to) return;
      b = buf[pos]!;
    }
    const s = pos;
    let t = buf.indexOf(term, s);
    const terminated = t >= 0 && t < to;
    if (!terminated) t = to;
    let e = t;
    if (term === 0x0a && e > s && buf[e - 1] === 0x0d) e--;
    out.push(new Segment(buf, s, e, leadStart, base + s, ordinal++, ids.read(buf, s, e, elem), d, terminated));
    pos = t + 1;
  }
}
