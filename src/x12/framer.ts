import type { Delimiters } from './delimiters.js';
import type { GroupInfo, InterchangeInfo, TransactionSet } from './envelope.js';
import type { AckTarget, Finding } from './finding.js';
import { functionalIdFits } from './functional-ids.js';
import { checkIsa } from './isa.js';
import { Segment } from './segment.js';
import { ShortStrings } from './short-strings.js';
import { splitSegments } from './segment-split.js';
import type { RawSegmentSink } from './tokenizer.js';

/** Receives framed transactions and envelope ends, in input order. */
export interface FrameSink {
  transaction(tx: TransactionSet): void;
  groupEnd(group: GroupInfo): void;
  interchangeEnd(ic: InterchangeInfo): void;
  /** A finding tied to no interchange (text outside interchanges). */
  finding(f: Finding): void;
}

export interface FramerOptions {
  /** A transaction set larger than this (bytes) is rejected; its segments are not kept. */
  maxTransactionBytes?: number;
}

/** Counts for the conservation report. */
export interface FrameStats {
  interchanges: number;
  groups: number;
  transactions: number;
  accepted: number;
  rejected: number;
  segments: number;
}

/**
 * Envelope framing: turns the segment stream into transaction sets with their ISA/GS context,
 * checking control numbers, counts and nesting. A bad transaction is reported (and marked
 * rejected); the rest of the input goes on.
 */
export class Framer implements RawSegmentSink {
  private ic: InterchangeInfo | null = null;
  private group: GroupInfo | null = null;
  private tx: FramedTransaction | null = null;
  private groupControls = new Set<string>();
  private txControls = new Set<string>();
  /** Recent interchange control numbers (bounded, so memory does not grow with the input). */
  private interchangeControls = new Set<string>();
  private expectLineEnding = false;
  private readonly shortStrings = new ShortStrings();
  /** The last ST01 and ST03 read (the same values repeat in every transaction set). */
  private lastType = '';
  private lastSt03 = '';
  /** Memo of the last ST01/GS01 check (the same pair repeats for a whole group). */
  private fitGroup: GroupInfo | null = null;
  private fitType = '';
  private fits = true;
  /** Index just past the terminator of the envelope segment being handled. */
  private after = 0;
  private readonly maxTransactionBytes: number;
  readonly stats: FrameStats = { interchanges: 0, groups: 0, transactions: 0, accepted: 0, rejected: 0, segments: 0 };

  constructor(
    private readonly sink: FrameSink,
    options: FramerOptions = {},
  ) {
    this.maxTransactionBytes = options.maxTransactionBytes ?? 16 << 20;
  }

  rawSegment(buf: Buffer, start: number, end: number, after: number, leadStart: number, offset: number, ordinal: number, id: string, delimiters: Delimiters): void {
    this.stats.segments++;
    if (this.expectLineEnding && id !== 'ISA') this.noteLineEnding(buf, leadStart, start);
    this.after = after;
    if (id === 'SE') {
      // The usual trailer (right count, matching control number) is checked on its bytes alone.
      const tx = this.tx;
      if (tx !== null && trailerMatches(buf, start, end, delimiters.element, tx.segmentCount + 1, tx.control)) {
        this.addTrailer(tx, buf, leadStart, offset - start, ordinal);
        return this.emitTransaction(tx);
      }
    } else if (id === 'ST' && this.tx === null && this.openPlain(buf, start, end, leadStart, offset, ordinal, delimiters)) {
      return;
    }
    this.segment(new Segment(buf, start, end, leadStart, offset, ordinal, id, delimiters, after > end));
  }

  /** Segments between envelope segments: counted, and kept as a byte range of their transaction. */
  contentRun(buf: Buffer, from: number, to: number, base: number, ordinal: number, count: number, delimiters: Delimiters): void {
    this.stats.segments += count;
    if (this.expectLineEnding) this.noteLineEnding(buf, from, from + leadLength(buf, from, to, delimiters));
    const tx = this.tx;
    if (tx !== null) {
      this.addToTransaction(tx, buf, from, to, base, ordinal, count, '');
      return;
    }
    const segs: Segment[] = [];
    splitSegments(buf, from, to, base, ordinal, delimiters, segs);
    for (const seg of segs) this.outside(seg);
  }

  private addToTransaction(tx: FramedTransaction, buf: Buffer, from: number, to: number, base: number, ordinal: number, count: number, id: string): void {
    tx.segmentCount += count;
    if (tx.oversize) return;
    tx.add(buf, from, to, base, ordinal);
    if (tx.bytes > this.maxTransactionBytes) {
      tx.oversize = true;
      tx.findings.push({
        severity: 'error',
        code: 'TRANSACTION_TOO_LARGE',
        message: `transaction set is larger than ${this.maxTransactionBytes} bytes; its segments were not kept`,
        ...(id !== '' ? { segment: id } : {}),
        offset: base + from,
        ordinal,
        ack: { level: 'transaction', code: '5' },
      });
      tx.keepFirstOnly();
    }
  }

  private noteLineEnding(buf: Buffer, leadStart: number, start: number): void {
    this.expectLineEnding = false;
    if (this.ic !== null) this.ic.lineEnding = lineEndingOf(buf.toString('latin1', leadStart, start));
  }

  /** An envelope segment, or any segment outside a transaction set. */
  private segment(seg: Segment): void {
    switch (seg.id) {
      case 'ISA':
        return this.openInterchange(seg);
      case 'GS':
        return this.openGroup(seg);
      case 'ST':
        return this.openTransaction(seg);
      case 'SE':
        return this.closeTransaction(seg);
      case 'GE':
        return this.closeGroup(seg);
      case 'IEA':
        return this.closeInterchange(seg);
      default:
        this.outside(seg);
    }
  }

  finding(f: Finding): void {
    const tx = this.tx;
    if (tx !== null && (f.code === 'MISSING_TERMINATOR' || f.ack?.level === 'segment')) {
      // Segments of a transaction have consecutive ordinals: the position follows from them.
      tx.findings.push(f.ordinal !== undefined && f.position === undefined ? { ...f, position: f.ordinal - tx.stOrdinal + 1 } : f);
      return;
    }
    if (this.ic !== null && f.ack?.level === 'interchange') {
      this.ic.findings.push(f);
      return;
    }
    this.sink.finding(f);
  }

  /** Call at end of input: closes whatever is still open, reporting the missing trailers. */
  end(): void {
    if (this.tx !== null) this.forceCloseTransaction('end of input');
    if (this.group !== null) this.forceCloseGroup('end of input');
    if (this.ic !== null) this.forceCloseInterchange('end of input', '023');
  }

  private openInterchange(isa: Segment): void {
    if (this.ic !== null) {
      if (this.tx !== null) this.forceCloseTransaction('a new ISA');
      if (this.group !== null) this.forceCloseGroup('a new ISA');
      this.forceCloseInterchange('a new ISA', '023');
    }
    const el = isa.elements();
    const findings = checkIsa(isa);
    const control = el[13] ?? '';
    // ISA13 is unique per sender and receiver (ISA05-ISA08): other pairs count on their own.
    const pairControl = `${el[5] ?? ''}:${(el[6] ?? '').trim()}|${el[7] ?? ''}:${(el[8] ?? '').trim()}|${control}`;
    if (this.interchangeControls.has(pairControl)) {
      findings.push({
        severity: 'warning',
        code: 'DUPLICATE_INTERCHANGE_CONTROL',
        message: `interchange control number ${control} was already used earlier in this input by the same sender and receiver`,
        segment: 'ISA',
        offset: isa.offset,
        ordinal: isa.ordinal,
        ack: { level: 'interchange', note: '025', reject: false },
      });
    }
    this.interchangeControls.add(pairControl);
    if (this.interchangeControls.size > RECENT_INTERCHANGES) {
      this.interchangeControls.delete(this.interchangeControls.values().next().value as string);
    }
    this.ic = {
      index: ++this.stats.interchanges,
      isa,
      control,
      senderQualifier: el[5] ?? '',
      sender: (el[6] ?? '').trim(),
      receiverQualifier: el[7] ?? '',
      receiver: (el[8] ?? '').trim(),
      date: el[9] ?? '',
      time: el[10] ?? '',
      version: el[12] ?? '',
      ackRequested: el[14] === '1',
      usage: el[15] ?? '',
      delimiters: isa.delimiters,
      lineEnding: '',
      rejected: findings.some((f) => f.ack?.level === 'interchange' && f.ack.reject),
      findings,
      groupCount: 0,
      open: true,
    };
    this.groupControls = new Set();
    this.expectLineEnding = true;
  }

  private openGroup(gs: Segment): void {
    const ic = this.ic;
    if (ic === null) return this.outside(gs);
    if (this.tx !== null) this.forceCloseTransaction('a GS');
    if (this.group !== null) this.forceCloseGroup('a new GS');
    const el = gs.elements();
    const findings: Finding[] = [];
    const at = { segment: 'GS', offset: gs.offset, ordinal: gs.ordinal };
    const control = el[6] ?? '';
    if (el.length !== 9) {
      findings.push({ severity: 'error', code: 'GS_FIELD_COUNT', message: `GS has ${el.length - 1} elements, expected 8`, ...at, ack: { level: 'group', code: '' } });
    }
    if (!/^[0-9]{1,9}$/.test(control)) {
      findings.push({ severity: 'error', code: 'GS06_SYNTAX', message: `GS06 control number must be 1-9 digits: ${JSON.stringify(control)}`, ...at, ack: { level: 'group', code: '6' } });
    }
    if (this.groupControls.has(control)) {
      findings.push({ severity: 'error', code: 'DUPLICATE_GROUP_CONTROL', message: `group control number ${control} repeats within the interchange`, ...at, ack: { level: 'group', code: '19' } });
    }
    this.groupControls.add(control);
    const version = el[8] ?? '';
    if (version === '') {
      findings.push({ severity: 'error', code: 'GS08_MISSING', message: 'GS08 (version / implementation) is empty', ...at, ack: { level: 'group', code: '2' } });
    } else if (!version.startsWith('005010')) {
      findings.push({ severity: 'warning', code: 'GS08_VERSION', message: `group version ${version} is not 005010`, ...at });
    }
    ic.groupCount++;
    this.group = {
      index: ++this.stats.groups,
      interchange: ic,
      gs,
      functionalId: el[1] ?? '',
      sender: el[2] ?? '',
      receiver: el[3] ?? '',
      date: el[4] ?? '',
      time: el[5] ?? '',
      control,
      agency: el[7] ?? '',
      version,
      transactionCount: 0,
      declaredCount: null,
      acceptedCount: 0,
      findings,
      open: true,
    };
    this.txControls = new Set();
  }

  private openTransaction(st: Segment): void {
    if (this.tx !== null) this.forceCloseTransaction('a new ST');
    const type = st.elementInterned(1, this.shortStrings);
    const st03 = st.elementInterned(3, this.shortStrings);
    this.tx = new FramedTransaction(this.ic!, type, st.element(2), st03, st.delimiters, st.offset, st.ordinal, st.buf, st.leadStart, this.after, st.offset - st.start);
  }

  /**
   * The usual ST (ST01-ST03 in ASCII, at least two elements) while no transaction set is open,
   * read straight from its bytes: the same values as openTransaction reads, without a Segment.
   * Returns false, having done nothing, for any other ST.
   */
  private openPlain(buf: Buffer, start: number, end: number, leadStart: number, offset: number, ordinal: number, d: Delimiters): boolean {
    const sep = d.element;
    const e1 = fieldEnd(buf, start, end, sep);
    const e2 = fieldEnd(buf, e1 + 1, end, sep);
    if (e2 >= end) return false;
    const e3 = fieldEnd(buf, e2 + 1, end, sep);
    const e4 = e3 < end ? fieldEnd(buf, e3 + 1, end, sep) : end;
    let bits = 0;
    for (let k = e1 + 1; k < e4; k++) bits |= buf[k]!;
    if (bits >= 0x80) return false;
    let type = this.lastType;
    if (!sameText(buf, e1 + 1, e2, type)) type = this.lastType = this.shortStrings.get(buf, e1 + 1, e2);
    let st03 = '';
    if (e3 < end) {
      st03 = this.lastSt03;
      if (!sameText(buf, e3 + 1, e4, st03)) st03 = this.lastSt03 = this.shortStrings.get(buf, e3 + 1, e4);
    }
    const control = asciiText(buf, e2 + 1, e3);
    this.tx = new FramedTransaction(this.ic!, type, control, st03, d, offset, ordinal, buf, leadStart, this.after, offset - start);
    return true;
  }

  /** Counts the SE and keeps its bytes (`base` is the absolute offset of buf[0]). */
  private addTrailer(tx: FramedTransaction, buf: Buffer, leadStart: number, base: number, ordinal: number): void {
    tx.segmentCount++;
    if (!tx.oversize) tx.add(buf, leadStart, this.after, base, ordinal);
  }

  private closeTransaction(se: Segment): void {
    const tx = this.tx;
    if (tx === null) return this.outside(se);
    this.addTrailer(tx, se.buf, se.leadStart, se.offset - se.start, se.ordinal);
    const control = tx.control;
    const count = tx.segmentCount;
    if (se.elementNumber(1) !== count || se.element(1).length > String(count).length) {
      tx.findings.push({
        severity: 'error',
        code: 'SE01_COUNT',
        message: `SE01 says ${JSON.stringify(se.element(1))} segments, the transaction set has ${count}`,
        segment: 'SE',
        offset: se.offset,
        ordinal: se.ordinal,
        position: count,
        ack: { level: 'transaction', code: '4' },
      });
    }
    if (!se.elementEquals(2, control)) {
      tx.findings.push({
        severity: 'error',
        code: 'SE02_CONTROL',
        message: `SE02 ${JSON.stringify(se.element(2))} does not match ST02 ${JSON.stringify(control)}`,
        segment: 'SE',
        offset: se.offset,
        ordinal: se.ordinal,
        position: count,
        ack: { level: 'transaction', code: '3' },
      });
    }
    this.emitTransaction(tx);
  }

  private closeGroup(ge: Segment): void {
    const group = this.group;
    if (group === null) return this.outside(ge);
    if (this.tx !== null) this.forceCloseTransaction('GE');
    const el = ge.elements();
    const at = { segment: 'GE', offset: ge.offset, ordinal: ge.ordinal };
    if (/^[0-9]{1,9}$/.test(el[1] ?? '')) group.declaredCount = Number(el[1]);
    if ((el[1] ?? '') !== String(group.transactionCount)) {
      group.findings.push({
        severity: 'error',
        code: 'GE01_COUNT',
        message: `GE01 says ${JSON.stringify(el[1] ?? '')} transaction sets, the group has ${group.transactionCount}`,
        ...at,
        ack: { level: 'group', code: '5' },
      });
    }
    if ((el[2] ?? '') !== group.control) {
      group.findings.push({
        severity: 'error',
        code: 'GE02_CONTROL',
        message: `GE02 ${JSON.stringify(el[2] ?? '')} does not match GS06 ${JSON.stringify(group.control)}`,
        ...at,
        ack: { level: 'group', code: '4' },
      });
    }
    this.endGroup(group);
  }

  private closeInterchange(iea: Segment): void {
    const ic = this.ic;
    if (ic === null) return this.outside(iea);
    if (this.tx !== null) this.forceCloseTransaction('IEA');
    if (this.group !== null) this.forceCloseGroup('IEA');
    const el = iea.elements();
    const at = { segment: 'IEA', offset: iea.offset, ordinal: iea.ordinal };
    if ((el[1] ?? '') !== String(ic.groupCount)) {
      ic.findings.push({
        severity: 'error',
        code: 'IEA01_COUNT',
        message: `IEA01 says ${JSON.stringify(el[1] ?? '')} functional groups, the interchange has ${ic.groupCount}`,
        ...at,
        ack: { level: 'interchange', note: '021', reject: false },
      });
    }
    if ((el[2] ?? '') !== ic.control) {
      ic.findings.push({
        severity: 'error',
        code: 'IEA02_CONTROL',
        message: `IEA02 ${JSON.stringify(el[2] ?? '')} does not match ISA13 ${JSON.stringify(ic.control)}`,
        ...at,
        ack: { level: 'interchange', note: '001', reject: false },
      });
    }
    this.endInterchange(ic);
  }

  private forceCloseTransaction(by: string): void {
    const tx = this.tx!;
    tx.findings.push({
      severity: 'error',
      code: 'SE_MISSING',
      message: `transaction set ${tx.control} has no SE before ${by}`,
      segment: 'ST',
      offset: tx.stOffset,
      ordinal: tx.stOrdinal,
      position: 1,
      ack: { level: 'transaction', code: '2' },
    });
    this.emitTransaction(tx);
  }

  private forceCloseGroup(by: string): void {
    const group = this.group!;
    group.findings.push({
      severity: 'error',
      code: 'GE_MISSING',
      message: `functional group ${group.control} has no GE before ${by}`,
      segment: 'GS',
      offset: group.gs.offset,
      ordinal: group.gs.ordinal,
      ack: { level: 'group', code: '3' },
    });
    this.endGroup(group);
  }

  private forceCloseInterchange(by: string, note: string): void {
    const ic = this.ic!;
    ic.findings.push({
      severity: 'error',
      code: 'IEA_MISSING',
      message: `interchange ${ic.control} has no IEA before ${by}`,
      segment: 'ISA',
      offset: ic.isa.offset,
      ordinal: ic.isa.ordinal,
      ack: { level: 'interchange', note, reject: false },
    });
    this.endInterchange(ic);
  }

  private endGroup(group: GroupInfo): void {
    group.open = false;
    this.group = null;
    this.sink.groupEnd(group);
  }

  private endInterchange(ic: InterchangeInfo): void {
    ic.open = false;
    this.ic = null;
    this.group = null;
    this.sink.interchangeEnd(ic);
  }

  private emitTransaction(tx: FramedTransaction): void {
    this.tx = null;
    const ic = this.ic!;
    const group = this.group;
    const findings = tx.findings;
    const { type, control, st03 } = tx;
    // One hash lookup: the set stays the same size when the control number was already in it.
    const known = this.txControls.size;
    this.txControls.add(control);
    const repeated = this.txControls.size === known;
    // The usual transaction set needs no finding: valid ST01 and ST02 that fit the group, ST03 =
    // GS08, an accepted interchange. Any other is checked in full.
    if (group === null || repeated || ic.rejected || control.length < 4 || control.length > 9 || st03 !== group.version || !this.usualType(type, group)) {
      this.checkHeader(tx, ic, group, repeated);
    }
    let accepted = true;
    for (const f of findings) if (f.severity === 'error') accepted = false;
    tx.index = ++this.stats.transactions;
    tx.group = group;
    tx.implementation = st03 !== '' ? st03 : (group?.version ?? '');
    tx.accepted = accepted;
    if (accepted) this.stats.accepted++;
    else this.stats.rejected++;
    if (group !== null) {
      group.transactionCount++;
      if (accepted) group.acceptedCount++;
    }
    this.sink.transaction(tx);
  }

  /** The ST-level findings of a transaction set, in their order (for any but the usual set). */
  private checkHeader(tx: FramedTransaction, ic: InterchangeInfo, group: GroupInfo | null, repeated: boolean): void {
    const findings = tx.findings;
    const { type, control, st03 } = tx;
    if (type.length !== 3 || !isDigits(type)) {
      findings.push({ severity: 'error', code: 'ST01_INVALID', message: `ST01 ${JSON.stringify(type)} is not a transaction set id`, ...stPlace(tx), ack: { level: 'transaction', code: '6' } });
    }
    if (control.length < 4 || control.length > 9) {
      findings.push({ severity: 'error', code: 'ST02_INVALID', message: `ST02 control number must be 4-9 characters: ${JSON.stringify(control)}`, ...stPlace(tx), ack: { level: 'transaction', code: '7' } });
    } else if (repeated) {
      findings.push({ severity: 'error', code: 'DUPLICATE_TRANSACTION_CONTROL', message: `transaction set control number ${control} repeats within the group`, ...stPlace(tx), ack: { level: 'transaction', code: '23' } });
    }
    if (group === null) {
      findings.push({ severity: 'error', code: 'ST_OUTSIDE_GROUP', message: 'transaction set outside any functional group (no GS)', ...stPlace(tx), ack: { level: 'transaction', code: '18' } });
      ic.findings.push({ severity: 'error', code: 'ST_OUTSIDE_GROUP', message: `transaction set ${control} outside any functional group`, ...stPlace(tx), ack: { level: 'interchange', note: '024', reject: false } });
    } else {
      if (!functionalIdFits(type, group.functionalId)) {
        findings.push({
          severity: 'error',
          code: 'GS01_MISMATCH',
          message: `transaction set ${type} does not belong in a functional group ${JSON.stringify(group.functionalId)}`,
          ...stPlace(tx),
          ack: { level: 'transaction', code: '1' },
        });
      }
      if (st03 === '' && group.version.startsWith('005010')) {
        findings.push({
          severity: 'error',
          code: 'ST03_MISSING',
          message: 'ST03 (implementation convention reference) is required in 005010',
          ...stPlace(tx),
          ack: { level: 'element', code: '1', element: 3, elementRef: '1705' },
        });
      } else if (st03 !== '' && group.version !== '' && st03 !== group.version) {
        findings.push({
          severity: 'warning',
          code: 'ST03_GS08_MISMATCH',
          message: `ST03 ${st03} differs from GS08 ${group.version}; ST03 is used`,
          ...stPlace(tx),
          ack: { level: 'transaction', code: '19' },
        });
      }
    }
    if (ic.rejected) {
      findings.push({ severity: 'error', code: 'INTERCHANGE_REJECTED', message: `interchange ${ic.control} was rejected (see its TA1); transaction set not accepted`, ...stPlace(tx) });
    }
  }

  /** Whether ST01 is a transaction set id that belongs in `group` (memo: the pair repeats for a whole group). */
  private usualType(type: string, group: GroupInfo): boolean {
    if (this.fitGroup !== group || this.fitType !== type) {
      this.fitGroup = group;
      this.fitType = type;
      this.fits = type.length === 3 && isDigits(type) && functionalIdFits(type, group.functionalId);
    }
    return this.fits;
  }

  /** A segment where none may stand: between envelopes, outside any ST/SE. */
  private outside(seg: Segment): void {
    const where = this.group !== null ? 'outside any transaction set' : this.ic !== null ? 'outside any functional group' : 'outside any interchange';
    const ack: AckTarget | undefined =
      this.group !== null ? { level: 'group', code: '' } : this.ic !== null ? { level: 'interchange', note: '024', reject: false } : undefined;
    const f: Finding = {
      severity: 'error',
      code: 'SEGMENT_OUTSIDE_ENVELOPE',
      message: `segment ${seg.id} ${where} was skipped: ${JSON.stringify(seg.raw().slice(0, 60))}`,
      segment: seg.id,
      offset: seg.offset,
      ordinal: seg.ordinal,
      ...(ack ? { ack } : {}),
    };
    if (this.group !== null) this.group.findings.push(f);
    else if (this.ic !== null) this.ic.findings.push(f);
    else this.sink.finding(f);
  }
}

/** Where an ST finding points (built only when there is a finding). */
function stPlace(tx: FramedTransaction): { segment: string; offset: number; ordinal: number; position: number } {
  return { segment: 'ST', offset: tx.stOffset, ordinal: tx.stOrdinal, position: 1 };
}

function lineEndingOf(lead: string): string {
  if (lead.startsWith('\r\n')) return '\r\n';
  if (lead.startsWith('\n')) return '\n';
  if (lead.startsWith('\r')) return '\r';
  return '';
}

/** How many interchange control numbers are remembered to spot duplicates. */
const RECENT_INTERCHANGES = 100_000;

/** Whole segments in one buffer: [buf, from, to, base (offset of buf[0]), ordinal of the first]. */
type Range = [Buffer, number, number, number, number];

/**
 * A transaction set, from its ST on. Reading it stores nothing per segment: its bytes are kept
 * as ranges of the buffers they were read from (the last range in fields of its own, so that a
 * transaction set within one buffer costs no more objects), and split into `Segment` views
 * when `segments` is asked for.
 */
class FramedTransaction implements TransactionSet {
  index = 0;
  group: GroupInfo | null = null;
  implementation = '';
  segmentCount = 1;
  readonly findings: Finding[] = [];
  accepted = false;
  /** Too large to keep: only the ST is kept (TRANSACTION_TOO_LARGE). */
  oversize = false;
  /** Earlier ranges, when the transaction set spans buffers. */
  private earlier: Range[] | null = null;
  private earlierBytes = 0;
  private views: Segment[] | undefined = undefined;
  /** Ordinal of the first segment of the last range. */
  private ordinal: number;

  constructor(
    readonly interchange: InterchangeInfo,
    readonly type: string,
    readonly control: string,
    /** ST03 as read ('' when absent). */
    readonly st03: string,
    private readonly delimiters: Delimiters,
    readonly stOffset: number,
    readonly stOrdinal: number,
    /** The last range: `buf[from, to)`, `base` the absolute offset of buf[0]. */
    private buf: Buffer,
    private from: number,
    private to: number,
    private base: number,
  ) {
    this.ordinal = stOrdinal;
  }

  /** Bytes kept so far (leads, data and terminators). */
  get bytes(): number {
    return this.earlierBytes + (this.to - this.from);
  }

  /** Adds `buf[from, to)`, the next segments, the first with `ordinal`. */
  add(buf: Buffer, from: number, to: number, base: number, ordinal: number): void {
    if (buf === this.buf && from === this.to) {
      this.to = to;
      return;
    }
    (this.earlier ??= []).push([this.buf, this.from, this.to, this.base, this.ordinal]);
    this.earlierBytes += this.to - this.from;
    this.buf = buf;
    this.from = from;
    this.to = to;
    this.base = base;
    this.ordinal = ordinal;
  }

  /** Keeps the ST alone (an oversized transaction set). */
  keepFirstOnly(): void {
    const st = this.segments[0]!;
    this.earlier = null;
    this.earlierBytes = 0;
    this.buf = st.buf;
    this.from = st.leadStart;
    this.to = st.end;
    this.base = st.offset - st.start;
    this.ordinal = st.ordinal;
    this.views = [st];
  }

  get segments(): Segment[] {
    if (this.views === undefined) {
      const out: Segment[] = [];
      for (const [buf, from, to, base, ordinal] of this.earlier ?? []) splitSegments(buf, from, to, base, ordinal, this.delimiters, out);
      splitSegments(this.buf, this.from, this.to, this.base, this.ordinal, this.delimiters, out);
      this.views = out;
    }
    return this.views;
  }
}

/** Whether `buf[from, to)` holds the characters of `s` (ASCII). */
function sameText(buf: Buffer, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let k = from; k < to; k++) if (buf[k] !== s.charCodeAt(k - from)) return false;
  return true;
}

/**
 * `buf[from, to)` as a string, for ASCII bytes. Control numbers (4-9 characters) are built from
 * their character codes, which is several times faster than a Buffer decode for a few bytes.
 */
function asciiText(buf: Buffer, from: number, to: number): string {
  const n = to - from;
  if (n < 4 || n > 9) return buf.toString('latin1', from, to);
  // Four codes, then one more per character (unused ones are dropped by the length switch).
  const c0 = buf[from]!;
  const c1 = buf[from + 1]!;
  const c2 = buf[from + 2]!;
  const c3 = buf[from + 3]!;
  const c4 = n > 4 ? buf[from + 4]! : 0;
  const c5 = n > 5 ? buf[from + 5]! : 0;
  const c6 = n > 6 ? buf[from + 6]! : 0;
  const c7 = n > 7 ? buf[from + 7]! : 0;
  const c8 = n > 8 ? buf[from + 8]! : 0;
  switch (n) {
    case 4:
      return String.fromCharCode(c0, c1, c2, c3);
    case 5:
      return String.fromCharCode(c0, c1, c2, c3, c4);
    case 6:
      return String.fromCharCode(c0, c1, c2, c3, c4, c5);
    case 7:
      return String.fromCharCode(c0, c1, c2, c3, c4, c5, c6);
    case 8:
      return String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
    default:
      return String.fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7, c8);
  }
}

/** Index of the first `sep` in buf[from, end), or `end`. */
function fieldEnd(buf: Buffer, from: number, end: number, sep: number): number {
  let i = from;
  while (i < end && buf[i] !== sep) i++;
  return i;
}

/**
 * Whether an SE's bytes say exactly what closeTransaction accepts without a finding: SE01 the
 * digits of `count` (no leading zero; count >= 2), SE02 the ASCII text `control`.
 */
function trailerMatches(buf: Buffer, start: number, end: number, sep: number, count: number, control: string): boolean {
  let i = fieldEnd(buf, start, end, sep) + 1;
  if (i >= end || buf[i] === 0x30) return false;
  let v = 0;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === sep) break;
    if (b < 0x30 || b > 0x39) return false;
    v = v * 10 + (b - 0x30);
    if (v > count) return false;
  }
  const n = control.length;
  if (v !== count || n === 0 || end - ++i < n) return false;
  for (let k = 0; k < n; k++) {
    const c = control.charCodeAt(k);
    if (c >= 0x80 || buf[i + k] !== c) return false;
  }
  i += n;
  return i === end || buf[i] === sep;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return s.length > 0;
}

/** Length of the trivia at the start of a run (to read the interchange's line style). */
function leadLength(buf: Buffer, from: number, to: number, d: Delimiters): number {
  let i = from;
  while (i < to) {
    const b = buf[i]!;
    if ((b === d.segment && b !== 0x0a) || b === d.element || !(b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09)) break;
    i++;
  }
  return i - from;
}
