import type { Finding } from '../x12/index.js';

/** Where a transaction set stands in the input, for its report line. */
export interface TransactionPlace {
  /** Byte offset of its ST in the file. */
  readonly offset: number;
  /** ISA13 */
  readonly interchange: string;
  /** GS06 (null outside any group) */
  readonly group: string | null;
  /** ST02 */
  readonly control: string;
  readonly implementation: string;
}

/**
 * One report line of `convert` for a transaction set: where it is (file, byte offset,
 * ISA13/GS06/ST02), whether it was converted, and its findings.
 */
export function transactionReportLine(file: string, at: TransactionPlace, converted: boolean, findings: readonly Finding[]): string {
  return JSON.stringify({
    file,
    offset: at.offset,
    interchange: at.interchange,
    group: at.group,
    control: at.control,
    implementation: at.implementation,
    status: converted ? 'converted' : 'rejected',
    findings: withoutAck(findings),
  });
}

/**
 * Codes of an input (or the rest of one) not converted as a whole: neither X12 nor FHIR JSON, of
 * the wrong kind for the output, unreadable (cannot be opened or listed: a dangling link, a link
 * loop, a directory where a file was expected), not a regular file, a gzip stream that is
 * corrupt or cut short, or another read error.
 */
export type InputProblemCode = 'NOT_X12_OR_FHIR' | 'MIXED_OUTPUT' | 'UNREADABLE_INPUT' | 'NOT_A_FILE' | 'CORRUPT_GZIP' | 'READ_ERROR';

/** The report line of an input not converted as a whole (counted as one rejected input). */
export function unreadableReportLine(file: string, code: InputProblemCode, message: string): string {
  return JSON.stringify({ file, offset: 0, status: 'rejected', findings: [{ severity: 'error', code, message }] });
}

/**
 * Findings are written without their acknowledgment routing (that goes into the TA1/999). Copies
 * are made only when one has it: most report lines are a converted set's warnings, which have none,
 * and a replacer function would run for every key of every line.
 */
function withoutAck(findings: readonly Finding[]): readonly Finding[] {
  if (!findings.some((f) => f.ack !== undefined)) return findings;
  return findings.map((f) => {
    if (f.ack === undefined) return f;
    const { ack: _ack, ...rest } = f;
    return rest;
  });
}
