#!/usr/bin/env node
// Benchmark harness: `npm run bench` (= npm run build && node --expose-gc bench/run.js).
//
// Generates the synthetic 278 files under bench/data/ (reused while their sidecar matches the size,
// seed and generator version), runs every case of bench/cases.js in its own child process (pinned
// to one core with taskset when available), and writes bench/RESULTS.md.
//
// Environment:
//   BENCH_SIZE_MB   main file size, MB = 10^6 bytes (default 200)
//   BENCH_LARGE_MB  large file size (default 1024; 0 skips the large runs)
//   BENCH_SLICE_MB  size of the IEA-cut slice for whole-document parsers (default 10)
//   BENCH_PEER_MB   run streaming peers on an IEA-cut prefix of this size (default 0 = whole main file)
//   BENCH_CONVERT_MB IEA-cut prefix the conversion cases run on (default 40; quick 4): long enough that
//                   start-up and JIT warm-up are a small part of the time, as in an archive run
//   BENCH_QUICK=1   smoke run: 8 MB / 24 MB / 2 MB files, results to bench/data/RESULTS.quick.md
//   BENCH_CASES     comma-separated case names to run (default: all)
//   BENCH_CPU       core to pin children to (default 0); BENCH_PIN=0 disables pinning
//   BENCH_PROFILE   1: always CPU-profile our case; 0: never; default: only when a speed target fails
//   BENCH_OUT       results file (default bench/RESULTS.md, or bench/data/RESULTS.quick.md when quick)
//   BENCH_SEED      generator seed (default generate.js DEFAULT_SEED)

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RESULT_PREFIX, cases } from './cases.js';
import { DEFAULT_SEED, GENERATOR_VERSION, generate } from './generate.js';
import { profileMarkdown, summarizeProfile } from './profile-summary.js';

const MB = 1e6;
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const DATA_DIR = join(BENCH_DIR, 'data');
const CHILD = join(BENCH_DIR, 'child.js');

const TARGET_MBPS = 300;
const TARGET_VS_NODE_X12 = 8;
const TARGET_RSS_MB = 120;

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';

/** @param {string|undefined} v @param {number} dflt */
function num(v, dflt) {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number >= 0: ${JSON.stringify(v)}`);
  return n;
}

const cfg = {
  quick: QUICK,
  sizeMb: num(env.BENCH_SIZE_MB, QUICK ? 8 : 200),
  largeMb: num(env.BENCH_LARGE_MB, QUICK ? 24 : 1024),
  sliceMb: num(env.BENCH_SLICE_MB, QUICK ? 2 : 10),
  peerMb: num(env.BENCH_PEER_MB, 0),
  convertMb: num(env.BENCH_CONVERT_MB, QUICK ? 4 : 40),
  seed: num(env.BENCH_SEED, DEFAULT_SEED),
  cpu: env.BENCH_CPU ?? '0',
  pin: env.BENCH_PIN !== '0',
  profile: env.BENCH_PROFILE ?? 'auto',
  only: env.BENCH_CASES ? env.BENCH_CASES.split(',').map((s) => s.trim()).filter(Boolean) : null,
  out: env.BENCH_OUT ?? (QUICK ? join(DATA_DIR, 'RESULTS.quick.md') : join(BENCH_DIR, 'RESULTS.md')),
};
if (!(cfg.sizeMb > 0)) throw new Error('BENCH_SIZE_MB must be > 0');

const log = (...a) => console.error('[bench]', ...a);

// ---------------------------------------------------------------------------------------------
// Input files

/**
 * @typedef {{ bytes: number, interchanges: number, transactions: number, segments: number, segmentIds: Record<string, number> }} Truth
 * @typedef {{ id: string, label: string, file: string, truth: Truth, meta: any }} Input
 */

/** Reuses bench/data/x278-<size>MB.x12 when its sidecar matches; generates it otherwise. */
async function ensureGenerated(sizeMb) {
  const file = join(DATA_DIR, `x278-${sizeMb}MB.x12`);
  const sidecar = file + '.json';
  const requestedBytes = Math.round(sizeMb * MB);
  if (existsSync(file) && existsSync(sidecar)) {
    try {
      const meta = JSON.parse(await readFile(sidecar, 'utf8'));
      const same = meta.version === GENERATOR_VERSION && meta.requestedBytes === requestedBytes && meta.seed === cfg.seed;
      if (same && meta.segmentIds && statSync(file).size === meta.bytes) {
        log(`reusing ${relative(ROOT, file)} (${meta.bytes} bytes, ${meta.transactions} transactions)`);
        return { file, meta };
      }
    } catch {
      // regenerate
    }
  }
  log(`generating ${relative(ROOT, file)} (${sizeMb} MB)...`);
  const t0 = performance.now();
  const meta = await generate({ out: file, sizeBytes: requestedBytes, seed: cfg.seed, log });
  log(`  ${meta.bytes} bytes, ${meta.interchanges} interchanges, ${meta.transactions} transactions, ${meta.segments} segments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { file, meta };
}

const IEA = Buffer.from('IEA*');
const ST = Buffer.from('ST*');
const ISA = Buffer.from('ISA*');
const TILDE = 0x7e;

/** True when position i of buf starts a segment (after a terminator or a line break). */
function atSegmentStart(buf, i) {
  if (i === 0) return true;
  const b = buf[i - 1];
  return b === TILDE || b === 0x0a || b === 0x0d;
}

/** Reads the first `n` bytes of a file. */
function readHead(file, n) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const r = readSync(fd, buf, off, n - off, off);
      if (r === 0) break;
      off += r;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Counts what the generator's sidecar counts, for a prefix cut from its file. */
function countTruth(buf) {
  let segments = 0;
  const ids = new Map();
  for (let start = 0, t = buf.indexOf(TILDE); t >= 0; start = t + 1, t = buf.indexOf(TILDE, start)) {
    segments++;
    let s = start;
    while (buf[s] === 0x0a || buf[s] === 0x0d) s++;
    const star = buf.indexOf(0x2a, s);
    const id = buf.toString('latin1', s, star >= 0 && star < t ? star : t);
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  const count = (pat) => {
    let n = 0;
    for (let i = buf.indexOf(pat); i >= 0; i = buf.indexOf(pat, i + 1)) if (atSegmentStart(buf, i)) n++;
    return n;
  };
  const segmentIds = Object.fromEntries([...ids.entries()].sort((a, b) => b[1] - a[1]));
  return { bytes: buf.length, interchanges: count(ISA), transactions: count(ST), segments, segmentIds };
}

/**
 * A prefix of `source` of at most `sizeMb` (at least one interchange), cut just after an IEA
 * segment (and its line break, if any). Cached next to the source with its own sidecar.
 */
function ensurePrefix(source, sizeMb, kind) {
  const file = source.file.replace(/\.x12$/, `.${kind}-${sizeMb}MB.x12`);
  const sidecar = file + '.json';
  const want = Math.round(sizeMb * MB);
  if (existsSync(file) && existsSync(sidecar)) {
    try {
      const meta = JSON.parse(readFileSync(sidecar, 'utf8'));
      const same = meta.sourceBytes === source.meta.bytes && meta.sourceVersion === source.meta.version && meta.sourceSeed === source.meta.seed;
      if (same && meta.requestedBytes === want && meta.segmentIds && statSync(file).size === meta.bytes) {
        return { file, meta };
      }
    } catch {
      // recut
    }
  }
  let head = readHead(source.file, Math.min(source.meta.bytes, want + 8192));
  let cut = -1;
  for (let i = head.lastIndexOf(IEA, want - 1); i >= 0; i = i > 0 ? head.lastIndexOf(IEA, i - 1) : -1) {
    if (!atSegmentStart(head, i)) continue;
    const t = head.indexOf(TILDE, i);
    if (t >= 0 && t < want) {
      cut = t + 1;
      break;
    }
  }
  if (cut < 0) {
    // The first interchange is larger than the requested size: take it whole.
    head = readHead(source.file, source.meta.bytes);
    let i = head.indexOf(IEA);
    while (i >= 0 && !atSegmentStart(head, i)) i = head.indexOf(IEA, i + 1);
    if (i < 0) throw new Error(`no IEA in ${source.file}`);
    cut = head.indexOf(TILDE, i) + 1;
  }
  while (cut < head.length && (head[cut] === 0x0a || head[cut] === 0x0d)) cut++;
  const buf = head.subarray(0, cut);
  writeFileSync(file, buf);
  const meta = {
    source: relative(ROOT, source.file),
    sourceBytes: source.meta.bytes,
    sourceVersion: source.meta.version,
    sourceSeed: source.meta.seed,
    requestedBytes: want,
    ...countTruth(buf),
  };
  writeFileSync(sidecar, JSON.stringify(meta, null, 2) + '\n');
  log(`cut ${relative(ROOT, file)}: ${meta.bytes} bytes, ${meta.transactions} transactions`);
  return { file, meta };
}

function truthOf(meta) {
  return { bytes: meta.bytes, interchanges: meta.interchanges, transactions: meta.transactions, segments: meta.segments, segmentIds: meta.segmentIds };
}

/** @returns {Promise<Map<string, Input>>} */
async function prepareInputs() {
  mkdirSync(DATA_DIR, { recursive: true });
  /** @type {Map<string, Input>} */
  const inputs = new Map();
  const main = await ensureGenerated(cfg.sizeMb);
  const mainLabel = `${cfg.sizeMb} MB file`;
  inputs.set('main', { id: 'main', label: mainLabel, file: main.file, truth: truthOf(main.meta), meta: main.meta });
  if (cfg.largeMb > 0) {
    const large = await ensureGenerated(cfg.largeMb);
    inputs.set('large', { id: 'large', label: `${cfg.largeMb} MB file`, file: large.file, truth: truthOf(large.meta), meta: large.meta });
  }
  if (cfg.sliceMb > 0 && cfg.sliceMb * MB < main.meta.bytes) {
    const s = ensurePrefix(main, cfg.sliceMb, 'slice');
    inputs.set('slice', { id: 'slice', label: `${cfg.sliceMb} MB slice of the ${mainLabel} (cut at IEA)`, file: s.file, truth: truthOf(s.meta), meta: s.meta });
  } else {
    inputs.set('slice', inputs.get('main'));
  }
  if (cfg.convertMb > 0 && cfg.convertMb * MB < main.meta.bytes) {
    const c = ensurePrefix(main, cfg.convertMb, 'prefix');
    inputs.set('convert', { id: 'convert', label: `first ${cfg.convertMb} MB of the ${mainLabel} (cut at IEA)`, file: c.file, truth: truthOf(c.meta), meta: c.meta });
  } else {
    inputs.set('convert', inputs.get('main'));
  }
  if (cfg.peerMb > 0 && cfg.peerMb * MB < main.meta.bytes) {
    const p = ensurePrefix(main, cfg.peerMb, 'prefix');
    inputs.set('peer', { id: 'peer', label: `first ${cfg.peerMb} MB of the ${mainLabel} (PREFIX, cut at IEA)`, file: p.file, truth: truthOf(p.meta), meta: p.meta });
  } else {
    inputs.set('peer', inputs.get('main'));
  }
  return inputs;
}

/** The NDJSON bundle inputs: id -> [the X12 input they are made from, make-bundles.js kind, label]. */
const BUNDLE_INPUTS = {
  bundles: ['convert', 'request', 'PAS Request Bundles'],
  'inquiry-bundles': ['inquiry', 'request', 'PAS Inquiry Request Bundles'],
  'response-bundles': ['responses', 'response', 'PAS Response Bundles'],
};

/**
 * The bundle inputs ('bundles', 'inquiry-bundles', 'response-bundles'): the PAS bundles of the
 * 'convert', 'inquiry' and 'responses' inputs as NDJSON, made by the dist snapshot under test
 * (bench/make-bundles.js), for the PAS -> X12 cases and the JSON reference cases. Made once per
 * run, and only when a selected case needs one. Call after addInquiries and addResponses.
 */
function addBundles(inputs, selected) {
  for (const [id, [from, kind, what]] of Object.entries(BUNDLE_INPUTS)) {
    if (!selected.some((c) => c.runs.some((r) => r.input === id))) continue;
    const src = inputs.get(from);
    if (src === undefined) throw new Error(`input ${id} needs input ${from}, which no selected case made`);
    const file = src.file.replace(/\.x12$/, '.pas.ndjson');
    log(`writing the ${what} of ${relative(ROOT, src.file)} to ${relative(ROOT, file)}...`);
    const r = spawnSync(process.execPath, [join(BENCH_DIR, 'make-bundles.js'), src.file, file, kind], { cwd: ROOT, env: { ...process.env, BENCH_DIST_URL: dist.url }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make-bundles.js failed (exit ${r.status})`);
    const made = JSON.parse(r.stdout.trim().split('\n').pop());
    if (made.bundles !== src.truth.transactions) throw new Error(`make-bundles.js: ${made.bundles} bundles from ${src.truth.transactions} transaction sets`);
    inputs.set(id, {
      id,
      label: `${what} (NDJSON) of the ${src.label}`,
      file,
      truth: { bytes: made.bytes, interchanges: 0, transactions: made.bundles, segments: 0, segmentIds: {} },
      meta: { bytes: made.bytes, transactions: made.bundles },
    });
  }
}

/**
 * The 'inquiry' input: the 'convert' input with every 005010X217 (GS08, ST03) turned into
 * 005010X215, so each request is read as an X215 inquiry (the same shape, the same byte count).
 */
function addInquiries(inputs, selected) {
  if (!selected.some((c) => c.runs.some((r) => r.input === 'inquiry' || r.input === 'inquiry-bundles'))) return;
  const src = inputs.get('convert');
  const file = src.file.replace(/\.x12$/, '.x215.x12');
  const text = readFileSync(src.file, 'latin1');
  const out = text.replaceAll('005010X217', '005010X215');
  if (!existsSync(file) || statSync(file).size !== out.length || readFileSync(file, 'latin1') !== out) writeFileSync(file, out, 'latin1');
  inputs.set('inquiry', { ...src, id: 'inquiry', label: `the ${src.label} as X215 inquiries (005010X217 -> 005010X215)`, file });
}

/**
 * The 'responses' input: an X217 278 response for each request of the 'convert' input
 * (bench/make-responses.js, run with the dist snapshot: its own response grammar decides which
 * request segments a response leaves out). Made once per run, when a selected case needs it.
 */
function addResponses(inputs, selected) {
  if (!selected.some((c) => c.runs.some((r) => r.input === 'responses' || r.input === 'response-bundles'))) return;
  const src = inputs.get('convert');
  const file = src.file.replace(/\.x12$/, '.responses.x12');
  log(`writing X217 responses to the requests of ${relative(ROOT, src.file)} to ${relative(ROOT, file)}...`);
  const r = spawnSync(process.execPath, [join(BENCH_DIR, 'make-responses.js'), src.file, file], { cwd: ROOT, env: { ...process.env, BENCH_DIST_URL: dist.url }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-responses.js failed (exit ${r.status})`);
  const made = JSON.parse(r.stdout.trim().split('\n').pop());
  if (made.transactions !== src.truth.transactions) throw new Error(`make-responses.js: ${made.transactions} responses from ${src.truth.transactions} requests`);
  inputs.set('responses', {
    id: 'responses',
    label: `X217 responses to the requests of the ${src.label}`,
    file,
    truth: { bytes: made.bytes, interchanges: Math.ceil(made.transactions / 500), transactions: made.transactions, segments: 0, segmentIds: {} },
    meta: { bytes: made.bytes, transactions: made.transactions },
  });
}

// ---------------------------------------------------------------------------------------------
// The code under test

/** All files under dir (relative paths, sorted). */
function listFiles(dir, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p));
  }
  return out.sort();
}

/**
 * Copies dist/ (and mappings/) to bench/data/snapshot/ and checks that it loads: other people rebuild dist/
 * while the benchmark runs, and every run of our case must measure the same, complete build.
 * @returns {{ url: string, hash: string, files: number }}
 */
function snapshotDist() {
  const src = join(ROOT, 'dist');
  // dist/ finds its tables at ../mappings: the snapshot keeps that layout.
  const dst = join(DATA_DIR, 'snapshot', 'dist');
  let lastError = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    rmSync(join(DATA_DIR, 'snapshot'), { recursive: true, force: true });
    rmSync(join(DATA_DIR, 'dist-snapshot'), { recursive: true, force: true });
    cpSync(src, dst, { recursive: true });
    cpSync(join(ROOT, 'mappings'), join(DATA_DIR, 'snapshot', 'mappings'), { recursive: true });
    const url = pathToFileURL(join(dst, 'index.js')).href;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); if (typeof m.X12Reader !== 'function') process.exit(3);`], { encoding: 'utf8' });
    if (r.status === 0) {
      const h = createHash('sha256');
      const files = listFiles(dst).filter((f) => f.endsWith('.js'));
      for (const f of files) h.update(f).update(readFileSync(join(dst, f)));
      return { url, hash: h.digest('hex').slice(0, 12), files: files.length };
    }
    lastError = (r.stderr || `exit ${r.status}`).trim().split('\n').slice(0, 3).join(' | ');
    log(`dist/ does not load (attempt ${attempt}: ${lastError}); a rebuild may be under way, retrying...`);
    spawnSync('sleep', ['3']);
  }
  throw new Error(`dist/ does not load: ${lastError}. Run \`npm run build\`.`);
}

/** HEAD commit and whether src/ has uncommitted changes (the build measured is of the working tree). */
function gitInfo() {
  const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  const status = git('status', '--porcelain', '--', 'src');
  if (head.status !== 0) return 'not a git checkout';
  const dirty = (status.stdout ?? '').trim().split('\n').filter(Boolean).length;
  return `HEAD ${head.stdout.trim()}${dirty > 0 ? `, plus ${dirty} uncommitted change(s) under src/ at start (dist/ is built from the working tree)` : ', src/ clean'}`;
}

// ---------------------------------------------------------------------------------------------
// Running cases

const canPin = cfg.pin && spawnSync('taskset', ['-c', cfg.cpu, 'true']).status === 0;
/** Set by main(): the dist snapshot our cases import. */
let dist = { url: '', hash: '', files: 0 };
let codeInfo = '';

/** Runs one case once in a child process. Returns the child's measurement or { error }. */
function runChild(caseName, input, extraNodeArgs = []) {
  const c = cases.find((x) => x.name === caseName);
  // nodeFlags: V8 flags the case runs under (the archive cases: as bin/x12pas.js starts convert).
  const nodeArgs = ['--expose-gc', ...(c?.nodeFlags ?? []), ...extraNodeArgs, CHILD, caseName, JSON.stringify({ file: input.file, truth: input.truth })];
  // A case with allCores (the archive pipeline's worker threads) is not pinned.
  const pin = canPin && c?.allCores !== true;
  const [cmd, args] = pin ? ['taskset', ['-c', cfg.cpu, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const env = { ...process.env, BENCH_DIST_URL: dist.url };
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.status !== 0 || !line) {
    return { error: `exit ${r.status}${r.signal ? ' signal ' + r.signal : ''}${r.error ? ' ' + r.error.message : ''}` };
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * @typedef {{ caseName: string, description: string, kind: string, frames: boolean, input: Input, reps: any[],
 *   rep: any, peakRssBytes: number, error?: string }} Row
 */

/** @returns {Row[]} */
function runAll(inputs) {
  /** @type {Row[]} */
  const rows = [];
  const selected = cfg.only ? cases.filter((c) => cfg.only.includes(c.name)) : cases;
  if (cfg.only) for (const n of cfg.only) if (!cases.some((c) => c.name === n)) throw new Error(`BENCH_CASES: unknown case ${n}`);
  for (const c of selected) {
    for (const spec of c.runs) {
      const input = inputs.get(spec.input);
      if (!input) {
        log(`skip ${c.name} on ${spec.input} (input not enabled)`);
        continue;
      }
      const reps = [];
      let error;
      for (let i = 0; i < spec.reps; i++) {
        log(`${c.name} on ${input.label}, run ${i + 1}/${spec.reps}...`);
        const r = runChild(c.name, input);
        if (r.error) {
          error = r.error;
          log(`  FAILED: ${r.error}`);
          break;
        }
        log(`  ${r.mbPerS.toFixed(1)} MB/s, ${r.wallS.toFixed(2)} s, peak RSS ${(r.peakRssBytes / MB).toFixed(1)} MB${r.check ? ', ' + r.check : ''}`);
        reps.push(r);
      }
      const row = { caseName: c.name, description: c.description, kind: c.kind, frames: c.frames, input, reps, rep: null, peakRssBytes: 0 };
      if (error) row.error = error;
      if (reps.length > 0) {
        const mid = median(reps.map((r) => r.wallS));
        row.rep = reps.find((r) => r.wallS === mid);
        row.peakRssBytes = Math.max(...reps.map((r) => r.peakRssBytes));
      }
      rows.push(row);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Report

function cpuModel() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2));
const int = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const mb = (bytes) => f1(bytes / MB);

/** Transactions/s of a row: measured when the case frames, derived from the input's density otherwise. */
function txPerS(row) {
  const r = row.rep;
  if (!r) return { value: null, derived: false };
  if (row.frames && r.transactions !== null) return { value: r.transactions / r.wallS, derived: false };
  if (row.kind === 'baseline') return { value: null, derived: false };
  const t = row.input.truth;
  return { value: (t.transactions * (r.bytes / t.bytes)) / r.wallS, derived: true };
}

function findRow(rows, caseName, inputId) {
  return rows.find((r) => r.caseName === caseName && r.input.id === inputId && r.rep);
}

function verdict(ok) {
  return ok === null ? 'n/a' : ok ? '**PASS**' : '**FAIL**';
}

function targets(rows) {
  const ours = findRow(rows, 'x12pas-tokenize-frame', 'main');
  const oursLarge = findRow(rows, 'x12pas-tokenize-frame', 'large');
  const nx = rows.find((r) => r.caseName === 'node-x12-stream' && r.rep);
  const xp = rows.find((r) => r.caseName === 'x12-parser' && r.rep);
  const whole = rows.find((r) => r.caseName === 'node-x12-whole' && r.rep);
  const read = findRow(rows, 'read', 'main');
  const list = [];
  const o = ours?.rep.mbPerS;
  list.push({
    what: `x12pas tokenize+frame MB/s (${cfg.sizeMb} MB, median) vs ${TARGET_MBPS} MB/s`,
    value: ours ? `${f1(o)} MB/s = ${f2(o / TARGET_MBPS)}× target` : 'not run',
    ok: ours ? o >= TARGET_MBPS : null,
    speed: true,
  });
  list.push({
    what: `x12pas vs node-x12 stream (MB/s ratio), target ≥ ${TARGET_VS_NODE_X12}×`,
    value: ours && nx ? `${f1(o)} / ${f1(nx.rep.mbPerS)} = ${f1(o / nx.rep.mbPerS)}×` : 'not run',
    ok: ours && nx ? o / nx.rep.mbPerS >= TARGET_VS_NODE_X12 : null,
    speed: true,
  });
  list.push({
    what: 'x12pas vs x12-parser stream (MB/s ratio), no target',
    value: ours && xp ? `${f1(o)} / ${f1(xp.rep.mbPerS)} = ${f1(o / xp.rep.mbPerS)}×` : 'not run',
    ok: null,
  });
  list.push({
    what: 'x12pas vs node-x12 whole-string parse (MB/s ratio), no target',
    value: ours && whole ? `${f1(o)} / ${f1(whole.rep.mbPerS)} = ${f1(o / whole.rep.mbPerS)}×` : 'not run',
    ok: null,
  });
  const ref = findRow(rows, 'cpu-reference', 'main');
  list.push({
    what: 'x12pas vs the cpu-reference loop in the same run (machine-speed check), no target',
    value: ours && ref ? `${f1(o)} / ${f1(ref.rep.mbPerS)} = ${f2(o / ref.rep.mbPerS)}` : 'not run',
    ok: null,
  });
  list.push({
    what: 'x12pas share of the read ceiling, no target',
    value: ours && read ? `${f1(o)} / ${f1(read.rep.mbPerS)} = ${f1((100 * o) / read.rep.mbPerS)}%` : 'not run',
    ok: null,
  });
  list.push({
    what: `x12pas peak RSS on the ${cfg.sizeMb} MB file (max of runs) < ${TARGET_RSS_MB} MB`,
    value: ours ? `${mb(ours.peakRssBytes)} MB` : 'not run',
    ok: ours ? ours.peakRssBytes / MB < TARGET_RSS_MB : null,
  });
  list.push({
    what: `x12pas peak RSS on the ${cfg.largeMb > 0 ? cfg.largeMb + ' MB' : 'large (skipped)'} file < ${TARGET_RSS_MB} MB`,
    value: oursLarge ? `${mb(oursLarge.peakRssBytes)} MB` : 'not run',
    ok: oursLarge ? oursLarge.peakRssBytes / MB < TARGET_RSS_MB : null,
  });
  // Issue 3: end-to-end conversion, transactions (bundles) per second on one core.
  for (const [name, label, target] of [
    ['x12pas-convert-request', 'X12 -> PAS bundles/s', 25000],
    ['x12pas-pas-to-x12', 'PAS -> X12 bundles/s', 15000],
    ['x12pas-convert-inquiry', 'X215 inquiry -> PAS bundles/s', 25000],
    ['x12pas-convert-response', 'X217 response -> PAS bundles/s', 25000],
  ]) {
    const input = { 'x12pas-pas-to-x12': 'bundles', 'x12pas-convert-inquiry': 'inquiry', 'x12pas-convert-response': 'responses' }[name] ?? 'convert';
    const r = findRow(rows, name, input);
    const tps = r && r.rep.transactions ? r.rep.transactions / r.rep.wallS : null;
    list.push({ what: `${label} (one core) ≥ ${target.toLocaleString('en-US')}`, value: tps !== null ? `${Math.round(tps).toLocaleString('en-US')}/s = ${f2(tps / target)}× target` : 'not run', ok: tps !== null ? tps >= target : null, speed: true });
  }
  // The JSON layer alone on the same bundles: what this machine allows any converter that reads or writes them.
  for (const [name, label] of [
    ['json-stringify-bundles', 'JSON.stringify alone, bundles/s (ceiling of X12 -> PAS through JSON.stringify), no target'],
    ['json-parse-bundles', 'JSON.parse alone, bundles/s (ceiling of PAS -> X12), no target'],
  ]) {
    const r = findRow(rows, name, 'bundles');
    const tps = r && r.rep.transactions ? r.rep.transactions / r.rep.wallS : null;
    list.push({ what: label, value: tps !== null ? `${Math.round(tps).toLocaleString('en-US')}/s` : 'not run', ok: null });
  }
  list.push(...jsonRatioTargets(rows));
  list.push(...archiveTargets(rows));
  return list;
}

/**
 * Issue 17: each conversion against the JSON layer alone on the same bundles, measured in the same
 * run: X12 -> PAS against JSON.stringify of the bundles it writes, PAS -> X12 against JSON.parse of
 * the bundles it reads (bundles per second; ours with start-up included, the references timed alone).
 */
function jsonRatioTargets(rows) {
  const list = [];
  for (const [name, input, ref, refInput, label] of [
    ['x12pas-convert-request', 'convert', 'json-stringify-bundles', 'bundles', 'X12 -> PAS requests vs JSON.stringify of the same bundles'],
    ['x12pas-convert-inquiry', 'inquiry', 'json-stringify-bundles', 'inquiry-bundles', 'X12 -> PAS X215 inquiries vs JSON.stringify of the same bundles'],
    ['x12pas-convert-response', 'responses', 'json-stringify-bundles', 'response-bundles', 'X12 -> PAS responses vs JSON.stringify of the same bundles'],
    ['x12pas-pas-to-x12', 'bundles', 'json-parse-bundles', 'bundles', 'PAS -> X12 requests vs JSON.parse of the same bundles'],
    ['x12pas-pas-to-x12-response', 'response-bundles', 'json-parse-bundles', 'response-bundles', 'PAS -> X12 responses vs JSON.parse of the same bundles'],
  ]) {
    const ours = findRow(rows, name, input);
    const base = findRow(rows, ref, refInput);
    const tps = (r) => r.rep.transactions / r.rep.wallS;
    const ok = ours && base && ours.rep.transactions && base.rep.transactions;
    list.push({
      what: `${label} (one core, same run) ≥ 0.6×`,
      value: ok ? `${int(tps(ours))}/s / ${int(tps(base))}/s = ${f2(tps(ours) / tps(base))}×` : 'not run',
      ok: ok ? tps(ours) / tps(base) >= 0.6 : null,
      speed: true,
    });
  }
  return list;
}

/** Issue 5: the archive pipeline on all cores vs one worker, its memory, its output count. */
function archiveTargets(rows) {
  const oneDefault = findRow(rows, 'x12pas-archive-1-worker-default-gc', 'main');
  const one = findRow(rows, 'x12pas-archive-1-worker', 'main');
  const all = findRow(rows, 'x12pas-archive-all-workers', 'main');
  const large = findRow(rows, 'x12pas-archive-all-workers', 'large');
  const tps = (r) => r.rep.transactions / r.rep.wallS;
  const n = os.availableParallelism();
  const list = [];
  const par = rows.find((r) => r.caseName === 'cpu-parallel-reference' && r.rep);
  const conv = rows.find((r) => r.caseName === 'conversion-parallel-reference' && r.rep?.extra);
  const machine = [conv ? `our conversion alone (no pipeline): ${f2(median(conv.rep.extra.ratios))}×` : null, par ? `an integer loop: ${par.rep.check}` : null].filter((x) => x !== null);
  // Scaling: alternating pairs in one run, the same V8 settings on both sides (single-threaded GC, as convert runs with workers).
  const scaling = findRow(rows, 'x12pas-archive-scaling', 'main');
  const ratio = scaling?.rep.extra ? median(scaling.rep.extra.ratios) : null;
  list.push({
    what: `archive pipeline, ${n} workers vs 1 worker, both with V8's single-threaded GC as convert runs them (transactions/s on the ${cfg.sizeMb} MB file, median of the alternating pairs) ≥ 1.7×`,
    value: ratio !== null ? `${f2(ratio)}× (${scaling.rep.check})${machine.length > 0 ? `; this machine in the same run, ${n} threads vs 1: ${machine.join('; ')}` : ''}` : 'not run',
    ok: ratio !== null ? ratio >= 1.7 : null,
    speed: true,
  });
  list.push({
    what: `archive pipeline, the separate rows: ${n} workers vs 1 worker (one run each, single-threaded GC), and 1 worker with V8's default GC, no target`,
    value: one && all ? `${int(tps(all))} / ${int(tps(one))} = ${f2(tps(all) / tps(one))}×${oneDefault ? `; 1 worker with the default GC ${int(tps(oneDefault))}/s (single-threaded GC ${f2(tps(one) / tps(oneDefault))}× that)` : ''}` : 'not run',
    ok: null,
  });
  for (const [r, label] of [
    [all, `${cfg.sizeMb} MB`],
    [large, cfg.largeMb > 0 ? `${cfg.largeMb} MB` : 'large (skipped)'],
  ]) {
    list.push({
      what: `archive pipeline peak RSS, default workers, ${label} file < 300 MB (output lines = transactions)`,
      value: r ? `${mb(r.peakRssBytes)} MB; ${r.rep.check}` : 'not run',
      ok: r ? r.peakRssBytes / MB < 300 && r.rep.check.includes('(exact)') : null,
    });
  }
  return list;
}

function runProfile(inputs) {
  const dir = join(DATA_DIR, 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const input = inputs.get('main');
  log(`profiling x12pas-tokenize-frame on ${input.label} (node --cpu-prof)...`);
  const r = runChild('x12pas-tokenize-frame', input, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  if (r.error) return { error: r.error };
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return { error: 'no .cpuprofile written' };
  const file = join(dir, files[0]);
  return { file, run: r, summary: summarizeProfile(file, 15) };
}

function report(inputs, rows, profile, startedAt, load) {
  const L = [];
  const nodeV = process.version;
  L.push(`# x12pas benchmark results${cfg.quick ? ' (QUICK smoke run: sizes too small for the targets to mean much)' : ''}`, '');
  L.push(`- Date: ${startedAt.toISOString()}`);
  L.push(`- Node: ${nodeV} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()} ${os.arch()}`);
  L.push(`- CPU: ${cpuModel()} (${os.cpus().length} logical cores); each case ran in its own child process${canPin ? `, pinned with \`taskset -c ${cfg.cpu}\` (except the x12pas-archive cases, which use every core)` : ' (not pinned: taskset unavailable or BENCH_PIN=0)'}`);
  L.push(`- Load average at start: ${load.map((x) => x.toFixed(2)).join(', ')} (other work on the machine is not controlled for)`);
  L.push(`- Code measured: ${codeInfo}; dist/ snapshot taken at start, ${dist.files} .js files, sha256 ${dist.hash}`);
  L.push(`- Command: \`${cfg.quick ? 'BENCH_QUICK=1 node --expose-gc bench/run.js' : 'npm run bench'}\`` + (cfg.quick ? '' : ` (BENCH_SIZE_MB=${cfg.sizeMb}, BENCH_LARGE_MB=${cfg.largeMb}, BENCH_SLICE_MB=${cfg.sliceMb}, BENCH_PEER_MB=${cfg.peerMb})`));
  L.push('- Units: MB = 10^6 bytes (MB/s and RSS alike); read chunks are 1 MiB (2^20 bytes). Wall time is `performance.now()` around the case in the child (module imports of the case included, process start excluded); peak RSS is the child\'s `process.resourceUsage().maxRSS` (whole process, Node baseline included).');
  L.push('');
  L.push('## Inputs', '');
  L.push('| Input | File | Bytes | Interchanges | Transactions | Segments | Avg bytes/transaction |', '|---|---|---:|---:|---:|---:|---:|');
  const seen = new Set();
  for (const inp of inputs.values()) {
    if (seen.has(inp.file)) continue;
    seen.add(inp.file);
    const t = inp.truth;
    L.push(`| ${inp.label} | \`${relative(ROOT, inp.file)}\` | ${int(t.bytes)} | ${int(t.interchanges)} | ${int(t.transactions)} | ${int(t.segments)} | ${int(t.bytes / t.transactions)} |`);
  }
  const m = inputs.get('main').meta;
  L.push('', `Generated by \`bench/generate.js\` v${m.version}, seed ${m.seed}: X217 278 requests, 50-500 per interchange; interchange line endings in the main file: ${m.lineEndings.none} none, ${m.lineEndings.lf} LF, ${m.lineEndings.crlf} CRLF.`, '');

  L.push('## Results', '');
  L.push('| Case | Input | Bytes processed | Wall s | MB/s | Transactions/s | Segments/s | Peak RSS MB | Runs | Check |', '|---|---|---:|---:|---:|---:|---:|---:|---|---|');
  for (const row of rows) {
    const r = row.rep;
    if (!r) {
      L.push(`| ${row.caseName} | ${row.input.label} | — | — | — | — | — | — | FAILED | ${row.error ?? ''} |`);
      continue;
    }
    const tx = txPerS(row);
    const runs = row.reps.length > 1 ? `median of ${row.reps.length}` : '1';
    const check = [r.check, ...(r.notes ?? []), row.error ? `LATER RUN FAILED: ${row.error}` : ''].filter(Boolean).join('; ');
    L.push(
      `| ${row.caseName} | ${row.input.label} | ${int(r.bytes)} | ${f2(r.wallS)} | ${f1(r.mbPerS)} | ${tx.value === null ? '—' : (tx.derived ? '≈' : '') + int(tx.value)} | ${r.segments === null ? '—' : int(r.segments / r.wallS)} | ${mb(row.peakRssBytes)} | ${runs} | ${check} |`,
    );
  }
  L.push('', '≈ = derived from the input\'s known transaction density (the case counts segments, it does not frame transaction sets). Peak RSS of a multi-run row is the maximum over its runs; the other figures are the median run\'s (by wall time).', '');

  L.push('## Targets', '');
  L.push('| Target | Value | Verdict |', '|---|---|---|');
  const tg = targets(rows);
  for (const t of tg) L.push(`| ${t.what} | ${t.value} | ${verdict(t.ok)} |`);
  L.push('');
  const oursMain = rows.find((r) => r.caseName === 'x12pas-tokenize-frame' && r.input.id === 'main' && r.rep);
  if (oursMain && oursMain.reps.length > 1) {
    const v = oursMain.reps.map((r) => r.mbPerS);
    L.push(`Run-to-run spread of x12pas on the ${oursMain.input.label}: ${v.map(f1).join(', ')} MB/s (min ${f1(Math.min(...v))}, max ${f1(Math.max(...v))}). Peers ran once, so their ratios carry that much noise too.`, '');
  }

  L.push('## Case descriptions', '');
  for (const c of cases) L.push(`- \`${c.name}\` (${c.kind}): ${c.description}`);
  L.push('');
  L.push('Notes:', '');
  L.push('- node-x12\'s stream parser is run non-strict: `new X12Parser(true)` as a stream throws `ParserError: X12 Standard: The ISA segment is not the correct length` on the second chunk (in stream mode it never records that the ISA was parsed, so it re-validates every chunk as if it began with an ISA). It also garbles data when a chunk ends exactly on a segment terminator: its carry-over is not cleared then, so the stale fragment is glued onto the first segment of the next chunk (the segment count stays right, the content does not; seen with this data as e.g. `N4*PORTLAND*OR*9720ST*278*...`). The Check column compares the emitted segment count and the per-id histogram with the generator\'s (the histogram gives a lower bound of garbled segments).');
  L.push('- x12-parser pushes whatever follows the last terminator (e.g. a final line break) as one more segment at end of stream; that does not happen when the file ends on `~`.');
  L.push('- Both node-x12 strict `parse()` and our reader accept every generated transaction set (SE01/GE01/IEA01 counts and control numbers are correct).');
  L.push('- `node-x12-whole` builds the full interchange model in memory (that is what `parse` does); its RSS grows with the input, which is why it runs on a slice only.');
  L.push('');

  L.push('## All runs', '');
  L.push('| Case | Input | Run | Wall s | CPU s | MB/s | Peak RSS MB | RSS at start MB | Peak heap used MB | Peak external MB | Peak array buffers MB |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    row.reps.forEach((r, i) => {
      L.push(
        `| ${row.caseName} | ${row.input.id} | ${i + 1} | ${f2(r.wallS)} | ${f2(r.cpuS)} | ${f1(r.mbPerS)} | ${mb(r.peakRssBytes)} | ${mb(r.startRssBytes)} | ${mb(r.peakHeapUsedBytes)} | ${mb(r.peakExternalBytes)} | ${mb(r.peakArrayBuffersBytes)} |`,
      );
    });
  }
  L.push('', 'Heap / external / array-buffer peaks are sampled every 25 ms with `process.memoryUsage()` (a long synchronous call such as `parse()` is not sampled inside).', '');

  if (profile) {
    L.push('## CPU profile of x12pas-tokenize-frame', '');
    if (profile.error) {
      L.push(`Profiling failed: ${profile.error}`, '');
    } else {
      L.push(`\`node --cpu-prof\` on the ${inputs.get('main').label} (${f1(profile.run.mbPerS)} MB/s under the profiler); profile: \`${relative(ROOT, profile.file)}\` (dist/ paths below are the run's snapshot of dist/). Top functions by self time:`, '');
      L.push(profileMarkdown(profile.summary), '');
    }
  }
  return { text: L.join('\n') + '\n', targets: tg };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const load = os.loadavg();
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first (or use `npm run bench`)');
  mkdirSync(DATA_DIR, { recursive: true });
  codeInfo = gitInfo();
  dist = snapshotDist();
  log(`dist/ snapshot ${dist.hash} (${dist.files} files)`);
  const inputs = await prepareInputs();
  const selected = cfg.only ? cases.filter((c) => cfg.only.includes(c.name)) : cases;
  addInquiries(inputs, selected);
  addResponses(inputs, selected);
  addBundles(inputs, selected);
  log(canPin ? `children pinned to core ${cfg.cpu}` : 'children not pinned');
  const rows = runAll(inputs);

  // Profile our case when a speed target fails (or when asked).
  const pre = targets(rows);
  const speedFail = pre.some((t) => t.speed && t.ok === false);
  const ranOurs = rows.some((r) => r.caseName === 'x12pas-tokenize-frame' && r.rep);
  const wantProfile = cfg.profile === '1' || (cfg.profile === 'auto' && speedFail && ranOurs);
  const profile = wantProfile ? runProfile(inputs) : null;

  const { text, targets: tg } = report(inputs, rows, profile, startedAt, load);
  writeFileSync(cfg.out, text);
  log(`wrote ${relative(ROOT, cfg.out)}`);
  for (const t of tg) log(`${t.ok === null ? 'n/a ' : t.ok ? 'PASS' : 'FAIL'}  ${t.what}: ${t.value}`);
  const failed = rows.filter((r) => r.error);
  if (failed.length > 0) {
    log(`ERROR: ${failed.length} case run(s) failed: ${failed.map((r) => `${r.caseName}/${r.input.id}: ${r.error}`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
