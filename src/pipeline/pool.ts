import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchResult, BatchSettings } from './batch.js';
import { crashedResult, mergeResults } from './crash.js';
import type { BatchWire } from './wire.js';

/** What each worker is started with. */
export interface WorkerConfig extends BatchSettings {
  /** URL of a module exporting `convertTransaction` to use instead of ours (tests, experiments). */
  readonly converter?: string;
}

interface Job {
  readonly batch: BatchWire;
  readonly resolve: (r: BatchResult) => void;
  readonly reject: (e: Error) => void;
}

/** The pool cannot run at all (workers die before doing anything). */
export class PoolBrokenError extends Error {
  override name = 'PoolBrokenError';
}

/**
 * Batches a worker holds at once: the one it converts and the next, already in its message
 * queue, so it never waits for the reading thread between two (with one, both workers of a
 * 2-core run waited 3% of the time: the reading thread, a third thread on two cores, was not
 * always scheduled when a batch came back).
 */
const PER_WORKER = 2;

/**
 * A pool of worker threads converting batches. Batches are posted as copies (structured clone of
 * one ArrayBuffer), so the main thread still holds a batch when the worker converting it dies:
 * the dead worker is replaced and the batch is tried again one transaction set per job, so a
 * set that kills its worker costs that set only (rejected with WORKER_CRASHED), not the run; the
 * batch queued behind it on that worker is posted again as it was.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  /** The jobs posted to each worker, in the order it converts them (the first is the one it is on). */
  private readonly posted = new Map<Worker, Job[]>();
  private readonly errors = new Map<Worker, Error>();
  /** Workers that finished starting (a worker dying before that is a broken setup, not a bad set). */
  private readonly ready = new Set<Worker>();
  private readonly queue: Job[] = [];
  private readonly utilization = new Map<Worker, number>();
  private closing = false;
  private deathsInARow = 0;
  private broken: PoolBrokenError | null = null;

  constructor(
    readonly size: number,
    private readonly config: WorkerConfig,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  /** Converts a batch; never rejects for a crash (those sets come back rejected), only when the pool is broken. */
  async run(batch: BatchWire): Promise<BatchResult> {
    try {
      return await this.attempt(batch);
    } catch (err) {
      if (err instanceof PoolBrokenError) throw err;
      if (batch.transactions.length <= 1) return crashedResult(batch, err as Error);
      const singles = batch.transactions.map((t) => ({ ...batch, transactions: [t] }));
      return mergeResults(batch.id, await Promise.all(singles.map((b) => this.run(b))));
    }
  }

  /**
   * How busy each live worker has been (0-1: the share of its life spent converting, not
   * waiting for a batch). Near 1 on every worker means the reader kept them fed: a run slower
   * than its worker count suggests was short of CPU, not of work.
   */
  workerUtilization(): number[] {
    return [...this.utilization.values()];
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private attempt(batch: BatchWire): Promise<BatchResult> {
    if (this.broken !== null) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.pump();
    });
  }

  /** Posts queued jobs to the workers holding the fewest, up to PER_WORKER each. */
  private pump(): void {
    while (this.queue.length > 0) {
      let best: Worker | null = null;
      let least = PER_WORKER;
      for (const w of this.workers) {
        const n = this.posted.get(w)!.length;
        if (n < least) {
          least = n;
          best = w;
        }
      }
      if (best === null) return;
      const job = this.queue.shift()!;
      this.posted.get(best)!.push(job);
      best.postMessage(job.batch);
    }
  }

  private spawn(): void {
    const w = new Worker(workerUrl(), { workerData: this.config, resourceLimits: WORKER_LIMITS });
    w.on('message', (r: BatchResult | typeof READY) => {
      if (r === READY) {
        this.ready.add(w);
        this.deathsInARow = 0;
        return;
      }
      const job = this.posted.get(w)?.shift();
      if (r.busy !== undefined) this.utilization.set(w, r.busy);
      job?.resolve(r);
      this.pump();
    });
    w.on('error', (err) => this.errors.set(w, err));
    w.on('exit', (code) => {
      this.utilization.delete(w);
      // The job it was converting, and the ones queued behind it (posted again, first in line).
      const [job, ...behind] = this.posted.get(w) ?? [];
      this.posted.delete(w);
      const at = this.workers.indexOf(w);
      if (at >= 0) this.workers.splice(at, 1);
      this.queue.unshift(...behind);
      if (this.closing) return;
      const err = this.errors.get(w) ?? new Error(`worker exited with code ${code}`);
      this.errors.delete(w);
      if (!this.ready.delete(w) && ++this.deathsInARow > this.size + 2) {
        this.broken = new PoolBrokenError(`pipeline workers die before converting anything: ${err.message}`);
        job?.reject(this.broken);
        for (const j of this.queue.splice(0)) j.reject(this.broken);
        return;
      }
      this.spawn();
      job?.reject(err);
      this.pump();
    });
    this.workers.push(w);
    this.posted.set(w, []);
  }
}

/**
 * Each worker's heap is bounded: young generation 16 MB (V8's default lets it reach about 48 MB)
 * and old generation 128 MB (a worker's live data is 20-35 MB: tables, grammar, one batch). Left
 * to V8's growth heuristics the two workers' heaps kept growing: peak RSS of `convert` with two
 * workers on the 200 MB bench file was 297-322 MB, with these limits 222 MB, and 317 MB on the
 * 1 GB file with the young generation capped alone. No CPU time was measurably lost; a young
 * generation of 8 MB did cost time (more scavenges).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } as const;

/** What a worker posts once it is set up. */
export const READY = 'ready';

/** The compiled worker (dist/pipeline/worker.js), also when this module runs from its TypeScript source. */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/pipeline/worker.js', import.meta.url);
}

