/** The accounting of a run: every transaction set or bundle read is converted or rejected. */
export interface RunSummary {
  /** Inputs read (skipped ones not included). */
  files: number;
  /** Inputs skipped by --resume (their output was complete). */
  skipped: number;
  interchanges: number;
  /** Transaction sets, bundles and unreadable inputs read. */
  transactions: number;
  converted: number;
  rejected: number;
  /** Bytes read from the inputs (as stored: compressed for .gz). */
  bytes: number;
  seconds: number;
  /** Worker threads the run converted X12 in (0: on the main thread). */
  workers: number;
  /** How busy each worker was (0-1), at the end of the run. */
  workerBusy: number[];
}

export function emptySummary(): RunSummary {
  return { files: 0, skipped: 0, interchanges: 0, transactions: 0, converted: 0, rejected: 0, bytes: 0, seconds: 0, workers: 0, workerBusy: [] };
}

/** The summary line of `convert` on standard error. */
export function summaryText(s: RunSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const rate = s.seconds > 0 ? Math.round(s.transactions / s.seconds) : 0;
  const skipped = s.skipped > 0 ? ` (${n(s.skipped)} skipped: output complete)` : '';
  return (
    `x12pas convert: ${s.transactions} transaction set(s) read: ${s.converted} converted, ${s.rejected} rejected; ` +
    `${n(s.files)} file(s)${skipped}, ${n(s.interchanges)} interchange(s), ${n(s.bytes)} bytes in ${s.seconds.toFixed(2)} s (${n(rate)} transactions/s, ${s.workers === 0 ? 'no worker threads' : `${s.workers} worker thread(s)`})\n`
  );
}
