import { readX12, type Finding, type TransactionSet, type X12Event } from '../x12/index.js';
import { convertBatch, type BatchResult, type BatchSettings } from './batch.js';
import { convertTransaction, type TransactionConverter } from './convert-transaction.js';
import { WorkerPool, type WorkerConfig } from './pool.js';
import { NdjsonBytes } from './ndjson-bytes.js';
import { BatchPacker } from './wire.js';

/** Where the results of one input go, in input order. */
export interface ConversionSink {
  /** NDJSON lines of converted bundles (each ends with a newline). */
  bundles(out: Uint8Array): Promise<void> | void;
  /** Report lines of transaction sets (each ends with a newline), in order among the envelope events. */
  reports(lines: Uint8Array): Promise<void> | void;
  /** A transaction set's verdict (its report line comes through `reports`). */
  transaction(tx: TransactionSet, converted: boolean, validation: Finding[] | null): Promise<void> | void;
  /** Group and interchange ends, and findings tied to no transaction set. */
  envelope(ev: Exclude<X12Event, { kind: 'transaction' }>): Promise<void> | void;
}

export interface EngineOptions extends WorkerConfig {
  /** Worker threads; 0 converts on the main thread. */
  readonly workers: number;
  /** Transaction sets per batch (default 64). */
  readonly batchSize?: number;
  /** Batches in flight per worker before reading waits (default 4). */
  readonly depth?: number;
}

/** Counts of one input. */
export interface StreamCounts {
  bytes: number;
  interchanges: number;
  transactions: number;
  converted: number;
  rejected: number;
}

type Entry = { kind: 'transaction'; tx: TransactionSet } | { kind: 'event'; ev: Exclude<X12Event, { kind: 'transaction' }> };

/** Entries of the input in order, and the conversion of their transaction sets once it is done. */
interface Pending {
  readonly entries: Entry[];
  readonly promise: Promise<BatchResult | null>;
  result: BatchResult | null | undefined;
}

/**
 * The streaming core of `convert`: the main thread reads and frames transaction sets and hands
 * them in batches to worker threads (or converts them itself with `workers: 0`); results reach
 * the sink in input order. At most `workers x depth` batches are in flight, and the sink's
 * writes are awaited, so a slow output slows the reading and memory stays flat.
 */
export class ConversionEngine {
  private readonly pool: WorkerPool | null;
  /** The converter of `workers: 0` (a module given as `converter` is used by workers only). */
  private readonly convert: TransactionConverter = convertTransaction;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly settings: BatchSettings;
  /** The bundles' and report lines of `workers: 0`. */
  private readonly lines = new NdjsonBytes();
  private readonly reportLines = new NdjsonBytes(1 << 17);
  private nextId = 1;
  /** Transaction sets handed to sinks so far, over every run (for a progress line). */
  consumed = 0;
  /** One for the whole run: the keys it gives interchanges and groups are what workers know them by. */
  private readonly packer: BatchPacker | null;

  constructor(private readonly options: EngineOptions) {
    this.pool = options.workers > 0 ? new WorkerPool(options.workers, { options: options.options, ack: options.ack, ...(options.converter !== undefined ? { converter: options.converter } : {}) }) : null;
    this.packer = this.pool !== null ? new BatchPacker() : null;
    this.batchSize = options.batchSize ?? 64;
    this.maxPending = Math.max(1, options.workers) * (options.depth ?? 4);
    this.settings = { options: options.options, ack: options.ack };
  }

  /** See WorkerPool.workerUtilization (empty with no workers). */
  workerUtilization(): number[] {
    return this.pool?.workerUtilization() ?? [];
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** Reads one X12 byte stream to its end; resolves once the sink has everything of it. */
  async run(source: AsyncIterable<Uint8Array>, file: string, sink: ConversionSink): Promise<StreamCounts> {
    const queue: Pending[] = [];
    const counts: StreamCounts = { bytes: 0, interchanges: 0, transactions: 0, converted: 0, rejected: 0 };
    const packer = this.packer;
    let txs: TransactionSet[] = [];
    let entries: Entry[] = [];

    const consume = async (p: Pending): Promise<void> => {
      const r = p.result ?? null;
      if (r !== null && r.out.length > 0) await sink.bundles(r.out);
      // Report lines go out in runs: the sets' between two envelope events in one write.
      let k = 0;
      let from = 0;
      let to = 0;
      for (const e of p.entries) {
        if (e.kind === 'event') {
          if (to > from) {
            await sink.reports(r!.reports.subarray(from, to));
            from = to;
          }
          await sink.envelope(e.ev);
          continue;
        }
        const t = r!.results[k++]!;
        to += t.reportBytes;
        this.consumed++;
        if (t.converted) counts.converted++;
        else counts.rejected++;
        await sink.transaction(e.tx, t.converted, t.validation);
      }
      if (to > from) await sink.reports(r!.reports.subarray(from, to));
    };
    const settle = async (all: boolean): Promise<void> => {
      while (queue.length > 0 && (all || queue[0]!.result !== undefined || queue.length > this.maxPending)) {
        const head = queue[0]!;
        if (head.result === undefined) head.result = await head.promise;
        queue.shift();
        await consume(head);
      }
    };
    const dispatch = (): void => {
      if (entries.length === 0) return;
      let p: Pending;
      if (packer !== null && txs.length > 0) {
        const promise = this.pool!.run(packer.take(this.nextId++, file));
        const pending: Pending = { entries, promise, result: undefined };
        promise.then((r) => (pending.result = r), () => {});
        p = pending;
      } else {
        let result: BatchResult | null = null;
        if (txs.length > 0) {
          const results = convertBatch(file, txs, this.convert, this.settings, this.lines, this.reportLines);
          result = { id: this.nextId++, out: this.lines.take(), reports: this.reportLines.take(), results };
        }
        p = { entries, promise: Promise.resolve(result), result };
      }
      queue.push(p);
      entries = [];
      txs = [];
    };
    const counted = (async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        counts.bytes += chunk.length;
        yield chunk;
      }
    })();
    for await (const ev of readX12(counted)) {
      if (ev.kind === 'transaction') {
        const tx = ev.transaction;
        counts.transactions++;
        txs.push(tx);
        entries.push({ kind: 'transaction', tx: packer !== null ? stub(tx) : tx });
        packer?.add(tx);
        if (entries.length >= this.batchSize) {
          dispatch();
          await settle(false);
        }
      } else {
        if (ev.kind === 'interchange-end') counts.interchanges++;
        entries.push({ kind: 'event', ev });
      }
    }
    dispatch();
    await settle(true);
    return counts;
  }
}

/**
 * What the sink needs of a set converted in a worker: its envelope, control numbers and framer
 * findings (for the 999), not its bytes, so the read chunks it points into can be dropped.
 */
function stub(tx: TransactionSet): TransactionSet {
  return {
    index: tx.index,
    interchange: tx.interchange,
    group: tx.group,
    type: tx.type,
    control: tx.control,
    implementation: tx.implementation,
    segments: [],
    segmentCount: tx.segmentCount,
    findings: tx.findings,
    accepted: tx.accepted,
  };
}
