// A pipeline worker: rebuilds each batch's transaction sets from their bytes, converts them and
// sends back the bundles' NDJSON bytes (transferred, not copied) and one result per set.
import { parentPort, workerData } from 'node:worker_threads';
import { convertBatch } from './batch.js';
import { convertTransaction, type TransactionConverter } from './convert-transaction.js';
import { READY, type WorkerConfig } from './pool.js';
import type { BatchWire } from './wire.js';
import { BatchUnpacker } from './wire-transaction.js';

const config = workerData as WorkerConfig;
const convert: TransactionConverter =
  config.converter !== undefined ? ((await import(config.converter)) as { convertTransaction: TransactionConverter }).convertTransaction : convertTransaction;
const unpacker = new BatchUnpacker();
const encoder = new TextEncoder();
const port = parentPort!;

port.on('message', (batch: BatchWire) => {
  const r = convertBatch(batch.id, batch.file, unpacker.unpack(batch), convert, config);
  const out = encoder.encode(r.lines.length > 0 ? r.lines.join('\n') + '\n' : '');
  // With each result, the share of its life this worker has spent working (not waiting for a batch).
  const busy = performance.eventLoopUtilization().utilization;
  port.postMessage({ id: r.id, out, results: r.results, busy }, [out.buffer]);
});
port.postMessage(READY);
