#!/usr/bin/env node
// PAS profile validation timing: each IG example bundle (both PAS versions), after warm-up.
// Not a test. Run after a build:   npm run build && node bench/pas-validate.js
//
// Environment: X12PAS_FHIR_PACKAGES (default ../shared/fhir-packages), PAS_BENCH_RUNS (default 200).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateBundle } from '../dist/pas/validate.js';

const packagesPath = process.env.X12PAS_FHIR_PACKAGES || fileURLToPath(new URL('../../shared/fhir-packages/', import.meta.url));
const runs = Number(process.env.PAS_BENCH_RUNS || 200);
const packages = { path: packagesPath };

const t0 = performance.now();
validateBundle({ resourceType: 'Bundle', type: 'collection', entry: [] }, { pasVersion: '2.2.1', packages });
console.log(`first call (base R4 into medplum, PAS package index): ${(performance.now() - t0).toFixed(0)} ms`);

for (const version of ['2.2.1', '2.0.1']) {
  const dir = `${packagesPath}/hl7.fhir.us.davinci-pas#${version}/package/example/`;
  const bundles = readdirSync(dir)
    .filter((f) => f.startsWith('Bundle-') && !f.includes('Notification'))
    .sort()
    .map((f) => ({ f, b: JSON.parse(readFileSync(dir + f, 'utf8')) }));
  const kind = (f) => (f.includes('Inquiry') ? (f.includes('Response') ? 'inquiry-response' : 'inquiry-request') : undefined);
  const t1 = performance.now();
  for (const { f, b } of bundles) validateBundle(b, { pasVersion: version, packages, kind: kind(f) });
  console.log(`\nPAS ${version}: first pass over ${bundles.length} bundles (profiles compiled on first use): ${(performance.now() - t1).toFixed(0)} ms`);
  for (let i = 0; i < 20; i++) for (const { f, b } of bundles) validateBundle(b, { pasVersion: version, packages, kind: kind(f) });
  console.log('bundle'.padEnd(62) + 'entries  ms/bundle');
  for (const { f, b } of bundles) {
    const t = performance.now();
    for (let i = 0; i < runs; i++) validateBundle(b, { pasVersion: version, packages, kind: kind(f) });
    const ms = (performance.now() - t) / runs;
    console.log(`${f.padEnd(62)}${String(b.entry.length).padStart(7)}  ${ms.toFixed(2).padStart(9)}`);
  }
}
