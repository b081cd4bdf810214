import type { Finding, TransactionSet } from '../x12/index.js';
import type { ConvertOptions, TransactionConverter, TransactionOutcome } from './convert-transaction.js';
import { transactionReportLine } from './report-line.js';

/** One transaction set's verdict as it comes back from a worker. */
export interface TransactionResult {
  readonly converted: boolean;
  /** Its report line, when it was rejected or something in it is reported. */
  readonly report: string | null;
  /** The grammar check's findings, for its 999 (only when acknowledgments are written). */
  readonly validation: Finding[] | null;
}

/** A converted batch: the bundles' NDJSON lines (newline after each) and one result per set, in order. */
export interface BatchResult {
  readonly id: number;
  readonly out: Uint8Array | string;
  readonly results: TransactionResult[];
  /** From a worker: the share of its life it has spent converting, so far. */
  readonly busy?: number;
}

/** What every batch of a run is converted with. */
export interface BatchSettings {
  readonly options: ConvertOptions;
  /** Keep each set's grammar findings for its acknowledgment. */
  readonly ack: boolean;
}

/**
 * Converts a batch of transaction sets, one at a time; a set whose conversion throws is
 * rejected with an INTERNAL_ERROR finding (the rest of the batch goes on).
 */
export function convertBatch(id: number, file: string, txs: readonly TransactionSet[], convert: TransactionConverter, s: BatchSettings): { id: number; lines: string[]; results: TransactionResult[] } {
  const lines: string[] = [];
  const results: TransactionResult[] = [];
  for (const tx of txs) {
    let r: TransactionOutcome;
    try {
      r = convert(tx, s.options);
    } catch (err) {
      const e = err as Error;
      r = { line: null, findings: [...tx.findings, { severity: 'error', code: 'INTERNAL_ERROR', message: `conversion failed: ${e?.stack?.split('\n', 2).join(' ') ?? String(err)}` }], validation: [] };
    }
    const converted = r.line !== null;
    if (converted) lines.push(r.line!);
    const report = !converted || r.findings.length > 0 ? transactionReportLine(file, placeOf(tx), converted, r.findings) : null;
    results.push({ converted, report, validation: s.ack ? r.validation : null });
  }
  return { id, lines, results };
}

function placeOf(tx: TransactionSet): { offset: number; interchange: string; group: string | null; control: string; implementation: string } {
  return { offset: tx.segments[0]?.offset ?? 0, interchange: tx.interchange.control, group: tx.group?.control ?? null, control: tx.control, implementation: tx.implementation };
}
