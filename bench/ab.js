// Compares two builds of x12pas on the same inputs, alternating, one child process per measurement
// (pinned to core 0 with taskset when it exists): CPU time per item, the best of AB_ROUNDS passes
// (default 3) after a 200-item warm-up, the median over the alternations. For speed changes that
// must not change output (issue 17): run it against a build of the code before the change.
//
//   node bench/ab.js DIST_A DIST_B PAIRS CASE:FILE ...
//
// CASE is x2p-request or x2p-response (FILE: X12 transaction sets), p2x-request or p2x-response
// (FILE: NDJSON bundles). DIST_* are dist/ directories (e.g. /path/to/ref/dist and ./dist).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(import.meta.url);

async function child(dist, kase, file) {
  const { mapping, readX12Buffer } = await import(pathToFileURL(`${dist}/index.js`).href);
  const now = () => new Date(0);
  const items = kase.startsWith('x2p')
    ? readX12Buffer(readFileSync(file)).filter((e) => e.kind === 'transaction').map((e) => e.transaction)
    : readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const pass = (list) => {
    let out = 0;
    if (kase === 'x2p-request') for (const t of list) out += JSON.stringify(mapping.requestToBundle(t, { pasVersion: '2.2.1' }).bundle).length;
    else if (kase === 'x2p-response') for (const t of list) out += JSON.stringify(mapping.responseToBundle(t, { pasVersion: '2.2.1' }).bundle).length;
    else if (kase === 'p2x-request') for (let i = 0; i < list.length; i += 500) out += mapping.bundlesToRequestX12(list.slice(i, i + 500).map((l) => JSON.parse(l)), { now }).text.length;
    else if (kase === 'p2x-response') for (const l of list) out += mapping.responseBundleToX12(JSON.parse(l), { now }).text.length;
    else throw new Error(`unknown case ${kase}`);
    return out;
  };
  pass(items.slice(0, 200));
  let best = Infinity;
  let out = 0;
  for (let r = 0; r < Number(process.env.AB_ROUNDS ?? 3); r++) {
    const c0 = process.cpuUsage();
    out = pass(items);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / items.length);
  }
  return { us: best, items: items.length, out };
}

function measure(dist, kase, file) {
  const args = [HERE, '--child', dist, kase, file];
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const stdout = pinned ? execFileSync('taskset', ['-c', '0', process.execPath, ...args], { encoding: 'utf8' }) : execFileSync(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await child(process.argv[3], process.argv[4], process.argv[5])));
} else {
  const [a, b, pairs, ...cases] = process.argv.slice(2);
  if (cases.length === 0) {
    console.error('usage: node bench/ab.js DIST_A DIST_B PAIRS CASE:FILE ...');
    process.exit(2);
  }
  for (const c of cases) {
    const [kase, file] = c.split(/:(.*)/s);
    const A = [];
    const B = [];
    for (let i = 0; i < Number(pairs); i++) {
      const order = i % 2 === 0 ? [[a, A], [b, B]] : [[b, B], [a, A]];
      const outs = [];
      for (const [dist, list] of order) {
        const r = measure(dist, kase, file);
        list.push(r.us);
        outs.push(r.out);
      }
      if (outs[0] !== outs[1]) console.error(`${kase}: the two builds wrote ${outs[0]} and ${outs[1]} characters`);
    }
    console.log(`${kase} ${file}: A ${median(A).toFixed(0)} us, B ${median(B).toFixed(0)} us per item, B/A ${(median(B) / median(A)).toFixed(2)} (A ${A.map((x) => x.toFixed(0)).join(', ')}; B ${B.map((x) => x.toFixed(0)).join(', ')})`);
  }
}
