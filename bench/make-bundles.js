#!/usr/bin/env node
// Writes the PAS bundles of an X12 file as NDJSON (one bundle per transaction set), for the
// PAS -> X12 and JSON reference cases: `node bench/make-bundles.js IN.x12 OUT.ndjson [KIND]`, KIND
// `request` (default: X217 requests or X215 inquiries, read by the request rows) or `response` (X217
// responses). run.js calls it once per input and run with BENCH_DIST_URL pointing at its snapshot of
// dist/. Prints a JSON line { bundles, bytes } on stdout.

import { createReadStream, createWriteStream } from 'node:fs';

const [input, output, kind = 'request'] = process.argv.slice(2);
if (!input || !output || (kind !== 'request' && kind !== 'response')) {
  console.error('usage: node bench/make-bundles.js IN.x12 OUT.ndjson [request|response]');
  process.exit(2);
}
const { X12Reader, mapping } = await import(process.env.BENCH_DIST_URL ?? '../dist/index.js');
const out = createWriteStream(output);
let bundles = 0;
let bytes = 0;
let pending = [];
let failed = 0;
const reader = new X12Reader({
  transaction(tx) {
    const r = kind === 'response' ? mapping.responseToBundle(tx, { pasVersion: '2.2.1' }) : mapping.requestToBundle(tx, { pasVersion: '2.2.1' });
    if (r.bundle === null) {
      failed++;
      return;
    }
    const line = JSON.stringify(r.bundle) + '\n';
    bundles++;
    bytes += Buffer.byteLength(line);
    pending.push(line);
  },
  groupEnd() {},
  interchangeEnd() {},
  finding() {},
});
for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) {
  reader.push(chunk);
  if (pending.length > 0 && !out.write(pending.join(''))) await new Promise((r) => out.once('drain', r));
  pending = [];
}
reader.end();
out.end(pending.join(''));
await new Promise((r, j) => out.on('finish', r).on('error', j));
if (failed > 0) {
  console.error(`make-bundles: ${failed} transaction sets did not convert`);
  process.exit(1);
}
console.log(JSON.stringify({ bundles, bytes }));
