// The benchmark case registry. Each case runs in a child process of its own (bench/child.js), so
// its peak RSS is its own; run.js decides which input files each case gets and how many times.
//
// To add a row (e.g. an end-to-end X12 -> PAS case): append an entry to `cases` with
//   name         unique id, also the row label in RESULTS.md
//   description  one line for RESULTS.md
//   kind         'baseline' | 'ours' | 'peer' (peers are the libraries we compare against)
//   runs         [{ input, reps }]: input is one of run.js's inputs ('main', 'large', 'slice', 'convert',
//                'bundles' (PAS NDJSON of 'convert'), 'inquiry' ('convert' as X215), 'responses'
//                (X217 responses to 'convert'), 'inquiry-bundles' and 'response-bundles' (PAS NDJSON
//                of those two), 'peer'); reps > 1 reports the median run
//   nodeFlags    optional V8/node flags the case's child runs under
//   frames       true when the case itself frames transaction sets (its transaction count is
//                measured); false when transactions/s is derived from the input's known density
//   run(ctx)     async; ctx = { file, truth, chunkSize, notes }; imports what it needs lazily
//                (so other cases' modules do not count in its RSS); returns
//                { bytes, transactions?, segments?, check? } where `check` is a short text for
//                the report. Throw to fail the case loudly.
// `truth` is the sidecar of the input: { bytes, interchanges, transactions, segments, segmentIds }.

import { createReadStream, readFileSync } from 'node:fs';

/** Marks the child's result line on stdout (see child.js). */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Read-stream chunk size used by every streaming case. */
export const CHUNK_SIZE = 1 << 20;

/**
 * Streams `file` in CHUNK_SIZE chunks, calling onChunk for each; resolves when done.
 * @param {string} file
 * @param {(chunk: Buffer) => void} onChunk
 * @returns {Promise<void>}
 */
function streamFile(file, onChunk) {
  return new Promise((resolve, reject) => {
    const rs = createReadStream(file, { highWaterMark: CHUNK_SIZE });
    rs.on('data', onChunk);
    rs.on('error', reject);
    rs.on('end', resolve);
  });
}

/**
 * Streams `file` and calls onLine with each non-empty line (text, without its newline).
 * @param {string} file
 * @param {(line: string) => void} onLine
 * @returns {Promise<{ bytes: number, lines: number }>}
 */
async function streamLines(file, onLine) {
  let bytes = 0;
  let lines = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_SIZE, encoding: 'utf8' })) {
    bytes += Buffer.byteLength(chunk);
    let text = rest + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      if (nl > from) {
        lines++;
        onLine(text.slice(from, nl));
      }
      from = nl + 1;
    }
    rest = text.slice(from);
    text = '';
  }
  if (rest.length > 0) {
    lines++;
    onLine(rest);
  }
  return { bytes, lines };
}

/**
 * Pipes `file` into a Transform stream that emits one object per segment; counts them by id.
 * @param {string} file
 * @param {import('node:stream').Transform} parser
 * @param {(seg: any) => string} idOf the segment id of an emitted object
 * @returns {Promise<{ bytes: number, segments: number, ids: Map<string, number> }>}
 */
function pipeAndCount(file, parser, idOf) {
  return new Promise((resolve, reject) => {
    const rs = createReadStream(file, { highWaterMark: CHUNK_SIZE });
    let bytes = 0;
    let segments = 0;
    const ids = new Map();
    rs.on('data', (c) => {
      bytes += c.length;
    });
    rs.on('error', reject);
    parser.on('error', reject);
    parser.on('data', (seg) => {
      segments++;
      const id = idOf(seg);
      ids.set(id, (ids.get(id) ?? 0) + 1);
    });
    parser.on('end', () => resolve({ bytes, segments, ids }));
    rs.pipe(parser);
  });
}

/** "4148221 vs truth 4148221 (exact)" / "... (+3)" */
function versus(got, truth) {
  const d = got - truth;
  return `${got} vs truth ${truth} (${d === 0 ? 'exact' : (d > 0 ? '+' : '') + d})`;
}

/**
 * Compares emitted segment ids with the generator's histogram. A segment that a parser garbles
 * usually shows up under another id (or a bad one): `missing` counts segments absent from their
 * true id, a lower bound of the segments lost or corrupted.
 * @param {Map<string, number>} got
 * @param {Record<string, number>} truth
 */
function idCheck(got, truth) {
  let missing = 0;
  let extra = 0;
  const keys = new Set([...got.keys(), ...Object.keys(truth)]);
  for (const k of keys) {
    const d = (got.get(k) ?? 0) - (truth[k] ?? 0);
    if (d < 0) missing -= d;
    else extra += d;
  }
  if (missing === 0 && extra === 0) return 'segment ids match truth';
  return `segment ids vs truth: ${missing} missing, ${extra} extra (>= ${Math.max(missing, extra)} segments lost or corrupted)`;
}

/** Check text of a segment-counting peer. */
function peerCheck(r, truth) {
  return `segments ${versus(r.segments, truth.segments)}; ST ${versus(r.ids.get('ST') ?? 0, truth.transactions)}; ${idCheck(r.ids, truth.segmentIds)}`;
}

/** @typedef {{ bytes: number, interchanges: number, transactions: number, segments: number, segmentIds: Record<string, number> }} Truth */
/** @typedef {{ file: string, truth: Truth, chunkSize: number, notes: string[] }} CaseContext */
/** @typedef {{ bytes: number, transactions?: number, segments?: number, check?: string }} CaseResult */
/** @typedef {{ name: string, description: string, kind: 'baseline'|'ours'|'peer', frames: boolean, runs: { input: string, reps: number }[], run: (ctx: CaseContext) => Promise<CaseResult> }} BenchCase */

const INQUIRY_BUNDLE = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-inquiry-request-bundle';

/**
 * An end-to-end X12 -> PAS case: stream the input, frame it, `convert` each transaction set to a
 * bundle (null: not converted) and JSON.stringify it; every set framed must convert.
 * @param {{ name: string, description: string, inputs: string[], what: string, convert: (mapping: any, tx: any) => unknown }} spec
 * @returns {BenchCase}
 */
function convertCase({ name, description, inputs, what, convert }) {
  return {
    name,
    description,
    kind: 'ours',
    frames: true,
    runs: inputs.map((input) => ({ input, reps: 1 })),
    async run({ file, truth }) {
      const { X12Reader, mapping } = await import(process.env.BENCH_DIST_URL ?? '../dist/index.js');
      let transactions = 0;
      let converted = 0;
      let outBytes = 0;
      const reader = new X12Reader({
        transaction(tx) {
          transactions++;
          const bundle = convert(mapping, tx);
          if (bundle !== null) {
            converted++;
            outBytes += JSON.stringify(bundle).length;
          }
        },
        groupEnd() {},
        interchangeEnd() {},
        finding() {},
      });
      await streamFile(file, (c) => reader.push(c));
      reader.end();
      const s = reader.stats;
      if (transactions !== truth.transactions) throw new Error(`${name}: ${transactions} transactions framed, expected ${truth.transactions}`);
      if (converted !== transactions) throw new Error(`${name}: only ${converted} of ${transactions} transaction sets converted`);
      return { bytes: s.bytes, transactions, segments: s.segments, check: `${converted} ${what}, ${(outBytes / converted / 1000).toFixed(1)} kB each on average` };
    },
  };
}

/** @type {BenchCase[]} */
export const cases = [
  {
    name: 'read',
    description: 'fs.createReadStream (1 MiB chunks), sum of chunk lengths: the I/O ceiling',
    kind: 'baseline',
    frames: false,
    runs: [
      { input: 'main', reps: 3 },
      { input: 'large', reps: 1 },
    ],
    async run({ file, truth }) {
      let bytes = 0;
      await streamFile(file, (c) => {
        bytes += c.length;
      });
      if (bytes !== truth.bytes) throw new Error(`read ${bytes} bytes, the file has ${truth.bytes}`);
      return { bytes, check: 'bytes match' };
    },
  },
  {
    name: 'cpu-reference',
    description: 'reference workload for this machine\'s speed: read as above, then find every "~" with Buffer.indexOf (the least work any X12 reader does per segment); x12pas is also reported as a ratio to it',
    kind: 'baseline',
    frames: false,
    runs: [{ input: 'main', reps: 3 }],
    async run({ file, truth }) {
      let bytes = 0;
      let terminators = 0;
      await streamFile(file, (c) => {
        bytes += c.length;
        for (let i = c.indexOf(0x7e); i >= 0; i = c.indexOf(0x7e, i + 1)) terminators++;
      });
      if (bytes !== truth.bytes) throw new Error(`read ${bytes} bytes, the file has ${truth.bytes}`);
      return { bytes, segments: terminators, check: `${terminators} "~" found` };
    },
  },
  {
    name: 'x12pas-tokenize-frame',
    description: 'x12pas X12Reader: tokenize + envelope framing (sink counts transactions; elements() never called)',
    kind: 'ours',
    frames: true,
    runs: [
      { input: 'main', reps: 3 },
      { input: 'large', reps: 1 },
    ],
    async run({ file, truth }) {
      // run.js points BENCH_DIST_URL at a snapshot of dist/ taken when the run started, so a
      // concurrent rebuild cannot change (or break) the code between runs.
      const { X12Reader } = await import(process.env.BENCH_DIST_URL ?? '../dist/index.js');
      let transactions = 0;
      let findings = 0;
      const reader = new X12Reader({
        transaction() {
          transactions++;
        },
        groupEnd() {},
        interchangeEnd() {},
        finding() {
          findings++;
        },
      });
      await streamFile(file, (c) => reader.push(c));
      reader.end();
      const s = reader.stats;
      const problems = [];
      if (s.rejected !== 0) problems.push(`${s.rejected} transaction sets rejected`);
      if (transactions !== truth.transactions) problems.push(`${transactions} transactions framed, generator wrote ${truth.transactions}`);
      if (s.segments !== truth.segments) problems.push(`${s.segments} segments, generator wrote ${truth.segments}`);
      if (s.interchanges !== truth.interchanges) problems.push(`${s.interchanges} interchanges, generator wrote ${truth.interchanges}`);
      if (s.bytes !== truth.bytes) problems.push(`${s.bytes} bytes read, file has ${truth.bytes}`);
      if (findings !== 0) problems.push(`${findings} findings outside interchanges`);
      if (problems.length > 0) throw new Error(`x12pas-tokenize-frame check failed: ${problems.join('; ')}`);
      return { bytes: s.bytes, transactions, segments: s.segments, check: `transactions, segments exact; 0 rejected` };
    },
  },
  convertCase({
    name: 'x12pas-convert-request',
    description: 'x12pas end to end: read + frame + grammar + X217 request -> PAS Request Bundle (mapping rows) + JSON.stringify, one bundle per transaction set; start-up and JIT warm-up included (the slice row shows how much they weigh in a short run)',
    inputs: ['slice', 'convert'],
    what: 'bundles',
    convert: (mapping, tx) => mapping.requestToBundle(tx, { pasVersion: '2.2.1' }).bundle,
  }),
  convertCase({
    name: 'x12pas-convert-inquiry',
    description: 'x12pas end to end for X215 inquiries: read + frame + grammar + inquiry -> PAS Inquiry Request Bundle (the request rows against the X215 grammar) + JSON.stringify; start-up included',
    inputs: ['inquiry'],
    what: 'inquiry bundles',
    convert: (mapping, tx) => {
      const b = mapping.requestToBundle(tx, { pasVersion: '2.2.1' }).bundle;
      return b !== null && b.meta.profile[0] === INQUIRY_BUNDLE ? b : null;
    },
  }),
  convertCase({
    name: 'x12pas-convert-response',
    description: 'x12pas end to end for X217 responses: read + frame + grammar + response -> PAS Response Bundle (mappings/response rows, HCR decisions) + JSON.stringify; start-up included',
    inputs: ['responses'],
    what: 'response bundles',
    convert: (mapping, tx) => mapping.responseToBundle(tx, { pasVersion: '2.2.1' }).bundle,
  }),
  {
    name: 'x12pas-pas-to-x12',
    description: 'x12pas PAS -> X12: NDJSON file of PAS Request Bundles streamed -> JSON.parse + each bundle checked, taken apart and written as it is parsed (what `convert` does; only the written segments wait for the interchange) + X217 grammar check of every written segment + interchange text, 500 bundles per interchange; start-up included',
    kind: 'ours',
    frames: true,
    runs: [{ input: 'bundles', reps: 1 }],
    async run({ file, truth }) {
      const { mapping } = await import(process.env.BENCH_DIST_URL ?? '../dist/index.js');
      const interchange = new mapping.RequestInterchange({ now: () => new Date(0) });
      let converted = 0;
      let outBytes = 0;
      const flush = () => {
        const r = interchange.finish();
        for (const o of r.outcomes) if (o.status === 'converted') converted++;
        outBytes += r.text.length;
      };
      const { bytes, lines } = await streamLines(file, (line) => {
        interchange.add(JSON.parse(line));
        if (interchange.size === 500) flush();
      });
      if (interchange.size > 0) flush();
      if (lines !== truth.transactions) throw new Error(`x12pas-pas-to-x12: ${lines} lines, expected ${truth.transactions} bundles`);
      if (converted !== lines) throw new Error(`x12pas-pas-to-x12: only ${converted} of ${lines} bundles written`);
      return { bytes, transactions: converted, check: `${converted} bundles (${(bytes / lines / 1000).toFixed(1)} kB each) -> ${(outBytes / 1e6).toFixed(1)} MB of X12; bytes = NDJSON in` };
    },
  },
  {
    name: 'x12pas-pas-to-x12-response',
    description: 'x12pas PAS -> X12 for responses: NDJSON file of PAS Response Bundles streamed -> JSON.parse + bundle taken apart + response rows written + X217 grammar check of what was written + interchange text, one interchange per bundle (as the CLI and the gateway write them); start-up included',
    kind: 'ours',
    frames: true,
    runs: [{ input: 'response-bundles', reps: 1 }],
    async run({ file, truth }) {
      const { mapping } = await import(process.env.BENCH_DIST_URL ?? '../dist/index.js');
      let converted = 0;
      let outBytes = 0;
      const now = () => new Date(0);
      const { bytes, lines } = await streamLines(file, (line) => {
        const r = mapping.responseBundleToX12(JSON.parse(line), { now });
        if (r.text !== null) {
          converted++;
          outBytes += r.text.length;
        }
      });
      if (lines !== truth.transactions) throw new Error(`x12pas-pas-to-x12-response: ${lines} lines, expected ${truth.transactions} bundles`);
      if (converted !== lines) throw new Error(`x12pas-pas-to-x12-response: only ${converted} of ${lines} bundles written`);
      return { bytes, transactions: converted, check: `${converted} bundles (${(bytes / lines / 1000).toFixed(1)} kB each) -> ${(outBytes / 1e6).toFixed(1)} MB of X12; bytes = NDJSON in` };
    },
  },
  {
    name: 'json-parse-bundles',
    description: 'reference: the same NDJSON streamed and JSON.parse of each line, nothing else (the least any PAS -> X12 converter does)',
    kind: 'baseline',
    frames: true,
    runs: [
      { input: 'bundles', reps: 1 },
      { input: 'response-bundles', reps: 1 },
    ],
    async run({ file, truth }) {
      let entries = 0;
      const { bytes, lines } = await streamLines(file, (line) => {
        entries += JSON.parse(line).entry.length;
      });
      if (lines !== truth.transactions) throw new Error(`json-parse-bundles: ${lines} lines, expected ${truth.transactions}`);
      return { bytes, transactions: lines, check: `${lines} bundles, ${entries} entries` };
    },
  },
  {
    name: 'json-stringify-bundles',
    description: 'reference: JSON.stringify of each bundle of the same NDJSON (parsed first, untimed; timed part only): the cost of JSON.stringify in the X12 -> PAS row',
    kind: 'baseline',
    frames: true,
    runs: [
      { input: 'bundles', reps: 1 },
      { input: 'inquiry-bundles', reps: 1 },
      { input: 'response-bundles', reps: 1 },
    ],
    async run({ file, truth }) {
      let timed = 0;
      let chars = 0;
      const { bytes, lines } = await streamLines(file, (line) => {
        const b = JSON.parse(line);
        const t0 = performance.now();
        chars += JSON.stringify(b).length;
        timed += performance.now() - t0;
      });
      if (lines !== truth.transactions) throw new Error(`json-stringify-bundles: ${lines} lines, expected ${truth.transactions}`);
      return { bytes, transactions: lines, timedS: timed / 1000, check: `${lines} bundles, ${(chars / 1e6).toFixed(1)} MB written; timed part only` };
    },
  },
  {
    name: 'node-x12-stream',
    description: 'node-x12 1.7.1 X12Parser as a Transform stream (piped file stream, segments counted, no interchange built)',
    kind: 'peer',
    frames: false,
    runs: [{ input: 'peer', reps: 1 }],
    async run({ file, truth, notes }) {
      const { X12Parser } = await import('node-x12');
      // Strict mode (new X12Parser(true)) cannot stream: in stream mode node-x12 never sets its
      // "ISA parsed" flag, so it re-checks every chunk as if it began with an ISA and throws
      // "The ISA segment is not the correct length" on the second chunk. Non-strict parsing does
      // the same work and records that check as a diagnostic instead.
      notes.push('non-strict: new X12Parser(true) throws ParserError on the 2nd chunk when streaming');
      const parser = new X12Parser(false);
      const r = await pipeAndCount(file, parser, (seg) => seg.tag);
      return { bytes: r.bytes, segments: r.segments, check: peerCheck(r, truth) };
    },
  },
  {
    name: 'node-x12-whole',
    description: 'node-x12 1.7.1 new X12Parser(true).parse(string) on a slice cut at an IEA (readFileSync included)',
    kind: 'peer',
    frames: true,
    runs: [{ input: 'slice', reps: 1 }],
    async run({ file, truth }) {
      const { X12Parser } = await import('node-x12');
      const text = readFileSync(file, 'utf8');
      const result = new X12Parser(true).parse(text);
      const interchanges = result.interchanges ?? [result];
      let transactions = 0;
      let segments = 0;
      const ids = new Map();
      const add = (seg) => {
        segments++;
        ids.set(seg.tag, (ids.get(seg.tag) ?? 0) + 1);
      };
      for (const ic of interchanges) {
        add(ic.header);
        add(ic.trailer);
        for (const g of ic.functionalGroups) {
          add(g.header);
          add(g.trailer);
          for (const t of g.transactions) {
            transactions++;
            add(t.header);
            add(t.trailer);
            for (const seg of t.segments) add(seg);
          }
        }
      }
      return {
        bytes: Buffer.byteLength(text),
        transactions,
        segments,
        check: `segments ${versus(segments, truth.segments)}; transactions ${versus(transactions, truth.transactions)}; ${idCheck(ids, truth.segmentIds)}`,
      };
    },
  },
  {
    name: 'x12-parser',
    description: 'x12-parser 1.3.0 X12parser Transform stream (piped file stream, segment objects counted)',
    kind: 'peer',
    frames: false,
    runs: [{ input: 'peer', reps: 1 }],
    async run({ file, truth }) {
      const { X12parser } = await import('x12-parser');
      const r = await pipeAndCount(file, new X12parser(), (seg) => seg.name);
      return { bytes: r.bytes, segments: r.segments, check: peerCheck(r, truth) };
    },
  },
  {
    name: 'cpu-parallel-reference',
    description: 'how much parallel work this machine gives right now: a fixed integer loop in one worker thread, then in one thread per core at once; the ratio of work per second is the ceiling of any N-workers-vs-1 speed-up in the same run',
    kind: 'baseline',
    frames: false,
    allCores: true,
    runs: [{ input: 'main', reps: 1 }],
    async run() {
      const { Worker } = await import('node:worker_threads');
      const { availableParallelism } = await import('node:os');
      const loop = `let x = 0; for (let i = 0; i < 1.2e9; i++) x = (x ^ (i * 2654435761)) >>> 1; require('node:worker_threads').parentPort.postMessage(x);`;
      const timed = async (n) => {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => new Worker(loop, { eval: true }).once('message', resolve).once('error', reject))));
        return (performance.now() - t0) / 1000;
      };
      const n = availableParallelism();
      const one = await timed(1);
      const all = await timed(n);
      const ratio = (n * one) / all;
      return { bytes: 0, check: `1 thread ${one.toFixed(2)} s; ${n} threads at once ${all.toFixed(2)} s: ${ratio.toFixed(2)}× the work per second` };
    },
  },
  {
    name: 'x12pas-archive-1-worker',
    description: 'x12pas convert archive pipeline (src/pipeline: main thread reads + frames, 1 worker thread maps + serializes, ordered NDJSON out, report lines to /dev/null), output lines counted; not pinned (the reader and the worker each get a core); under node --single-threaded-gc as bin/x12pas.js runs convert with workers',
    kind: 'ours',
    frames: true,
    allCores: true,
    nodeFlags: ['--single-threaded-gc'],
    runs: [{ input: 'main', reps: 1 }],
    run: (ctx) => archiveCase(ctx, 1),
  },
  {
    name: 'x12pas-archive-1-worker-default-gc',
    description: 'the same, 1 worker, with V8\'s default garbage collector (its helper threads use the other core): what --single-threaded-gc changes',
    kind: 'ours',
    frames: true,
    allCores: true,
    runs: [{ input: 'main', reps: 1 }],
    run: (ctx) => archiveCase(ctx, 1),
  },
  {
    name: 'conversion-parallel-reference',
    description: 'how much parallel work this machine gives our conversion alone right now (no pipeline): each thread frames the slice itself, converts it once to warm up, then 4 times timed (X12 -> PAS NDJSON bytes); 1 thread, then one per core at once, in alternating pairs; the median ratio of work per second',
    kind: 'baseline',
    frames: false,
    allCores: true,
    nodeFlags: ['--single-threaded-gc'],
    runs: [{ input: 'slice', reps: 1 }],
    run: (ctx) => conversionParallelCase(ctx),
  },
  {
    name: 'x12pas-archive-scaling',
    description: 'the archive pipeline (as x12pas-archive-1-worker) with 1 worker and with every core, alternately in one process, 5 pairs (BENCH_SCALING_PAIRS), the order flipped each pair; under node --single-threaded-gc on both sides, as bin/x12pas.js runs convert with workers; transactions/s of the median all-cores run; CPU seconds per kind of thread from /proc/self/task (main thread, which here also counts the output\'s newlines; workers; V8 compiler and GC helper threads with libuv\'s pool), median per side',
    kind: 'ours',
    frames: true,
    allCores: true,
    nodeFlags: ['--single-threaded-gc'],
    runs: [{ input: 'main', reps: 1 }],
    run: (ctx) => archiveScalingCase(ctx),
  },
  {
    name: 'x12pas-archive-all-workers',
    description: 'the same with the default worker count (os.availableParallelism(): every core), under node --single-threaded-gc as bin/x12pas.js runs convert with workers (the GC helper threads would take the cores the workers need); not pinned',
    kind: 'ours',
    frames: true,
    allCores: true,
    nodeFlags: ['--single-threaded-gc'],
    runs: [
      { input: 'main', reps: 1 },
      { input: 'large', reps: 1 },
    ],
    run: (ctx) => archiveCase(ctx, null),
  },
  {
    name: 'node-x12-stream-large',
    description: 'node-x12-stream (above) on the large file, beside x12pas-archive-all-workers on it (node-x12 only parses: it has no FHIR side)',
    kind: 'peer',
    frames: false,
    runs: [{ input: 'large', reps: 1 }],
    run: (ctx) => findCase('node-x12-stream').run(ctx),
  },
];

/** @param {string} name */
export function findCase(name) {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`unknown bench case ${JSON.stringify(name)}; known: ${cases.map((x) => x.name).join(', ')}`);
  return c;
}

/** The median of numbers (the lower middle one of an even count). */
function medianOf(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * 1 worker vs every core, in alternating pairs in one process (the second of a pair runs with
 * the main thread warm; flipping the order each pair spreads that, and machine drift, over both).
 * @param {CaseContext} ctx
 * @returns {Promise<CaseResult>}
 */
async function archiveScalingCase(ctx) {
  const { availableParallelism } = await import('node:os');
  const n = availableParallelism();
  const pairs = Number(process.env.BENCH_SCALING_PAIRS ?? 5);
  const one = [];
  const all = [];
  let seconds = 0;
  let bytes = 0;
  let transactions = 0;
  const cpuOne = [];
  const cpuAll = [];
  for (let i = 0; i < pairs; i++) {
    for (const w of i % 2 === 0 ? [1, n] : [n, 1]) {
      const t0 = performance.now();
      const { result: r, cpu } = await withThreadCpu(w, () => archiveCase(ctx, w));
      const s = (performance.now() - t0) / 1000;
      seconds += s;
      bytes += r.bytes;
      transactions += r.transactions;
      (w === 1 ? one : all).push(r.transactions / s);
      if (cpu !== null) (w === 1 ? cpuOne : cpuAll).push(cpu);
    }
  }
  const ratios = one.map((o, i) => all[i] / o);
  const int = (x) => Math.round(x).toLocaleString('en-US');
  // Where the CPU went, median per kind over each side's runs: what the workers share the cores with.
  const cpuText = (runs, label) => {
    if (runs.length === 0) return null;
    const m = (k) => medianOf(runs.map((c) => c[k])).toFixed(1);
    return `${label}: main thread ${m('main')} s, workers ${m('workers')} s, V8/libuv helper threads ${m('helpers')} s`;
  };
  const cpuParts = [cpuText(cpuOne, '1 worker'), cpuText(cpuAll, `${n} workers`)].filter((x) => x !== null);
  const check = `${pairs} pairs: 1 worker ${one.map(int).join(', ')} tx/s; ${n} workers ${all.map(int).join(', ')} tx/s; ratio per pair ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ratio ${medianOf(ratios).toFixed(2)}×${cpuParts.length > 0 ? `; CPU per run (median): ${cpuParts.join('; ')}` : ''}`;
  // The row's transactions/s is the median all-cores run's (timedS makes bytes / timedS its MB/s).
  const mid = medianOf(all);
  return { bytes: bytes / (pairs * 2), transactions: ctx.truth.transactions, timedS: ctx.truth.transactions / mid, check, extra: { workers: n, one, all, ratios, seconds, totalTransactions: transactions, cpuOne, cpuAll } };
}

/**
 * Conversion alone in 1 thread, then in one thread per core at once, in alternating pairs: the
 * ceiling of the pipeline's speed-up on this machine for this work, measured in the same run.
 * @param {CaseContext} ctx
 * @returns {Promise<CaseResult>}
 */
async function conversionParallelCase({ file }) {
  const { Worker } = await import('node:worker_threads');
  const { availableParallelism } = await import('node:os');
  const base = process.env.BENCH_DIST_URL ?? new URL('../dist/index.js', import.meta.url).href;
  const n = availableParallelism();
  const pairs = Number(process.env.BENCH_SCALING_PAIRS ?? 5);
  const body = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { readX12Buffer } = await import(workerData.x12);
      const { convertTransaction } = await import(workerData.convert);
      const txs = readX12Buffer(require('node:fs').readFileSync(workerData.file)).filter((e) => e.kind === 'transaction').map((e) => e.transaction);
      const options = { pasVersion: '2.2.1', lossless: false };
      const out = new Uint8Array(1 << 20);
      const encoder = new TextEncoder();
      const pass = () => { let n = 0; for (const tx of txs) { const r = convertTransaction(tx, options); if (r.line !== null) { encoder.encodeInto(r.line, out); n++; } } return n; };
      pass();
      parentPort.postMessage('warm');
      await new Promise((go) => parentPort.once('message', go));
      const t0 = performance.now();
      const done = pass() + pass() + pass() + pass();
      parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, done });
    })();`;
  const data = { file, x12: new URL('x12/index.js', base).href, convert: new URL('pipeline/convert-transaction.js', base).href };
  // Every thread warms up first; then all start their timed part together.
  const timed = async (k) => {
    const ws = Array.from({ length: k }, () => new Worker(body, { eval: true, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 512 } }));
    const next = (w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject));
    await Promise.all(ws.map(next));
    const results = ws.map(next);
    for (const w of ws) w.postMessage('go');
    const r = await Promise.all(results);
    await Promise.all(ws.map((w) => w.terminate()));
    return r.reduce((sum, x) => sum + x.done, 0) / Math.max(...r.map((x) => x.seconds));
  };
  const one = [];
  const all = [];
  for (let i = 0; i < pairs; i++) {
    for (const k of i % 2 === 0 ? [1, n] : [n, 1]) (k === 1 ? one : all).push(await timed(k));
  }
  const ratios = one.map((o, i) => all[i] / o);
  const int = (x) => Math.round(x).toLocaleString('en-US');
  return {
    bytes: 0,
    check: `${pairs} pairs: 1 thread ${one.map(int).join(', ')} sets/s; ${n} threads at once ${all.map(int).join(', ')} sets/s; ratio per pair ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ratio ${medianOf(ratios).toFixed(2)}×`,
    extra: { workers: n, one, all, ratios },
  };
}

/**
 * CPU seconds per thread of this process while `work` runs (Linux: /proc/self/task; sampled every
 * 100 ms, since worker threads are gone from /proc once they exit). Threads that were there
 * before are the main thread and the helpers (V8's compiler and GC threads, libuv's pool);
 * the `workers` busiest threads that appeared meanwhile are the workers. Null where /proc is not.
 * @template T
 * @param {number} workers
 * @param {() => Promise<T>} work
 * @returns {Promise<{ result: T, cpu: { main: number, workers: number, helpers: number } | null }>}
 */
async function withThreadCpu(workers, work) {
  const { readdirSync, readFileSync: read } = await import('node:fs');
  const tick = 100; // USER_HZ, as the kernel reports utime and stime
  const seen = new Map();
  const sample = () => {
    let tids;
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return false;
    }
    for (const tid of tids) {
      try {
        const stat = read(`/proc/self/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        seen.set(tid, (Number(f[11]) + Number(f[12])) / tick);
      } catch {
        // the thread ended between the listing and the read: its last sample stands
      }
    }
    return true;
  };
  if (!sample()) return { result: await work(), cpu: null };
  const before = new Map(seen);
  const timer = setInterval(sample, 100);
  try {
    const result = await work();
    sample();
    const main = String(process.pid);
    const grown = (tid) => seen.get(tid) - (before.get(tid) ?? 0);
    const fresh = [...seen.keys()].filter((t) => !before.has(t)).sort((a, b) => grown(b) - grown(a));
    const ws = fresh.slice(0, workers);
    const sum = (tids) => tids.reduce((a, t) => a + grown(t), 0);
    const helpers = [...seen.keys()].filter((t) => t !== main && !ws.includes(t));
    return { result, cpu: { main: grown(main), workers: sum(ws), helpers: sum(helpers) } };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The archive pipeline on one file, as `x12pas convert --workers N FILE` runs it, with the NDJSON
 * output counted (newlines) instead of written. Peak RSS is the whole process: main thread and
 * worker threads.
 * @param {CaseContext} ctx
 * @param {number | null} workers null: the CLI default (every core)
 * @returns {Promise<CaseResult>}
 */
async function archiveCase({ file, truth }, workers) {
  const { Writable } = await import('node:stream');
  const { availableParallelism } = await import('node:os');
  const base = process.env.BENCH_DIST_URL ?? new URL('../dist/index.js', import.meta.url).href;
  const { convertArchive } = await import(new URL('pipeline/archive.js', base).href);
  const { expandInputs } = await import(new URL('pipeline/inputs.js', base).href);
  let lines = 0;
  const counter = new Writable({
    write(chunk, _enc, done) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      done();
    },
  });
  const n = workers ?? availableParallelism();
  const s = await convertArchive({ inputs: expandInputs([file]), convert: { pasVersion: '2.2.1', lossless: false }, workers: n, outputStream: counter, report: '/dev/null' });
  const problems = [];
  if (lines !== truth.transactions) problems.push(`${lines} output lines, generator wrote ${truth.transactions} transactions`);
  if (s.converted !== truth.transactions || s.rejected !== 0) problems.push(`${s.converted} converted, ${s.rejected} rejected of ${s.transactions}`);
  if (s.bytes !== truth.bytes) problems.push(`${s.bytes} bytes read, file has ${truth.bytes}`);
  if (problems.length > 0) throw new Error(`archive case (${n} workers): ${problems.join('; ')}`);
  const busy = s.workerBusy.map((b) => `${Math.round(b * 100)}%`).join(', ');
  return { bytes: s.bytes, transactions: s.converted, check: `${n} worker(s), busy ${busy} of the time; ${versus(lines, truth.transactions)} output lines; ${s.interchanges} interchanges` };
}
