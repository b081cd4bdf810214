import type { Finding } from '../x12/index.js';
import type { BatchResult, TransactionResult } from './batch.js';
import { NdjsonBytes } from './ndjson-bytes.js';
import { transactionReportLine } from './report-line.js';
import type { BatchWire } from './wire.js';

/** The result of a one-set batch whose worker died on it: the set is rejected, with the reason. */
export function crashedResult(batch: BatchWire, err: Error): BatchResult {
  const bytes = new Uint8Array(batch.bytes);
  const reports = new NdjsonBytes(1 << 12);
  const results: TransactionResult[] = batch.transactions.map((t) => {
    // The report gives the ST's offset: past the line break or indentation before it.
    let k = t.from;
    while (k < t.to && (bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x20 || bytes[k] === 0x09)) k++;
    const crash: Finding = { severity: 'error', code: 'WORKER_CRASHED', message: `the worker converting this transaction set died: ${err.message}` };
    const place = {
      offset: t.offset + (k - t.from),
      interchange: batch.interchanges.find((i) => i.key === t.interchange)?.control ?? '',
      group: batch.groups.find((g) => g.key === t.group)?.control ?? null,
      control: t.control,
      implementation: t.implementation,
    };
    return { converted: false, reportBytes: reports.add(transactionReportLine(batch.file, place, false, [...t.findings, crash])), validation: [] };
  });
  return { id: batch.id, out: new Uint8Array(0), reports: reports.take(), results };
}

/** The results of a batch's parts, as one batch result. */
export function mergeResults(id: number, parts: readonly BatchResult[]): BatchResult {
  return { id, out: Buffer.concat(parts.map((p) => p.out)), reports: Buffer.concat(parts.map((p) => p.reports)), results: parts.flatMap((p) => p.results) };
}
