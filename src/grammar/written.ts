/**
 * The grammar check of a 278 we write, made from the written values themselves: each written
 * segment is given to the element-syntax checker, the loop-tree builder and the element-usage
 * check as the reader would have given it after rendering the interchange and reading it again
 * (the same element strings, the same separators), without rendering, tokenizing or framing.
 *
 * The values read back as written when every character is printable ASCII, or survives the
 * encoding the text is read back from (`latin1` or `utf8`) and the reader's decoding of the
 * segment. When one does not (a control character, a character the encoding truncates, unusual
 * separators or line endings, a set near the reader's size limits), `writtenTransaction` returns
 * null: only a re-read of the rendered text can tell what the reader would see, and the caller
 * does that instead.
 */
import { decode, Segment } from '../x12/segment.js';
import type { Delimiters, Finding, InterchangeInfo, TransactionSet } from '../x12/index.js';
import { checkIsa } from '../x12/isa.js';
import { analyzeTransaction, type Validation } from './validate.js';

export type ReadBackEncoding = 'latin1' | 'utf8';

const NO_BYTES = Buffer.alloc(0);
/** The reader's limits (tokenizer maxSegmentBytes, framer maxTransactionBytes), with a margin for UTF-8. */
const SEGMENT_LIMIT = (1 << 20) / 4;
const TRANSACTION_LIMIT = (16 << 20) / 4;

/**
 * A segment as the reader would give it, made from its written element strings: the same
 * `elements()`, `element(n)`, `elementNumber(n)` and `elementEquals` answers.
 */
export class WrittenSegment extends Segment {
  constructor(
    private readonly values: readonly string[],
    offset: number,
    ordinal: number,
    delimiters: Delimiters,
  ) {
    super(NO_BYTES, 0, 0, 0, offset, ordinal, values[0] ?? '', delimiters);
  }

  override get length(): number {
    let n = this.values.length - 1;
    for (const v of this.values) n += v.length;
    return n;
  }

  override raw(): string {
    return this.values.join(String.fromCharCode(this.delimiters.element));
  }

  override lead(): string {
    return '';
  }

  override elements(): readonly string[] {
    return this.values;
  }

  override element(n: number): string {
    return this.values[n] ?? '';
  }

  override elementNumber(n: number): number {
    const v = this.values[n];
    if (v === undefined || v.length === 0 || v.length > 15) return -1;
    let x = 0;
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c < 0x30 || c > 0x39) return -1;
      x = x * 10 + (c - 0x30);
    }
    return x;
  }

  override elementEquals(n: number, value: string): boolean {
    return (this.values[n] ?? '') === value;
  }

  override elementInterned(n: number): string {
    return this.element(n);
  }
}

/** Whether separators and line ending are ones the reader reads back exactly as written (printable ASCII; '', LF or CRLF). */
export function usualLayout(d: Delimiters, lineEnding: string): boolean {
  const printable = (c: number): boolean => c > 0x20 && c < 0x7f;
  if (!printable(d.element) || !printable(d.component) || !printable(d.segment) || (d.repetition >= 0 && !printable(d.repetition))) return false;
  return lineEnding === '' || lineEnding === '\n' || lineEnding === '\r\n';
}

/**
 * Whether the reader decodes the segment's text back to the same string: 0 = printable ASCII
 * only (always), 1 = it holds other characters that come back the same, -1 = they do not.
 */
function readsBack(values: readonly string[], d: Delimiters, encoding: ReadBackEncoding): number {
  let wide = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c < 0x20 || c === 0x7f) return -1;
      if (c >= 0x80) wide = true;
    }
  }
  if (!wide) return 0;
  const text = values.join(String.fromCharCode(d.element));
  const bytes = Buffer.from(text, encoding);
  return decode(bytes, 0, bytes.length, d) === text ? 1 : -1;
}

/** An interchange header for sets checked from written values: only its separators are read by the checks. */
export function writtenInterchange(d: Delimiters, lineEnding: string): InterchangeInfo {
  const isa = new WrittenSegment(['ISA'], 0, 1, d);
  return {
    index: 1,
    isa,
    control: '000000000',
    senderQualifier: '',
    sender: '',
    receiverQualifier: '',
    receiver: '',
    date: '',
    time: '',
    version: '00501',
    ackRequested: false,
    usage: 'P',
    delimiters: d,
    lineEnding,
    rejected: false,
    findings: [],
    groupCount: 1,
    open: false,
  };
}

/**
 * The transaction set ST ... SE the reader would frame from a rendered body, given as each
 * segment's element strings (`X12Writer.bodyWithValues`: BHT on; `plain` when every character is
 * printable ASCII), with ST02/SE02 `control`; null when the values would not read back as written.
 */
export function writtenTransaction(values: ReadonlyArray<readonly string[]>, plain: boolean, implementation: string, control: string, interchange: InterchangeInfo, encoding: ReadBackEncoding): TransactionSet | null {
  const d = interchange.delimiters;
  const count = values.length + 2;
  const out: Segment[] = new Array<Segment>(count);
  out[0] = new WrittenSegment(['ST', '278', control, implementation], 0, 1, d);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!plain && readsBack(v, d, encoding) < 0) return null;
    let n = v.length;
    for (let k = 0; k < v.length; k++) n += v[k]!.length;
    if (n > SEGMENT_LIMIT) return null;
    out[i + 1] = new WrittenSegment(v, size, i + 2, d);
    size += n;
  }
  if (size > TRANSACTION_LIMIT) return null;
  out[count - 1] = new WrittenSegment(['SE', String(count), control], size, count, d);
  return {
    index: 1,
    interchange,
    group: null,
    type: '278',
    control,
    implementation,
    segments: out,
    segmentCount: count,
    findings: framerFindings(interchange, out[0]!),
    accepted: !interchange.rejected,
  };
}

/** The same set inside another interchange (the one its ISA opens), with the framer's findings there. */
export function inInterchange(tx: TransactionSet, interchange: InterchangeInfo): TransactionSet {
  return { ...tx, interchange, findings: framerFindings(interchange, tx.segments[0]!), accepted: !interchange.rejected };
}

/** The element syntax, loop tree and element usage findings of a set made by `writtenTransaction` (analyzeTransaction on it). */
export function checkWritten(tx: TransactionSet): Validation {
  return analyzeTransaction(tx);
}

/** Whether these values (ISA fields, party names) are printable ASCII: then they read back as written in any encoding. */
export function printableAscii(values: Iterable<string>): boolean {
  for (const v of values) {
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c < 0x20 || c > 0x7e) return false;
    }
  }
  return true;
}

/**
 * The interchange the reader would open from the rendered `isaText` (the ISA segment without its
 * terminator, printable ASCII): rejected, with its ISA13, when the ISA check finds an error that
 * rejects it (every transaction set inside then has an INTERCHANGE_REJECTED finding).
 */
export function writtenInterchangeFromIsa(isaText: string, d: Delimiters, lineEnding: string): InterchangeInfo {
  const values = isaText.split(String.fromCharCode(d.element));
  const isa = new WrittenSegment(values, 0, 1, d);
  const findings = checkIsa(isa);
  return { ...writtenInterchange(d, lineEnding), isa, control: values[13] ?? '', rejected: findings.some((f) => f.ack?.level === 'interchange' && f.ack.reject), findings };
}

/** The transaction findings the framer adds to a well-formed ST of ours: only INTERCHANGE_REJECTED, in a rejected interchange. */
function framerFindings(ic: InterchangeInfo, st: Segment): Finding[] {
  if (!ic.rejected) return [];
  return [{ severity: 'error', code: 'INTERCHANGE_REJECTED', message: `interchange ${ic.control} was rejected (see its TA1); transaction set not accepted`, segment: 'ST', offset: st.offset, ordinal: st.ordinal, position: 1 }];
}
