import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeTransaction } from '../grammar/validate.js';
import { bundlesToRequestX12 } from '../mapping/request-x12.js';
import { requestToBundle } from '../mapping/request.js';
import { roundTripRequest, roundTripResponse } from '../mapping/round-trip.js';
import { silentChanges } from '../mapping/silent.js';

/** The response grammars (X217 response, X215 inquiry response): written back by the response writer. */
const RESPONSE_GRAMMARS = new Set(['278-x217-response', '278-x215-response']);
import { MemoryControlNumbers, readX12Buffer, hasErrors, readX12 } from '../x12/index.js';
import { readFhirBundles, looksLikeJson } from '../pipeline/fhir-input.js';
import { EXIT_OK, EXIT_REJECTED, UsageError } from './output.js';
import { LineWriter } from '../pipeline/line-writer.js';

export const ROUNDTRIP_HELP = `Usage: x12pas roundtrip [options] FILE...

Converts each input there and back and prints every difference, one NDJSON line per
transaction set or bundle: {"file","control"|"bundle","status","differences":[...]}.

  X12 in:  any 278 (X217 request or response, X215 inquiry or response) -> PAS bundle -> 278
           again. A difference names the loop instance (2000A[0]/.../2000F[1]), the segment's
           position and both texts; envelope control numbers and dates are not compared.
           Changes no finding of convert names are also listed, element by element, under
           "silent" (there should be none). With --lossless the residue extension rides
           along, so there should be no difference at all.
  FHIR in: PAS bundle -> 278 -> PAS bundle -> 278: the two 278s are compared, so every value
           a mapping row carries is shown to survive.

Options:
  --lossless     X12 in: carry what PAS has no place for (see convert --lossless)
  -h, --help     this text

Exit status: 0 no difference, 1 differences (or something that could not be converted), 2 usage or I/O error.
`;

export async function roundtripCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { lossless: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(ROUNDTRIP_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('roundtrip needs at least one FILE');
  const out = new LineWriter(process.stdout);
  let clean = true;
  for (const file of positionals) {
    if (looksLikeJson(file)) {
      for (const item of readFhirBundles(file)) {
        if ('error' in item) {
          clean = false;
          await out.line(JSON.stringify({ file: item.where, status: 'not converted', findings: [item.error] }));
          continue;
        }
        const line = fhirRoundTrip(item.bundle);
        if (line.status !== 'same') clean = false;
        await out.line(JSON.stringify({ file: item.where, ...line }));
      }
      continue;
    }
    for await (const ev of readX12(createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>)) {
      if (ev.kind !== 'transaction') continue;
      const tx = ev.transaction;
      const v = analyzeTransaction(tx);
      const findings = [...tx.findings, ...v.findings];
      if (hasErrors(findings)) {
        clean = false;
        await out.line(JSON.stringify({ file, control: tx.control, status: 'not converted', findings: findings.filter((f) => f.severity === 'error').map((f) => f.message) }));
        continue;
      }
      const options = { pasVersion: '2.2.1' as const, lossless: values.lossless === true, tree: v.tree };
      const response = v.tree !== null && RESPONSE_GRAMMARS.has(v.tree.grammar.id);
      const r = response ? roundTripResponse(tx, options) : roundTripRequest(tx, options);
      const errors = [...r.findings, ...r.writeFindings].filter((f) => f.severity === 'error');
      const status = r.bundle === null || errors.length > 0 ? 'not converted' : r.differences.length === 0 ? 'same' : 'different';
      if (status !== 'same') clean = false;
      // Each difference is one the way in reported (convert says the same), or silent: listed apart.
      const silent = silentChanges(r.differences, r.findings);
      await out.line(JSON.stringify({ file, control: tx.control, status, differences: r.differences, ...(silent.length > 0 ? { silent } : {}), ...(errors.length > 0 ? { findings: errors.map((f) => f.message) } : {}) }));
    }
  }
  await out.close();
  return clean ? EXIT_OK : EXIT_REJECTED;
}

/** PAS -> X12 -> PAS -> X12: the two 278s, compared line by line (same clock and control numbers). */
function fhirRoundTrip(bundle: Record<string, unknown>): { bundle: unknown; status: string; differences: unknown[]; findings?: string[] } {
  const fixed = () => ({ now: () => new Date(0), controlNumbers: new MemoryControlNumbers() });
  const ref = (bundle.identifier as { value?: unknown } | undefined)?.value ?? null;
  const first = bundlesToRequestX12([bundle], fixed());
  const failed = first.outcomes[0]!.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  if (first.text === '') return { bundle: ref, status: 'not converted', differences: [], findings: failed };
  const tx = readX12Buffer(Buffer.from(first.text, 'latin1')).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []))[0];
  const again = tx === undefined ? null : requestToBundle(tx, { pasVersion: '2.2.1' }).bundle;
  if (again === null) return { bundle: ref, status: 'not converted', differences: [], findings: ['the written 278 could not be read back'] };
  const second = bundlesToRequestX12([again as unknown as Record<string, unknown>], fixed());
  const a = first.text.split('\n');
  const b = second.text.split('\n');
  const differences: unknown[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) differences.push({ line: i + 1, first: a[i] ?? '', second: b[i] ?? '' });
  return { bundle: ref, status: differences.length === 0 ? 'same' : 'different', differences };
}
