import type { InputFile } from './inputs.js';

/**
 * Inputs smaller than this in all convert on the main thread by default: starting worker
 * threads (and the child process that runs them under --single-threaded-gc) and warming up the
 * JIT in each costs more than they save. On the 2-core bench machine, generated 278 files: 1 MB
 * 0.89 s with no worker vs 1.19 s with two, 4 MB 1.71 vs 1.92 s, 8 MB about even, 16 MB 3.76
 * vs 3.23 s.
 */
export const SMALL_INPUT_BYTES = 4_000_000;

/** A gzipped X12 or NDJSON file holds about this many times its size. */
const GZIP_GROWTH = 10;

/**
 * The worker count `convert` uses when none is asked for: none for a small run (every input a
 * file, `.gz` counted at its likely unzipped size, all together under SMALL_INPUT_BYTES), else
 * one per core. Standard input counts as large: its size is not known in advance.
 */
export function defaultWorkers(inputs: readonly InputFile[], cores: number): number {
  let total = 0;
  for (const i of inputs) {
    if (i.path === '-') return cores;
    total += /\.gz$/i.test(i.path) ? i.size * GZIP_GROWTH : i.size;
    if (total >= SMALL_INPUT_BYTES) return cores;
  }
  return 0;
}
