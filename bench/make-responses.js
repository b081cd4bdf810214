#!/usr/bin/env node
// Writes X217 278 responses made from the 278 requests of an X12 file, for the X12 -> PAS response
// case: `node bench/make-responses.js IN.x12 OUT.x12`. Each request becomes the response a UM
// system could send back: BHT02 11, the trace numbers echoed (TRN01 2), a decision (HCR) after
// each UM (certified with an authorization number, every fifth pended), and the segments the
// response guide does not use left out (found by our own X217 response grammar). 500 responses
// per interchange. Prints a JSON line { transactions, bytes } on stdout.

import { createReadStream, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node bench/make-responses.js IN.x12 OUT.x12');
  process.exit(2);
}
const dist = process.env.BENCH_DIST_URL ?? new URL('../dist/index.js', import.meta.url).href;
const { X12Reader, X12Writer, readX12Buffer } = await import(dist);
const { analyzeTransaction } = await import(new URL('grammar/validate.js', dist).href);

let decisions = 0;
/** The response body (BHT on) for one request's segments. */
function respond(segments) {
  const out = [];
  for (const s of segments) {
    const els = s.slice();
    if (els[0] === 'BHT') els[2] = '11';
    if (els[0] === 'TRN' && els[1] === '1') els[1] = '2';
    out.push(els);
    if (els[0] === 'UM') {
      decisions++;
      out.push(decisions % 5 === 0 ? ['HCR', 'A4'] : ['HCR', 'A1', `AUTH${String(decisions).padStart(8, '0')}`]);
    }
  }
  return out;
}

/** Renders one transaction set (ST/SE around body) as a single interchange's text, to check it. */
function render(w, body) {
  w.beginTransaction('278', '005010X217');
  for (const s of body) w.segment(s);
  w.endTransaction();
}

/** Leaves out the segments the response grammar reports as not used, until none is. */
function prune(body) {
  for (let round = 0; round < 5; round++) {
    const w = new X12Writer({ lineEnding: '\n', now: () => new Date(0) });
    w.beginInterchange({ senderQualifier: 'ZZ', sender: 'UMO', receiverQualifier: 'ZZ', receiver: 'CLINIC', usage: 'T' });
    w.beginGroup({ functionalId: 'HI', sender: 'UMO', receiver: 'CLINIC', version: '005010X217' });
    render(w, body);
    w.endInterchange();
    const ev = readX12Buffer(Buffer.from(w.toString(), 'latin1')).find((e) => e.kind === 'transaction');
    const v = analyzeTransaction(ev.transaction);
    const drop = new Set(v.findings.filter((f) => f.code === 'SEGMENT_NOT_USED' || f.code === 'UNEXPECTED_SEGMENT').map((f) => f.position));
    if (drop.size === 0) {
      const errors = [...ev.transaction.findings, ...v.findings].filter((f) => f.severity === 'error');
      if (errors.length > 0) throw new Error(`make-responses: a response breaks the X217 response rules: ${errors.map((e) => e.message).join('; ')}`);
      return body;
    }
    // Finding positions count from ST = 1; body[0] is the segment after ST.
    body = body.filter((_, i) => !drop.has(i + 2));
  }
  throw new Error('make-responses: could not make a clean response');
}

const writer = new X12Writer({ lineEnding: '\n', now: () => new Date(Date.UTC(2026, 0, 2, 9, 30)) });
let inGroup = 0;
let transactions = 0;
const reader = new X12Reader({
  transaction(tx) {
    if (inGroup === 500) {
      writer.endInterchange();
      inGroup = 0;
    }
    if (inGroup === 0) {
      writer.beginInterchange({ senderQualifier: 'ZZ', sender: tx.interchange.receiver, receiverQualifier: 'ZZ', receiver: tx.interchange.sender, usage: 'P' });
      writer.beginGroup({ functionalId: 'HI', sender: tx.interchange.receiver, receiver: tx.interchange.sender, version: '005010X217' });
    }
    const body = prune(respond(tx.segments.filter((s) => s.id !== 'ST' && s.id !== 'SE').map((s) => s.elements())));
    render(writer, body);
    inGroup++;
    transactions++;
  },
  groupEnd() {},
  interchangeEnd() {},
  finding() {},
});
for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) reader.push(chunk);
reader.end();
if (inGroup > 0) writer.endInterchange();
const text = writer.toString();
writeFileSync(output, text, 'latin1');
console.log(JSON.stringify({ transactions, bytes: text.length }));
