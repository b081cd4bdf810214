import type { Finding, GroupInfo, InterchangeInfo, Segment, TransactionSet } from '../x12/index.js';

/**
 * The wire form of a batch of transaction sets, as the main thread hands it to a worker: the
 * bytes of every set (ST through SE, leads and terminators included, exactly as in the file) in
 * one ArrayBuffer, and per set its byte range there, its file offset, control numbers and the
 * framer's findings. The interchanges and groups the sets belong to come along once per batch.
 */
export interface BatchWire {
  readonly id: number;
  /** The input file's name as reported. */
  readonly file: string;
  readonly bytes: ArrayBuffer;
  readonly interchanges: InterchangeWire[];
  readonly groups: GroupWire[];
  readonly transactions: TransactionWire[];
}

/** An interchange's header as the worker gets it: its fields, and the ISA's bytes (no terminator). */
export type InterchangeWire = Omit<InterchangeInfo, 'isa' | 'findings' | 'groupCount' | 'open'> & {
  readonly key: number;
  /** The ISA's bytes, the trivia before it included (it starts at isaStart). */
  readonly isa: Uint8Array;
  readonly isaStart: number;
  readonly isaOffset: number;
  readonly isaOrdinal: number;
};

/** A group's header as the worker gets it: its fields, and the GS's bytes. */
export type GroupWire = Omit<GroupInfo, 'interchange' | 'gs' | 'transactionCount' | 'declaredCount' | 'acceptedCount' | 'findings' | 'open'> & {
  readonly key: number;
  readonly interchange: number;
  readonly gs: Uint8Array;
  readonly gsStart: number;
  readonly gsOffset: number;
  readonly gsOrdinal: number;
};

export interface TransactionWire {
  readonly index: number;
  /** Key of its interchange; of its group, or 0 when it stands outside any group. */
  readonly interchange: number;
  readonly group: number;
  readonly type: string;
  readonly control: string;
  readonly implementation: string;
  readonly segmentCount: number;
  readonly accepted: boolean;
  readonly findings: Finding[];
  /** Its bytes: `bytes[from, to)`; `offset` is the file offset of bytes[from], `ordinal` that of its ST. */
  readonly from: number;
  readonly to: number;
  readonly offset: number;
  readonly ordinal: number;
}

/** Whole segments in one buffer: [buf, from, to, base (file offset of buf[0]), ordinal of the first]. */
type Range = [Uint8Array, number, number, number, number];

/** What the framer's transaction objects keep of their bytes (private fields of FramedTransaction, read as they are). */
interface KeptRanges {
  readonly earlier: Range[] | null;
  readonly buf: Uint8Array;
  readonly from: number;
  readonly to: number;
  readonly base: number;
  readonly ordinal: number;
  readonly oversize: boolean;
}

/** Byte offset in the file of the trivia before a segment (where its bytes start). */
function leadOffset(s: { offset: number; start: number; leadStart: number }): number {
  return s.offset - (s.start - s.leadStart);
}

/**
 * Gathers framed transaction sets into batches on the main thread. Each set's bytes are copied
 * once (in one piece when the set lies within one read chunk, which is the usual case); the
 * transaction objects and the chunks they point into can then be dropped.
 */
export class BatchPacker {
  private readonly keys = new WeakMap<object, number>();
  private nextKey = 1;
  private spans: Array<[Uint8Array, number, number]> = [];
  private total = 0;
  private transactions: TransactionWire[] = [];
  private interchanges = new Map<number, InterchangeWire>();
  private groups = new Map<number, GroupWire>();

  /** Transaction sets in the batch being gathered. */
  get size(): number {
    return this.transactions.length;
  }

  /** Bytes in the batch being gathered. */
  get bytes(): number {
    return this.total;
  }

  add(tx: TransactionSet): void {
    const from = this.total;
    const place = this.addKeptRanges(tx) ?? this.addSegments(tx);
    const ic = tx.interchange;
    const icKey = this.interchangeKey(ic);
    const groupKey = tx.group !== null ? this.groupKey(tx.group, icKey) : 0;
    this.transactions.push({
      index: tx.index,
      interchange: icKey,
      group: groupKey,
      type: tx.type,
      control: tx.control,
      implementation: tx.implementation,
      segmentCount: tx.segmentCount,
      accepted: tx.accepted,
      findings: tx.findings,
      from,
      to: this.total,
      offset: place.offset,
      ordinal: place.ordinal,
    });
  }

  /**
   * The fast way: the byte ranges the framer kept for the set (see FramedTransaction in
   * src/x12/framer.ts), copied as they are, without splitting the set into segments here. Null
   * (nothing added) when `tx` does not have them, is oversized, or its ranges are not
   * back to back in the file.
   */
  private addKeptRanges(tx: TransactionSet): { offset: number; ordinal: number } | null {
    const k = tx as unknown as Partial<KeptRanges>;
    if (k.oversize !== false || !(k.buf instanceof Uint8Array) || typeof k.from !== 'number' || typeof k.to !== 'number' || typeof k.base !== 'number' || typeof k.ordinal !== 'number') return null;
    const ranges: Range[] = [...(k.earlier ?? []), [k.buf, k.from, k.to, k.base, k.ordinal]];
    const [, from0, , base0, ordinal] = ranges[0]!;
    for (let i = 1; i < ranges.length; i++) {
      const [, , to, base] = ranges[i - 1]!;
      if (ranges[i]![3] + ranges[i]![1] !== base + to) return null;
    }
    for (const [buf, a, b] of ranges) this.span(buf, a, b);
    return { offset: base0 + from0, ordinal };
  }

  /** The general way, for any TransactionSet: its segments, each with its lead and terminator. */
  private addSegments(tx: TransactionSet): { offset: number; ordinal: number } {
    const segs = tx.segments;
    const term = tx.interchange.delimiters.segment;
    const first = segs[0];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const next = segs[i + 1];
      // Bytes after the segment's data: its terminator (with the CR before a newline terminator).
      const tail = next !== undefined ? leadOffset(next) - (s.offset + (s.end - s.start)) : !s.terminated ? 0 : term === 0x0a && s.buf[s.end] === 0x0d ? 2 : 1;
      const stop = s.end + tail;
      if (tail === 0 || (stop <= s.buf.length && s.buf[stop - 1] === term)) {
        this.span(s.buf, s.leadStart, stop);
      } else {
        // A segment that came joined from two chunks: its terminator is written as it must have been.
        this.span(s.buf, s.leadStart, s.end);
        const t = new Uint8Array(Math.max(tail, 1)).fill(0x0d);
        t[t.length - 1] = term;
        this.span(t, 0, t.length);
      }
    }
    return { offset: first !== undefined ? leadOffset(first) : 0, ordinal: first?.ordinal ?? 0 };
  }

  /** The batch gathered so far (and starts a new one). */
  take(id: number, file: string): BatchWire {
    const bytes = new ArrayBuffer(this.total);
    const view = new Uint8Array(bytes);
    let at = 0;
    for (const [buf, a, b] of this.spans) {
      view.set(buf.subarray(a, b), at);
      at += b - a;
    }
    const batch: BatchWire = { id, file, bytes, interchanges: [...this.interchanges.values()], groups: [...this.groups.values()], transactions: this.transactions };
    this.spans = [];
    this.total = 0;
    this.transactions = [];
    this.interchanges = new Map();
    this.groups = new Map();
    return batch;
  }

  private span(buf: Uint8Array, from: number, to: number): void {
    const last = this.spans[this.spans.length - 1];
    if (last !== undefined && last[0] === buf && last[2] === from) last[2] = to;
    else this.spans.push([buf, from, to]);
    this.total += to - from;
  }

  private keyOf(o: object): number {
    let key = this.keys.get(o);
    if (key === undefined) this.keys.set(o, (key = this.nextKey++));
    return key;
  }

  private interchangeKey(ic: InterchangeInfo): number {
    const key = this.keyOf(ic);
    if (!this.interchanges.has(key)) {
      const { isa, findings: _f, groupCount: _c, open: _o, ...fields } = ic;
      this.interchanges.set(key, { ...fields, key, isa: bytesOf(isa), isaStart: isa.start - isa.leadStart, isaOffset: isa.offset, isaOrdinal: isa.ordinal });
    }
    return key;
  }

  private groupKey(g: GroupInfo, icKey: number): number {
    const key = this.keyOf(g);
    if (!this.groups.has(key)) {
      const { gs, interchange: _i, transactionCount: _t, declaredCount: _d, acceptedCount: _a, findings: _f, open: _o, ...fields } = g;
      this.groups.set(key, { ...fields, key, interchange: icKey, gs: bytesOf(gs), gsStart: gs.start - gs.leadStart, gsOffset: gs.offset, gsOrdinal: gs.ordinal });
    }
    return key;
  }
}

/** A copy of a segment's bytes, lead included (its own small buffer, not a view on the read chunk). */
function bytesOf(seg: Segment): Uint8Array {
  return Uint8Array.from(seg.buf.subarray(seg.leadStart, seg.end));
}
