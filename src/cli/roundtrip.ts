import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeTransaction } from '../grammar/validate.js';
import { roundTripRequest, roundTripResponse } from '../mapping/round-trip.js';
import { fhirRoundTrip as fhirBundleRoundTrip } from '../mapping/fhir-round-trip.js';
import { silentChanges } from '../mapping/engine/silent.js';
import { hasErrors, readX12 } from '../x12/index.js';

/** The response grammars (X217 response, X215 inquiry response): written back by the response writer. */
const RESPONSE_GRAMMARS = new Set(['278-x217-response', '278-x215-response']);
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
  FHIR in: PAS Request, Inquiry, Response or Inquiry Response Bundle -> 278 -> PAS bundle: each
           element of the original that does not come back equal, by its path in the bundle
           ({"path","original","again","named"}: named when a finding of the conversion names it).

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

/** PAS -> X12 -> PAS (any bundle kind): the FHIR elements that changed, each with whether a finding names it. */
function fhirRoundTrip(bundle: Record<string, unknown>): { bundle: unknown; kind: string; status: string; differences: readonly unknown[]; findings?: string[] } {
  const ref = (bundle.identifier as { value?: unknown } | undefined)?.value ?? null;
  const r = fhirBundleRoundTrip(bundle);
  const failed = r.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  return { bundle: ref, kind: r.kind, status: r.status, differences: r.differences, ...(failed.length > 0 ? { findings: failed } : {}) };
}
