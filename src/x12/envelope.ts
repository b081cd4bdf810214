import type { Delimiters } from './delimiters.js';
import type { Finding } from './finding.js';
import type { Segment } from './segment.js';

/** One interchange (ISA ... IEA), shared by the transactions inside it. */
export interface InterchangeInfo {
  /** 1-based ordinal of the interchange in the input. */
  readonly index: number;
  readonly isa: Segment;
  /** ISA13 */
  readonly control: string;
  /** ISA05 / ISA06 (trimmed) */
  readonly senderQualifier: string;
  readonly sender: string;
  /** ISA07 / ISA08 (trimmed) */
  readonly receiverQualifier: string;
  readonly receiver: string;
  /** ISA09 (YYMMDD) and ISA10 (HHMM) */
  readonly date: string;
  readonly time: string;
  /** ISA12 */
  readonly version: string;
  /** ISA14 = 1 */
  readonly ackRequested: boolean;
  /** ISA15: P production, T test, I information */
  readonly usage: string;
  readonly delimiters: Delimiters;
  /** What follows each segment terminator: '', '\n' or '\r\n' (read from the segment after ISA). */
  lineEnding: string;
  /** True when the header had errors: nothing inside is accepted (TA1 R). */
  rejected: boolean;
  /** Interchange-level findings (header and trailer). */
  readonly findings: Finding[];
  /** Functional groups seen so far. */
  groupCount: number;
  /** False once IEA (or a forced end) closed it. */
  open: boolean;
}

/** One functional group (GS ... GE). */
export interface GroupInfo {
  readonly index: number;
  readonly interchange: InterchangeInfo;
  readonly gs: Segment;
  /** GS01 */
  readonly functionalId: string;
  /** GS02 / GS03 */
  readonly sender: string;
  readonly receiver: string;
  /** GS04 (CCYYMMDD) / GS05 (HHMM[SS[d..]]) */
  readonly date: string;
  readonly time: string;
  /** GS06 */
  readonly control: string;
  /** GS07 */
  readonly agency: string;
  /** GS08, e.g. 005010X217 */
  readonly version: string;
  /** Transaction sets seen so far (ST count). */
  transactionCount: number;
  /** GE01 as a number, once GE is read (null while open, when missing or not a number). */
  declaredCount: number | null;
  /** Transaction sets that were accepted (for AK9). */
  acceptedCount: number;
  readonly findings: Finding[];
  open: boolean;
}

/** One transaction set (ST ... SE) with its envelope context and what the x12 layer found. */
export interface TransactionSet {
  /** 1-based ordinal of the transaction set in the input. */
  readonly index: number;
  readonly interchange: InterchangeInfo;
  /** Null for an ST outside any functional group (always rejected). */
  readonly group: GroupInfo | null;
  /** ST01, e.g. 278 */
  readonly type: string;
  /** ST02 */
  readonly control: string;
  /** ST03, or GS08 when ST03 is empty. */
  readonly implementation: string;
  /** ST through SE (or through the last segment when SE is missing). */
  readonly segments: Segment[];
  /** Number of segments seen from ST to SE (may exceed segments.length when oversize). */
  readonly segmentCount: number;
  readonly findings: Finding[];
  /** False when any finding has severity error: the transaction is rejected. */
  accepted: boolean;
}

export type X12Event =
  | { kind: 'transaction'; transaction: TransactionSet }
  | { kind: 'group-end'; group: GroupInfo }
  | { kind: 'interchange-end'; interchange: InterchangeInfo }
  | { kind: 'finding'; finding: Finding };
