import { Segment, type Delimiters, type Finding, type GroupInfo, type InterchangeInfo, type TransactionSet } from '../x12/index.js';
import { splitSegments } from '../x12/segment-split.js';
import type { BatchWire, GroupWire, InterchangeWire, TransactionWire } from './wire.js';

/**
 * A transaction set rebuilt in a worker from its bytes in a batch: the same segments, offsets,
 * ordinals, control numbers and framer findings as the main thread read; segments are split
 * (by the tokenizer's rules) only when asked for.
 */
export class WireTransaction implements TransactionSet {
  readonly index: number;
  readonly type: string;
  readonly control: string;
  readonly implementation: string;
  readonly segmentCount: number;
  readonly findings: Finding[];
  accepted: boolean;
  private views: Segment[] | undefined;

  constructor(
    readonly interchange: InterchangeInfo,
    readonly group: GroupInfo | null,
    w: TransactionWire,
    private readonly buf: Buffer,
  ) {
    this.index = w.index;
    this.type = w.type;
    this.control = w.control;
    this.implementation = w.implementation;
    this.segmentCount = w.segmentCount;
    this.findings = w.findings;
    this.accepted = w.accepted;
    this.wire = w;
  }

  private readonly wire: TransactionWire;

  get segments(): Segment[] {
    if (this.views === undefined) {
      const w = this.wire;
      const out: Segment[] = [];
      splitSegments(this.buf, w.from, w.to, w.offset - w.from, w.ordinal, this.interchange.delimiters, out);
      this.views = out;
    }
    return this.views;
  }

  /** Drops the split segments (they are split again if asked for). */
  release(): void {
    this.views = undefined;
  }
}

/**
 * Rebuilds the transaction sets of a batch. Interchanges and groups are kept by key while a
 * batch refers to them, so the sets of one interchange share one object, as the framer's do.
 */
export class BatchUnpacker {
  private interchanges = new Map<number, InterchangeInfo>();
  private groups = new Map<number, GroupInfo>();

  unpack(batch: BatchWire): TransactionSet[] {
    const interchanges = new Map<number, InterchangeInfo>();
    const groups = new Map<number, GroupInfo>();
    for (const w of batch.interchanges) interchanges.set(w.key, this.interchanges.get(w.key) ?? interchangeOf(w));
    for (const w of batch.groups) groups.set(w.key, this.groups.get(w.key) ?? groupOf(w, interchanges.get(w.interchange)!));
    this.interchanges = interchanges;
    this.groups = groups;
    const buf = Buffer.from(batch.bytes);
    return batch.transactions.map((w) => new WireTransaction(interchanges.get(w.interchange)!, w.group !== 0 ? groups.get(w.group)! : null, w, buf));
  }
}

function segmentOf(bytes: Uint8Array, start: number, offset: number, ordinal: number, id: string, d: Delimiters): Segment {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Segment(buf, start, buf.length, 0, offset, ordinal, id, d);
}

function interchangeOf(w: InterchangeWire): InterchangeInfo {
  return {
    index: w.index,
    isa: segmentOf(w.isa, w.isaStart, w.isaOffset, w.isaOrdinal, 'ISA', w.delimiters),
    control: w.control,
    senderQualifier: w.senderQualifier,
    sender: w.sender,
    receiverQualifier: w.receiverQualifier,
    receiver: w.receiver,
    date: w.date,
    time: w.time,
    version: w.version,
    ackRequested: w.ackRequested,
    usage: w.usage,
    delimiters: w.delimiters,
    lineEnding: w.lineEnding,
    rejected: w.rejected,
    findings: [],
    groupCount: 0,
    open: true,
  };
}

function groupOf(w: GroupWire, ic: InterchangeInfo): GroupInfo {
  return {
    index: w.index,
    interchange: ic,
    gs: segmentOf(w.gs, w.gsStart, w.gsOffset, w.gsOrdinal, 'GS', ic.delimiters),
    functionalId: w.functionalId,
    sender: w.sender,
    receiver: w.receiver,
    date: w.date,
    time: w.time,
    control: w.control,
    agency: w.agency,
    version: w.version,
    transactionCount: 0,
    declaredCount: null,
    acceptedCount: 0,
    findings: [],
    open: true,
  };
}
