import type { Finding, TransactionSet } from '../x12/index.js';
import type { ConvertOptions, TransactionConverter, TransactionOutcome } from './convert-transaction.js';
import { transactionReportLine } from './report-line.js';

/** One transaction set's verdict as it comes back from a worker. */
export interface TransactionResult {
  readonly converted: boolean;
  /** Bytes of its report line in the batch's `reports` (newline included); 0 when it has none. */
  readonly reportBytes: number;
  /** The grammar check's findings, for its 999 (only when acknowledgments are written). */
  readonly validation: Finding[] | null;
}

/**
 * A converted batch: the bundles' NDJSON lines, the report lines of the sets that have one (each
 * line with its newline, in order) and one result per set, in order.
 */
export interface BatchResult {
  readonly id: number;
  readonly out: Uint8Array;
  readonly reports: Uint8Array;
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

/** A transaction set that can drop what it built of itself once converted (a worker's: its split segments). */
export type BatchTransaction = TransactionSet & { release?(): void };

/** Where a batch's lines go as they are made: `add` returns the bytes it took (newline included). */
export interface LineSink {
  add(line: string): number;
}

/**
 * Converts a batch of transaction sets, one at a time, adding each bundle's NDJSON line to `out`
 * and each report line to `reports` as soon as it is made; a set whose conversion throws is
 * rejected with an INTERNAL_ERROR finding (the rest of the batch goes on).
 */
export function convertBatch(file: string, txs: readonly BatchTransaction[], convert: TransactionConverter, s: BatchSettings, out: LineSink, reports: LineSink): TransactionResult[] {
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
    if (converted) out.add(r.line!);
    const reportBytes = !converted || r.findings.length > 0 ? reports.add(transactionReportLine(file, placeOf(tx), converted, r.findings)) : 0;
    tx.release?.();
    results.push({ converted, reportBytes, validation: s.ack ? r.validation : null });
  }
  return results;
}

function placeOf(tx: TransactionSet): { offset: number; interchange: string; group: string | null; control: string; implementation: string } {
  return { offset: tx.segments[0]?.offset ?? 0, interchange: tx.interchange.control, group: tx.group?.control ?? null, control: tx.control, implementation: tx.implementation };
}
