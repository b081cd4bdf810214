#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self time
// per script.
//
//   node bench/profile-summary.js FILE.cpuprofile [TOP_N]

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function shortUrl(url) {
  if (!url) return '';
  let p = url;
  if (p.startsWith('file://')) p = fileURLToPath(p);
  if (p.startsWith('/')) p = relative(ROOT, p);
  // run.js profiles its snapshot of dist/; name the files as they are in dist/.
  return p.replace(/^bench\/data\/snapshot\/dist\//, 'dist/');
}

/**
 * @param {string} file path of a .cpuprofile
 * @param {number} [top]
 * @returns {{ totalMs: number, functions: { name: string, where: string, selfMs: number, pct: number }[],
 *   scripts: { script: string, selfMs: number, pct: number }[] }}
 */
export function summarizeProfile(file, top = 15) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map();
  for (const n of prof.nodes) byId.set(n.id, n);
  const selfUs = new Map();
  const { samples, timeDeltas } = prof;
  // Sample i lasts until sample i+1 (the last one gets the profile's end).
  let t = prof.startTime;
  const stamps = [];
  for (const d of timeDeltas) stamps.push((t += d));
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < stamps.length ? stamps[i + 1] : prof.endTime;
    const dur = Math.max(0, next - stamps[i]);
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dur);
  }
  const fn = new Map();
  const scripts = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const cf = node.callFrame;
    const name = cf.functionName || (cf.url ? '(anonymous)' : '(root)');
    const script = shortUrl(cf.url) || name;
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const e = fn.get(key) ?? { name, where, us: 0 };
    e.us += us;
    fn.set(key, e);
    scripts.set(script, (scripts.get(script) ?? 0) + us);
    total += us;
  }
  const pct = (us) => (total > 0 ? (100 * us) / total : 0);
  return {
    totalMs: total / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, pct: pct(e.us) })),
    scripts: [...scripts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([script, us]) => ({ script, selfMs: us / 1000, pct: pct(us) })),
  };
}

/** Markdown tables of a summary. */
export function profileMarkdown(summary) {
  const lines = [];
  lines.push(`Sampled time: ${summary.totalMs.toFixed(0)} ms.`, '');
  lines.push('| Self ms | Self % | Function | Location |', '|---:|---:|---|---|');
  for (const f of summary.functions) lines.push(`| ${f.selfMs.toFixed(0)} | ${f.pct.toFixed(1)} | \`${f.name}\` | ${f.where} |`);
  lines.push('', '| Self ms | Self % | Script |', '|---:|---:|---|');
  for (const s of summary.scripts) lines.push(`| ${s.selfMs.toFixed(0)} | ${s.pct.toFixed(1)} | ${s.script} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/profile-summary.js FILE.cpuprofile [TOP_N]');
    process.exit(2);
  }
  console.log(profileMarkdown(summarizeProfile(file, n ? Number(n) : 15)));
}
