import { isAlphanumeric, isTrivia, type Delimiters } from './delimiters.js';
import type { Finding } from './finding.js';
import { Segment } from './segment.js';
import { SegmentIdReader } from './segment-id.js';
import { splitSegments } from './segment-split.js';

/** Receives what the tokenizer reads, in input order, as `Segment` objects. */
export interface TokenizerSink {
  segment(seg: Segment): void;
  finding(f: Finding): void;
}

/**
 * Receives what the tokenizer reads without an object per segment. Envelope segments (ISA GS ST
 * SE GE IEA) come one by one; the segments between them come as runs of bytes, each run within
 * one buffer, in input order. (The framer uses this: it reads envelopes and counts the rest.)
 */
export interface RawSegmentSink {
  /**
   * One envelope segment: data in `buf[start, end)`, its lead from `leadStart`, `after` just past
   * its terminator (`after === end` when the input ended without one).
   */
  rawSegment(buf: Buffer, start: number, end: number, after: number, leadStart: number, offset: number, ordinal: number, id: string, delimiters: Delimiters): void;
  /**
   * `count` whole non-envelope segments in `buf[from, to)` (leads and terminators included);
   * `base` is the absolute offset of buf[0], `ordinal` that of the first segment.
   */
  contentRun(buf: Buffer, from: number, to: number, base: number, ordinal: number, count: number, delimiters: Delimiters): void;
  finding(f: Finding): void;
}

export interface TokenizerOptions {
  /** A segment longer than this (bytes, without a terminator in sight) is reported and skipped. */
  maxSegmentBytes?: number;
}

/** Adapts a TokenizerSink: makes a Segment object for every segment. */
class SegmentMaker implements RawSegmentSink {
  private readonly out: Segment[] = [];
  constructor(private readonly sink: TokenizerSink) {}
  rawSegment(buf: Buffer, start: number, end: number, after: number, leadStart: number, offset: number, ordinal: number, id: string, delimiters: Delimiters): void {
    this.sink.segment(new Segment(buf, start, end, leadStart, offset, ordinal, id, delimiters, after > end));
  }
  contentRun(buf: Buffer, from: number, to: number, base: number, ordinal: number, _count: number, delimiters: Delimiters): void {
    const out = this.out;
    out.length = 0;
    splitSegments(buf, from, to, base, ordinal, delimiters, out);
    for (const seg of out) this.sink.segment(seg);
    out.length = 0;
  }
  finding(f: Finding): void {
    this.sink.finding(f);
  }
}

const ISA = Buffer.from('ISA', 'latin1');
const BOM = [0xef, 0xbb, 0xbf];
/** How far to look for the 16 element separators of an ISA (106 bytes when well formed). */
const ISA_SCAN_LIMIT = 512;
/** Trivia kept in front of an ISA as its lead; more is counted as skipped. */
const MAX_ISA_LEAD = 4096;

const enum State {
  SeekIsa,
  InInterchange,
}

/**
 * Streaming X12 tokenizer: bytes in, segments out. Delimiters come from each ISA; CR/LF,
 * indentation and blank lines between segments are trivia; text outside interchanges is
 * skipped and reported. Feeding the same bytes in any chunking yields the same segments.
 *
 * Segments are views on the chunk they were read from (no copy); only a segment that spans a
 * chunk boundary is copied into a small buffer of its own.
 */
export class Tokenizer {
  private state: State = State.SeekIsa;
  private delims: Delimiters | null = null;
  /** Bytes carried from the previous chunk (an incomplete unit, from its lead). */
  private tail: Buffer | null = null;
  private tailOffset = 0;
  /** Absolute offset of the next chunk's first byte. */
  private base = 0;
  private ordinal = 0;
  private junkStart = -1;
  /** The junk being counted is the rest of an interchange already reported unusable: not reported again. */
  private junkSilent = false;
  /** An ISA was found but unusable (so the input is not one with no interchange). */
  private skippedIsa = false;
  private junkBytes = 0;
  private junkSample = '';
  /** The first bytes of the skipped text (to tell a lone BOM from other text). */
  private junkHead: number[] = [];
  private readonly maxSegmentBytes: number;
  private ended = false;
  private readonly ids = new SegmentIdReader();
  private readonly sink: RawSegmentSink;

  constructor(sink: TokenizerSink | RawSegmentSink, options: TokenizerOptions = {}) {
    this.sink = 'rawSegment' in sink ? sink : new SegmentMaker(sink);
    this.maxSegmentBytes = options.maxSegmentBytes ?? 1 << 20;
  }

  /** Total bytes pushed so far. */
  get bytesRead(): number {
    return this.base;
  }

  /** Segments emitted so far. */
  get segmentCount(): number {
    return this.ordinal;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('Tokenizer.push after end()');
    if (chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    if (this.tail !== null) {
      // Finish the unit that began in the previous chunk on a small joined copy, then go on
      // in the new chunk itself.
      let tail = this.tail;
      let take = Math.min(buf.length, 4096);
      for (;;) {
        const joined = Buffer.concat([tail, buf.subarray(0, take)]);
        const r = this.scan(joined, 0, this.tailOffset, false, tail.length);
        if (r >= tail.length) {
          pos = r - tail.length;
          this.tail = null;
          break;
        }
        tail = tail.subarray(r);
        this.tailOffset += r;
        if (take === buf.length) {
          this.tail = Buffer.concat([tail, buf]);
          this.base += buf.length;
          this.checkTailSize();
          return;
        }
        take = Math.min(buf.length, take * 4);
      }
    }
    const r = this.scan(buf, pos, this.base, false, Infinity);
    if (r < buf.length) {
      this.tail = Buffer.from(buf.subarray(r));
      this.tailOffset = this.base + r;
    }
    this.base += buf.length;
    this.checkTailSize();
  }

  /** Call once after the last chunk: reads what is left and reports what is incomplete. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.tail !== null) {
      const tail = this.tail;
      this.tail = null;
      this.scan(tail, 0, this.tailOffset, true, Infinity);
    }
    this.flushJunk();
    if (this.ordinal === 0 && !this.skippedIsa) {
      this.sink.finding({
        severity: 'error',
        code: 'NO_INTERCHANGE',
        message: this.base === 0 ? 'the input is empty' : 'no ISA segment found: the input holds no X12 interchange',
        offset: 0,
      });
    }
  }

  /** A tail that never finds its terminator would grow without end: report and resync. */
  private checkTailSize(): void {
    const tail = this.tail;
    if (tail === null || tail.length <= this.maxSegmentBytes) return;
    this.sink.finding({
      severity: 'error',
      code: 'SEGMENT_TOO_LONG',
      message: `no segment terminator within ${this.maxSegmentBytes} bytes; skipped to the next ISA`,
      offset: this.tailOffset,
      ack: { level: 'interchange', note: '022', reject: true },
    });
    this.state = State.SeekIsa;
    this.delims = null;
    this.noteJunk(tail, 0, tail.length - 3, this.tailOffset);
    this.tail = Buffer.from(tail.subarray(tail.length - 3));
    this.tailOffset += tail.length - 3;
  }

  /**
   * Reads units (an ISA, a segment) from `buf` starting at `pos`. Returns the index of the first
   * byte not consumed: the lead of an incomplete unit, or `buf.length`. Stops before a unit whose
   * lead starts at or after `stopAt`.
   */
  private scan(buf: Buffer, pos: number, base: number, final: boolean, stopAt: number): number {
    const len = buf.length;
    while (pos < len) {
      if (pos >= stopAt) return pos;
      if (this.state === State.SeekIsa) {
        const r = this.seekIsa(buf, pos, base, final);
        if (r < 0) return -r - 1; // incomplete: resume there
        pos = r;
        continue;
      }
      const r = this.scanInterchange(buf, pos, base, final, stopAt);
      if (r < 0) return -r - 1;
      pos = r;
    }
    return pos;
  }

  /**
   * The hot loop: segments of one interchange. Segments that are not envelope segments are only
   * counted and passed on as runs of bytes. Returns where it stopped (state changed, or `stopAt`
   * reached), or `-(resume + 1)` when the rest of `buf` holds an incomplete segment. Rare cases
   * live in other methods, so that this one stays small and is optimized early.
   */
  private scanInterchange(buf: Buffer, pos: number, base: number, final: boolean, stopAt: number): number {
    const len = buf.length;
    const limit = stopAt < len ? stopAt : len;
    const d = this.delims!;
    const term = d.segment;
    const elem = d.element;
    const sink = this.sink;
    let ordinal = this.ordinal;
    // The current run of content segments: [runFrom, pos), runCount segments.
    let runFrom = pos;
    let runCount = 0;
    let result: number;
    for (;;) {
      if (pos >= limit) {
        result = pos;
        break;
      }
      const leadStart = pos;
      let b = buf[pos]!;
      if (b <= 0x20) {
        // Skip trivia (line breaks, indentation) unless it is a delimiter here.
        while ((b !== term || term === 0x0a) && b !== elem && (b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09)) {
          if (++pos >= len) break;
          b = buf[pos]!;
        }
        if (pos >= len) {
          result = final ? len : -leadStart - 1;
          pos = leadStart;
          break;
        }
      }
      const s = pos;
      if (b === 0x49 /* I */ && buf[s + 1] === 0x53 && this.isIsaAt(buf, s)) {
        // A new ISA before IEA: re-read it as an ISA (its delimiters may differ).
        pos = leadStart;
        result = leadStart;
        break;
      }
      let t = buf.indexOf(term, s);
      if (t < 0) {
        if (!final) {
          pos = leadStart;
          result = -leadStart - 1;
          break;
        }
        t = len;
      }
      let e = t;
      if (term === 0x0a && e > s && buf[e - 1] === 0x0d) e--;
      const after = t < len ? t + 1 : len;
      // b1 lies past the end of buf only when the segment is too short to use it (e <= s + 1).
      const b1 = buf[s + 1]!;
      const b2 = s + 2 < e ? buf[s + 2]! : elem;
      ordinal++;
      pos = after;
      if (b === 0x53 /* S */ || b === 0x47 /* G */ || b === 0x49 /* I */) {
        const id = envelopeId(buf, s, e, elem, b, b1, b2);
        if (id !== '') {
          if (runCount > 0) sink.contentRun(buf, runFrom, leadStart, base, ordinal - runCount, runCount, d);
          runCount = 0;
          runFrom = after;
          sink.rawSegment(buf, s, e, after, leadStart, base + s, ordinal, id, d);
          if (t === len || id === 'IEA') {
            result = this.stopAfter(id, t === len, base + s, ordinal, after);
            break;
          }
          continue;
        }
      }
      runCount++;
      // A content segment: only its id's shape is checked here.
      if (!wellFormedId(buf, s, e, elem, b, b1, b2)) this.badId(buf, s, e, elem, base + s, ordinal);
      if (t === len) {
        this.missingTerminator(this.ids.read(buf, s, e, elem), base + s, ordinal);
        result = len;
        break;
      }
    }
    if (runCount > 0) sink.contentRun(buf, runFrom, pos, base, ordinal - runCount + 1, runCount, d);
    this.ordinal = ordinal;
    return result;
  }

  /** Whether an ISA (not an id such as ISAX) starts at `s`; if so, goes back to reading ISAs. */
  private isIsaAt(buf: Buffer, s: number): boolean {
    if (buf[s + 2] !== 0x41 || s + 3 >= buf.length || isAlphanumeric(buf[s + 3]!)) return false;
    this.state = State.SeekIsa;
    this.delims = null;
    return true;
  }

  /** After an envelope segment that ends the scan: IEA, or one the input ended inside. */
  private stopAfter(id: string, unterminated: boolean, offset: number, ordinal: number, after: number): number {
    if (unterminated) {
      this.missingTerminator(id, offset, ordinal);
      return after;
    }
    this.state = State.SeekIsa;
    this.delims = null;
    return after;
  }

  private badId(buf: Buffer, s: number, e: number, elem: number, offset: number, ordinal: number): void {
    const id = this.ids.read(buf, s, e, elem);
    this.sink.finding({
      severity: 'error',
      code: 'SEGMENT_ID_INVALID',
      message: `${JSON.stringify(id)} is not a segment id`,
      segment: id,
      offset,
      ordinal,
      ack: { level: 'segment', code: '1' },
    });
  }

  private missingTerminator(id: string, offset: number, ordinal: number): void {
    this.sink.finding({
      severity: 'error',
      code: 'MISSING_TERMINATOR',
      message: `input ends inside segment ${id} (no segment terminator)`,
      segment: id,
      offset,
      ordinal,
      ack: { level: 'interchange', note: '023', reject: true },
    });
  }

  /**
   * Outside an interchange: find the next ISA and read its delimiters. Returns the position after
   * the ISA's terminator, or `-(resume + 1)` when more bytes are needed (resume = where to carry from).
   */
  private seekIsa(buf: Buffer, pos: number, base: number, final: boolean): number {
    const len = buf.length;
    let from = pos;
    for (;;) {
      const i = buf.indexOf(ISA, from);
      if (i < 0) {
        if (final) {
          this.noteJunk(buf, pos, len, base);
          return len;
        }
        let keep = Math.max(pos, len - 3);
        keep = this.leadBack(buf, pos, keep);
        this.noteJunk(buf, pos, keep, base);
        return -keep - 1;
      }
      const leadStart = this.leadBack(buf, pos, i);
      if (i + 3 >= len) {
        if (final) {
          this.noteJunk(buf, pos, len, base);
          return len;
        }
        this.noteJunk(buf, pos, leadStart, base);
        return -leadStart - 1;
      }
      const e = buf[i + 3]!;
      if (isAlphanumeric(e) || isTrivia(e)) {
        from = i + 1; // "ISA" inside other text
        continue;
      }
      // Find the 16 element separators; ISA16 and the terminator follow the last one.
      const limit = Math.min(len, i + ISA_SCAN_LIMIT);
      let count = 0;
      let j = i + 3;
      const seps: number[] = [];
      for (; j < limit; j++) {
        if (buf[j] === e) {
          seps.push(j);
          if (++count === 16) break;
        }
      }
      if (count < 16 || j + 2 >= len) {
        const needMore = !final && (count < 16 ? limit === len && len < i + ISA_SCAN_LIMIT : j + 2 >= len);
        if (needMore) {
          this.noteJunk(buf, pos, leadStart, base);
          return -leadStart - 1;
        }
        this.noteJunk(buf, pos, leadStart, base);
        this.flushJunk();
        this.sink.finding({
          severity: 'error',
          code: 'ISA_UNREADABLE',
          message:
            count < 16
              ? `ISA has ${count} of 16 element separators within ${ISA_SCAN_LIMIT} bytes; interchange skipped`
              : 'input ends inside the ISA segment; interchange skipped',
          segment: 'ISA',
          offset: base + i,
          ack: { level: 'interchange', note: count < 16 ? '024' : '023', reject: true },
          ...(count >= 14 ? { isa: isaFields(buf, i, seps) } : {}),
        });
        pos = i + 3;
        from = pos;
        this.startJunk(buf, i, base);
        this.junkSilent = true;
        this.skippedIsa = true;
        continue;
      }
      const component = buf[j + 1]!;
      const term = buf[j + 2]!;
      const rep11Start = seps[10]! + 1;
      const rep11End = seps[11]!;
      let repetition = -1;
      if (rep11End - rep11Start === 1) {
        const r = buf[rep11Start]!;
        if (!isAlphanumeric(r) && r !== e && r !== component && r !== term && r !== 0x20) repetition = r;
      }
      this.noteJunk(buf, pos, leadStart, base);
      this.flushJunk();
      if (term === e || component === e || component === term || isAlphanumeric(term) || isAlphanumeric(component) || term === 0x20) {
        this.sink.finding({
          severity: 'error',
          code: 'ISA_DELIMITERS',
          message:
            isAlphanumeric(term) || term === 0x20
              ? `no segment terminator after the ISA (ISA16 ${show(component)} is followed by ${show(term)}); interchange skipped`
              : `ISA delimiters are unusable (element ${show(e)}, component ${show(component)}, terminator ${show(term)}: they must differ and not be letters, digits or spaces); interchange skipped`,
          segment: 'ISA',
          offset: base + i,
          ack: { level: 'interchange', note: term === e || isAlphanumeric(term) || term === 0x20 ? '004' : '027', reject: true },
          // Its fields, split at the element separator: enough for a TA1 that rejects it.
          isa: isaFields(buf, i, seps),
        });
        pos = i + 3;
        from = pos;
        this.startJunk(buf, i, base);
        this.junkSilent = true;
        this.skippedIsa = true;
        continue;
      }
      const delims: Delimiters = { element: e, component, repetition, segment: term };
      this.delims = delims;
      this.state = State.InInterchange;
      this.sink.rawSegment(buf, i, j + 2, j + 3, leadStart, base + i, ++this.ordinal, 'ISA', delims);
      return j + 3;
    }
  }

  /** Walks back from `i` over trivia (not before `floor`, at most MAX_ISA_LEAD bytes). */
  private leadBack(buf: Buffer, floor: number, i: number): number {
    let k = i;
    const min = Math.max(floor, i - MAX_ISA_LEAD);
    while (k > min && isTrivia(buf[k - 1]!)) k--;
    return k;
  }

  private startJunk(buf: Buffer, i: number, base: number): void {
    // The bytes of a skipped ISA are junk too (they are counted from here on).
    this.noteJunk(buf, i, i + 3, base);
  }

  /** Counts skipped bytes in [from, to); trivia alone is not reported. */
  private noteJunk(buf: Buffer, from: number, to: number, base: number): void {
    if (to <= from) return;
    let onlyTrivia = true;
    for (let k = from; k < to; k++) {
      if (!isTrivia(buf[k]!)) {
        onlyTrivia = false;
        break;
      }
    }
    if (onlyTrivia && this.junkStart < 0) return;
    if (this.junkStart < 0) {
      this.junkStart = base + from;
      this.junkBytes = 0;
      this.junkSample = '';
      this.junkHead = [];
    }
    for (let k = from; k < to && this.junkHead.length < 4; k++) this.junkHead.push(buf[k]!);
    this.junkBytes += to - from;
    if (this.junkSample.length < 40) this.junkSample += buf.toString('latin1', from, Math.min(to, from + 40 - this.junkSample.length));
  }

  private flushJunk(): void {
    if (this.junkStart < 0) return;
    if (this.junkSilent) {
      // The bytes of an interchange already reported unusable (its ISA finding says it was skipped).
      this.junkSilent = false;
      this.junkStart = -1;
      return;
    }
    const h = this.junkHead;
    const bom = this.junkStart === 0 && this.junkBytes === 3 && h[0] === BOM[0] && h[1] === BOM[1] && h[2] === BOM[2];
    this.sink.finding(
      bom
        ? {
            severity: 'info',
            code: 'BOM',
            message: 'UTF-8 byte order mark before the first ISA (skipped)',
            offset: this.junkStart,
          }
        : {
            severity: 'error',
            code: 'TEXT_OUTSIDE_INTERCHANGE',
            message: `${this.junkBytes} byte(s) outside any interchange were skipped: ${JSON.stringify(this.junkSample.replace(/^\ufeff|^\u00ef\u00bb\u00bf/, ''))}`,
            offset: this.junkStart,
          },
    );
    this.junkStart = -1;
  }
}

/** ISA01.. of an ISA at `i` whose element separators stand at `seps` (the fields between them; ISA00 is the id). */
function isaFields(buf: Buffer, i: number, seps: readonly number[]): string[] {
  const out = ['ISA'];
  for (let k = 0; k + 1 < seps.length; k++) out.push(buf.toString('latin1', seps[k]! + 1, seps[k + 1]!));
  return out;
}

function show(b: number): string {
  return JSON.stringify(String.fromCharCode(b));
}

/**
 * The envelope id (GS GE ST SE IEA) of the segment at `s`, or '' for any other segment; `b`, `b1`
 * are its first two bytes, `b2` its third (`elem` when the segment is shorter).
 */
function envelopeId(buf: Buffer, s: number, e: number, elem: number, b: number, b1: number, b2: number): string {
  if (b2 === elem) {
    if (s + 1 >= e) return '';
    if (b === 0x53) return b1 === 0x54 ? 'ST' : b1 === 0x45 ? 'SE' : '';
    if (b === 0x47) return b1 === 0x53 ? 'GS' : b1 === 0x45 ? 'GE' : '';
    return '';
  }
  return b === 0x49 && b1 === 0x45 && b2 === 0x41 && (s + 3 === e || buf[s + 3] === elem) ? 'IEA' : '';
}

/**
 * A segment id's shape on bytes: a letter, then one or two letters or digits, then the end.
 * `b`, `b1` are the segment's first two bytes, `b2` its third (`elem` when it is shorter).
 */
function wellFormedId(buf: Buffer, s: number, e: number, elem: number, b: number, b1: number, b2: number): boolean {
  if (s + 1 >= e || b - 0x41 >>> 0 > 25 || !(b1 - 0x30 >>> 0 < 10 || b1 - 0x41 >>> 0 < 26)) return false;
  if (b2 === elem) return true;
  if (!(b2 - 0x30 >>> 0 < 10 || b2 - 0x41 >>> 0 < 26)) return false;
  return s + 3 === e || buf[s + 3] === elem;
}
