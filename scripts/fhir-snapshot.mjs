#!/usr/bin/env node
// Writes fhir/pas-snapshot.json.gz and fhir/NOTICE: the conformance resources validating PAS
// 2.2.1 and 2.0.1 bundles needs, cut from a FHIR package cache (src/pas/snapshot-build.ts says
// how). Run after `npm run build`:
//
//   node scripts/fhir-snapshot.mjs [--packages DIR] [--out DIR]
//
// --packages: the cache (`<name>#<version>/package/*.json`), default ../shared/fhir-packages
// beside the repository; --out: where to write, default fhir/ of the repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    packages: { type: 'string', default: join(root, '..', 'shared', 'fhir-packages') },
    out: { type: 'string', default: join(root, 'fhir') },
  },
});

const { FhirPackageCache } = await import('../dist/pas/packages.js');
const { buildSnapshot, snapshotNotice } = await import('../dist/pas/snapshot-build.js');

const snapshot = buildSnapshot(new FhirPackageCache({ path: values.packages }));
const json = JSON.stringify(snapshot);
const gz = gzipSync(json, { level: 9 });
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'pas-snapshot.json.gz'), gz);
writeFileSync(join(values.out, 'NOTICE'), snapshotNotice(snapshot));
const resources = snapshot.packages.reduce((n, p) => n + p.resources.length, 0);
process.stdout.write(
  `${join(values.out, 'pas-snapshot.json.gz')}: ${snapshot.packages.length} packages, ${resources} resources, ${json.length} bytes of JSON, ${gz.length} gzipped\n`,
);
