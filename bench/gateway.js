#!/usr/bin/env node
// Gateway bench: `npm run bench:gateway` (= npm run build && node bench/gateway.js).
//
// Starts `x12pas serve` as a child process pinned to one core (taskset, when there is one), with its
// store in a temp dir and the built-in UM simulator as its upstream; drives `POST Claim/$submit`
// with autocannon from this process, pinned to another core: fixed request rates, then saturation.
// Every request is a new submission (its Bundle.identifier and trace numbers are unique), so no
// answer comes from the idempotency store. In the same run, on this process's core, the same kind
// of bundles go through the core in process: validate + PAS -> 278 + 278 response -> PAS (the
// responses made by the simulator beforehand, outside the timing). The gateway's own share is what
// its time per request adds to that: 1 - (in-process time per bundle) / (gateway time per request
// at saturation).
//
// Notifications: a subscription (rest-hook to a receiver in this process) filters on the sample's
// requester; during the saturation load, pended submissions (diagnosis R93.8: the simulator decides
// them 2 s later) go in at GW_PENDED_RATE per second (default 5). Each notification's delay is its
// arrival at the receiver minus the decision's timestamp in it (notification-event.timestamp):
// p50/p99 of decision to receiver under the submission load.
//
// Environment: GW_RATES (default 25,50,100), GW_SECONDS per load (default 10), GW_CONNECTIONS at
// saturation (default 16), GW_PACKAGES (FHIR package cache; default ../shared/fhir-packages when
// present, else validation off on both sides), GW_OUT (also write the markdown there).

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { readX12Buffer, mapping, MemoryControlNumbers } = await import(dist('index.js'));
const { UmSimulator } = await import(dist('server/simulator/simulator.js'));
const { loadRules } = await import(dist('server/simulator/rules.js'));

const env = process.env;
const RATES = (env.GW_RATES ?? '25,50,100').split(',').map(Number);
const SECONDS = Number(env.GW_SECONDS ?? 10);
const CONNECTIONS = Number(env.GW_CONNECTIONS ?? 16);
const shared = join(ROOT, '..', 'shared', 'fhir-packages');
const PACKAGES = env.GW_PACKAGES ?? (existsSync(join(shared, 'hl7.fhir.us.davinci-pas#2.2.1')) ? shared : null);
const log = (...a) => console.error('[gateway-bench]', ...a);

const haveTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length > 1;
  } catch {
    return false;
  }
})();
if (haveTaskset) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

// The bundle template: the referral sample as a PAS 2.2.1 Request Bundle; BHT03 and the trace
// number are replaced per request (text replacement on the JSON, so making a body costs little).
const sample = readFileSync(join(ROOT, 'samples', 'referral-request.x12'), 'latin1');
const tx = readX12Buffer(Buffer.from(sample, 'latin1')).find((e) => e.kind === 'transaction').transaction;
const template = JSON.stringify(mapping.requestToBundle(tx, { pasVersion: '2.2.1' }).bundle);
if (!template.includes('CLN20261123A1') || !template.includes('REF2026112301')) throw new Error('template ids not found');
let serial = 0;
const body = () => {
  const n = `${process.pid}x${++serial}`;
  return template.replaceAll('CLN20261123A1', `B${n}`).replaceAll('REF2026112301', `T${n}`);
};

// ---- in process: validate + PAS -> 278 + 278 response -> PAS ------------------------------------
async function inProcess(count) {
  const { validateBundle } = PACKAGES ? await import(dist('pas/index.js')) : { validateBundle: null };
  const sim = new UmSimulator({ rules: loadRules() });
  const bodies = Array.from({ length: count }, body);
  // The UM's answers, made beforehand (not timed): the simulator is the gateway's cost, not the core's.
  const responses = bodies.map((b) => sim.respond(mapping.bundlesToRequestX12([JSON.parse(b)], { controlNumbers: new MemoryControlNumbers() }).text));
  sim.close();
  const run = (n) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let out = 0;
    for (let i = 0; i < n; i++) {
      const bundle = JSON.parse(bodies[i]);
      if (validateBundle) {
        const f = validateBundle(bundle, { pasVersion: '2.2.1', kind: 'request', packages: { path: PACKAGES } });
        if (f.some((x) => x.severity === 'error')) throw new Error('the bench bundle does not validate');
      }
      const w = mapping.bundlesToRequestX12([bundle], { controlNumbers: new MemoryControlNumbers() });
      if (w.outcomes[0].status !== 'converted') throw new Error('not converted');
      const rtx = readX12Buffer(Buffer.from(responses[i], 'latin1')).find((e) => e.kind === 'transaction').transaction;
      const r = mapping.responseToBundle(rtx, { pasVersion: '2.2.1', request: bundle });
      out += JSON.stringify(r.bundle).length;
    }
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, out };
  };
  run(Math.min(200, count)); // warm-up (JIT, validator profiles)
  const r = run(count);
  return { perSecond: (count / r.ms) * 1000, msPer: r.ms / count, cpuMsPer: r.cpuMs / count };
}

// ---- the gateway over HTTP ----------------------------------------------------------------------
async function startServer(dir) {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ port: 0, host: '127.0.0.1', store: join(dir, 'gw.db'), validation: PACKAGES ? { enabled: true, packages: PACKAGES } : { enabled: false }, log: { level: 'error' }, auth: { required: false } }));
  const args = [join(ROOT, 'bin', 'x12pas.js'), 'serve', '--config', config];
  const child = haveTaskset ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
  });
  return { child, url };
}

/** CPU time (ms) a process has used so far (user + system, from /proc), or null where there is no /proc. */
function cpuMsOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

function load(url, opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: `${url}/fhir/2.2.1/Claim/$submit`,
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        duration: SECONDS,
        connections: opts.connections,
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    void inst;
  });
}

/** A subscriber's endpoint: records each event notification's delay from the decision's timestamp. */
async function receiver() {
  const delays = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const b = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const params = b.entry[0].resource.parameter;
        const ev = params.find((p) => p.name === 'notification-event');
        if (params.find((p) => p.name === 'type').valueCode === 'event-notification' && ev) {
          delays.push(at - Date.parse(ev.part.find((p) => p.name === 'timestamp').valueInstant));
        }
      } catch {
        // not a notification
      }
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, delays, close: () => new Promise((r) => server.close(r)) };
}

const PENDED_RATE = Number(env.GW_PENDED_RATE ?? 5);
const pendedBody = () => body().replace('"M54.16"', '"R93.8"');
/** Pended submissions at PENDED_RATE/s for `seconds`; resolves with how many were accepted (200). */
async function pendedLoad(url, seconds) {
  let sent = 0;
  const all = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    all.push(fetch(`${url}/fhir/2.2.1/Claim/$submit`, { method: 'POST', body: pendedBody(), headers: { 'content-type': 'application/fhir+json' } }).then((r) => (r.status === 200 ? sent++ : 0)));
    await new Promise((r) => setTimeout(r, 1000 / PENDED_RATE));
  }
  await Promise.all(all);
  return sent;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const dir = mkdtempSync(join(tmpdir(), 'x12pas-gwbench-'));
const rows = [];
let ip;
let notes = null;
try {
  log(`validation ${PACKAGES ? 'on' : 'off'}; pinned: ${haveTaskset ? 'server core 0, load + in-process core 1' : 'no'}`);
  ip = await inProcess(Number(env.GW_INPROCESS ?? 1000));
  log(`in process: ${ip.perSecond.toFixed(0)} bundles/s (${ip.msPer.toFixed(2)} ms each)`);
  const { child, url } = await startServer(dir);
  try {
    // Warm-up: JIT and the validator's profiles.
    await load(url, { connections: 4, rate: 50 });
    const pid = serverPid(child);
    const measured = async (label, opts) => {
      const c0 = cpuMsOf(pid);
      const r = await summarize(await load(url, opts));
      const c1 = cpuMsOf(pid);
      rows.push({ load: label, ...r, cpuMsPer: c0 !== null && c1 !== null && r.ok > 0 ? (c1 - c0) / (r.ok + r.other) : null });
    };
    for (const rate of RATES) await measured(`${rate}/s`, { connections: Math.max(4, Math.ceil(rate / 10)), rate });
    const rx = await receiver();
    try {
      const sub = await fetch(`${url}/fhir/2.2.1/Subscription`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Subscription', status: 'requested', criteria: 'http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic',
          _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: 'orgIdentifier=1578902342' }] },
          channel: { type: 'rest-hook', endpoint: rx.url },
        }),
      });
      if (sub.status !== 201) throw new Error(`subscription: ${sub.status}`);
      const [, pended] = await Promise.all([measured(`saturation (${CONNECTIONS} connections)`, { connections: CONNECTIONS }), pendedLoad(url, SECONDS)]);
      // Pended ones are decided 2 s later; the notifications of the last ones come after the load.
      const until = Date.now() + 15_000;
      while (rx.delays.length < pended && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      notes = { pended, delivered: rx.delays.length, p50: pct(rx.delays, 50), p99: pct(rx.delays, 99) };
      log(`notifications: ${JSON.stringify(notes)}`);
    } finally {
      await rx.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The node process serving (the child itself, or taskset's exec'd child: the same pid). */
function serverPid(child) {
  return child.pid;
}

async function summarize(r) {
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], other: r.non2xx + r.errors + r.timeouts };
}

const sat = rows[rows.length - 1];
const gwMs = 1000 / sat.rps;
const share = 1 - ip.msPer / gwMs;
const cpuRows = rows.filter((r) => r.cpuMsPer !== null);
const gwCpu = cpuRows.length > 0 ? cpuRows.reduce((a, r) => a + r.cpuMsPer * (r.ok + r.other), 0) / cpuRows.reduce((a, r) => a + r.ok + r.other, 0) : null;
const cpuShare = gwCpu !== null ? 1 - ip.cpuMsPer / gwCpu : null;
const md = [
  `### Gateway \`$submit\` through the simulator (${new Date().toISOString().slice(0, 16)}Z, Node ${process.versions.node}, validation ${PACKAGES ? 'on' : 'off'}${haveTaskset ? ', server on core 0, autocannon and the in-process loop on core 1' : ''}, ${SECONDS} s per load)`,
  '',
  '| load | requests/s | p50 ms | p99 ms | 2xx | other | server CPU ms / request |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.load} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.other} | ${r.cpuMsPer === null ? '-' : r.cpuMsPer.toFixed(1)} |`),
  '',
  `In process, the same bundles (validate + PAS -> 278 + 278 response -> PAS): ${ip.perSecond.toFixed(0)}/s, ${ip.msPer.toFixed(2)} ms wall and ${ip.cpuMsPer.toFixed(2)} ms CPU each.`,
  `Gateway at saturation: ${gwMs.toFixed(2)} ms wall per request; its own share (HTTP, store, simulator) by wall time: ${(share * 100).toFixed(0)}%.`,
  ...(notes !== null ? [`Notifications (a subscriber on this machine; ${PENDED_RATE} pended submissions/s during the saturation load, each decided 2 s later): ${notes.delivered} of ${notes.pended} delivered, decision to receiver p50 ${notes.p50} ms, p99 ${notes.p99} ms.`] : []),
  ...(cpuShare !== null ? [`By CPU time (server process, all loads): ${gwCpu.toFixed(2)} ms per request against ${ip.cpuMsPer.toFixed(2)} ms in process: the gateway's own share is ${(cpuShare * 100).toFixed(0)}% (target < 33%).`] : []),
  '',
].join('\n');
process.stdout.write(md);
if (env.GW_OUT) writeFileSync(env.GW_OUT, md);
