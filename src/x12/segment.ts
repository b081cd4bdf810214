import type { Delimiters } from './delimiters.js';
import type { ShortStrings } from './short-strings.js';

const EMPTY: readonly string[] = Object.freeze([]);
/** Result of Segment.bounds (module scratch: no tuple allocated per call). */
let boundStart = 0;
let boundEnd = 0;

/**
 * One segment, as a view on the bytes it was read from. Nothing is decoded until asked:
 * `elements()` splits and decodes once, then caches.
 */
export class Segment {
  private cached: string[] | undefined;

  constructor(
    /** The buffer holding the segment (a chunk of the input, or a small joined copy). */
    readonly buf: Buffer,
    /** Index in `buf` of the first byte of the segment id. */
    readonly start: number,
    /** Index in `buf` just past the segment's last data byte (where its terminator stands). */
    readonly end: number,
    /** Index in `buf` where the trivia before the segment (line breaks, indentation) starts. */
    readonly leadStart: number,
    /** Absolute byte offset of `start` in the input. */
    readonly offset: number,
    /** 1-based ordinal of the segment in the input. */
    readonly ordinal: number,
    /** Segment id (ISA, GS, NM1...), interned. */
    readonly id: string,
    readonly delimiters: Delimiters,
    /** False when the input had no terminator after this segment (end of input). */
    readonly terminated: boolean = true,
  ) {}

  /** Number of data bytes (id and elements, without terminator). */
  get length(): number {
    return this.end - this.start;
  }

  /** The segment text without its terminator. */
  raw(): string {
    return decode(this.buf, this.start, this.end, this.delimiters);
  }

  /** Bytes between the previous terminator and this segment (CR/LF, indentation). */
  lead(): string {
    return this.buf.toString('latin1', this.leadStart, this.start);
  }

  /** `[id, e01, e02, ...]`, raw element strings (composites and repetitions not split). */
  elements(): readonly string[] {
    let els = this.cached;
    if (els === undefined) {
      els = this.end > this.start ? splitAt(this.raw(), String.fromCharCode(this.delimiters.element)) : (EMPTY as string[]);
      this.cached = els;
    }
    return els;
  }

  /**
   * Element `n` (1-based, as in NM103); '' when absent. Reads just that element's bytes when
   * the segment has not been split yet (the framer reads ST and SE this way).
   */
  element(n: number): string {
    if (this.cached !== undefined) return this.cached[n] ?? '';
    if (!this.bounds(n)) return '';
    const buf = this.buf;
    for (let k = boundStart; k < boundEnd; k++) {
      // Non-ASCII bytes: decode the whole segment, so the choice between UTF-8 and Latin-1 is
      // the same as elements() makes.
      if (buf[k]! >= 0x80) return this.elements()[n] ?? '';
    }
    return buf.toString('latin1', boundStart, boundEnd);
  }

  /** Element `n` as a non-negative integer read from its digits, or -1 when it is not one. */
  elementNumber(n: number): number {
    if (!this.bounds(n)) return -1;
    const i = boundStart;
    const j = boundEnd;
    if (j === i || j - i > 15) return -1;
    let v = 0;
    for (let k = i; k < j; k++) {
      const b = this.buf[k]!;
      if (b < 0x30 || b > 0x39) return -1;
      v = v * 10 + (b - 0x30);
    }
    return v;
  }

  /** Whether element `n` is exactly `value` (compared on bytes, nothing decoded). */
  elementEquals(n: number, value: string): boolean {
    if (!this.bounds(n)) return value === '';
    const i = boundStart;
    const j = boundEnd;
    for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) >= 0x80) return this.element(n) === value;
    if (j - i !== value.length) return false;
    for (let k = 0; k < value.length; k++) if (this.buf[i + k] !== value.charCodeAt(k)) return false;
    return true;
  }

  /**
   * Element `n` as an interned string when its bytes are ASCII (for values that repeat in every
   * transaction set, such as ST01 and ST03); the same value as `element(n)`.
   */
  elementInterned(n: number, cache: ShortStrings): string {
    if (this.cached !== undefined || !this.bounds(n)) return this.element(n);
    for (let k = boundStart; k < boundEnd; k++) if (this.buf[k]! >= 0x80) return this.element(n);
    return cache.get(this.buf, boundStart, boundEnd);
  }

  /** Finds element `n`: sets boundStart/boundEnd and returns true, or false when absent. */
  private bounds(n: number): boolean {
    const buf = this.buf;
    const sep = this.delimiters.element;
    const end = this.end;
    let i = this.start;
    for (let k = 0; k < n; k++) {
      while (i < end && buf[i] !== sep) i++;
      if (i >= end) return false;
      i++;
    }
    let j = i;
    while (j < end && buf[j] !== sep) j++;
    boundStart = i;
    boundEnd = j;
    return true;
  }

  /** Number of elements after the id. */
  get elementCount(): number {
    return Math.max(0, this.elements().length - 1);
  }
}

/**
 * `s.split(sep)` for a one-character `sep`, the same strings in the same array; found with
 * indexOf and cut with slice, which is quicker than split's generic path for short segments.
 */
export function splitAt(s: string, sep: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const i = s.indexOf(sep, from);
    if (i < 0) {
      out.push(from === 0 ? s : s.slice(from));
      return out;
    }
    out.push(s.slice(from, i));
    from = i + 1;
  }
}

/**
 * Decode segment bytes. X12 text is ASCII in practice; UTF-8 is read as UTF-8, and bytes that
 * are not valid UTF-8 fall back to Latin-1 so that no byte is lost or replaced.
 */
export function decode(buf: Buffer, start: number, end: number, d: Delimiters): string {
  // ASCII (nearly every segment): Latin-1 and UTF-8 read the same, and Latin-1 needs no validation.
  let k = start;
  while (k < end && buf[k]! < 0x80) k++;
  if (k === end || d.element >= 0x80 || d.segment >= 0x80 || d.component >= 0x80 || d.repetition >= 0x80) {
    return (buf as unknown as LatinSlicing).latin1Slice(start, end);
  }
  const s = buf.toString('utf8', start, end);
  if (s.indexOf('\ufffd') >= 0 && buf.subarray(start, end).indexOf(REPLACEMENT_BYTES) < 0) {
    return buf.toString('latin1', start, end);
  }
  return s;
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);

/** Buffer's Latin-1 decoder without toString's argument and encoding dispatch (Node has it on every Buffer; @types/node does not declare it). */
interface LatinSlicing {
  latin1Slice(start: number, end: number): string;
}
