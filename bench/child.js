// Runs ONE benchmark case in this process and prints its measurement as a JSON line on stdout
// (prefixed with RESULT_PREFIX). Started by run.js, one process per run, so peak RSS is per case.
//
//   node --expose-gc bench/child.js CASE_NAME INPUT_JSON
//
// INPUT_JSON: { file, truth: { bytes, interchanges, transactions, segments, segmentIds } }
// BENCH_DIST_URL (set by run.js): file URL of the dist/index.js snapshot that our cases import.

import { findCase, CHUNK_SIZE, RESULT_PREFIX } from './cases.js';

const MB = 1e6;

async function main() {
  const [name, inputJson] = process.argv.slice(2);
  if (!name || !inputJson) {
    console.error('usage: node bench/child.js CASE_NAME INPUT_JSON');
    process.exit(2);
  }
  const input = JSON.parse(inputJson);
  const benchCase = findCase(name);
  const notes = [];

  // Sample the memory breakdown while the case runs (the OS peak RSS is read at the end).
  const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peak.heapUsed) peak.heapUsed = m.heapUsed;
    if (m.heapTotal > peak.heapTotal) peak.heapTotal = m.heapTotal;
    if (m.external > peak.external) peak.external = m.external;
    if (m.arrayBuffers > peak.arrayBuffers) peak.arrayBuffers = m.arrayBuffers;
  };

  globalThis.gc?.();
  const rssBefore = process.memoryUsage.rss();
  const timer = setInterval(sample, 25);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await benchCase.run({ file: input.file, truth: input.truth, chunkSize: CHUNK_SIZE, notes });
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  // A case that prepares its input first (untimed) reports the seconds of its timed part.
  const wallS = typeof r.timedS === 'number' ? r.timedS : (t1 - t0) / 1000;
  const out = {
    case: name,
    file: input.file,
    bytes: r.bytes,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    mbPerS: r.bytes / MB / wallS,
    transactions: r.transactions ?? null,
    segments: r.segments ?? null,
    // process.resourceUsage().maxRSS is in KiB.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    startRssBytes: rssBefore,
    peakHeapUsedBytes: peak.heapUsed,
    peakHeapTotalBytes: peak.heapTotal,
    peakExternalBytes: peak.external,
    peakArrayBuffersBytes: peak.arrayBuffers,
    check: r.check ?? '',
    // Figures of a case that measures more than one thing (the archive scaling pairs).
    extra: r.extra ?? null,
    notes,
  };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(out) + '\n');
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
