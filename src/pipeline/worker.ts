// A pipeline worker: rebuilds each batch's transaction sets from their bytes, converts them and
// sends back the bundles' NDJSON bytes (transferred, not copied) and one result per set.
import { parentPort, workerData } from 'node:worker_threads';
import { convertBatch } from './batch.js';
import { convertTransaction, type TransactionConverter } from './convert-transaction.js';
import { READY, type WorkerConfig } from './pool.js';
import type { BatchWire } from './wire.js';
import { BatchUnpacker } from './wire-transaction.js';
import { NdjsonBytes } from './ndjson-bytes.js';

const config = workerData as WorkerConfig;
const convert: TransactionConverter =
  config.converter !== undefined ? ((await import(config.converter)) as { convertTransaction: TransactionConverter }).convertTransaction : convertTransaction;
const unpacker = new BatchUnpacker();
const lines = new NdjsonBytes();
const reports = new NdjsonBytes(1 << 17);
const port = parentPort!;

port.on('message', (batch: BatchWire) => {
  const results = convertBatch(batch.file, unpacker.unpack(batch), convert, config, lines, reports);
  const out = lines.take();
  const rep = reports.take();
  // With each result, the share of its life this worker has spent working (not waiting for a batch).
  const busy = performance.eventLoopUtilization().utilization;
  port.postMessage({ id: batch.id, out, reports: rep, results, busy }, [out.buffer as ArrayBuffer, rep.buffer as ArrayBuffer]);
});
port.postMessage(READY);
