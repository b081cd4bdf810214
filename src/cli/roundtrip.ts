import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeTransaction } from '../grammar/validate.js';
import { roundTripRequest } from '../mapping/round-trip.js';
import { fhirRoundTrip as fhirBundleRoundTrip } from '../mapping/fhir-round-trip.js';
import { hasErrors, readX12 } from '../x12/index.js';
import { readFhirBundles, looksLikeJson } from '../pipeline/fhir-input.js';
import { EXIT_OK, EXIT_REJECTED, UsageError } from './output.js';
import { LineWriter } from '../pipeline/line-writer.js';

export const ROUNDTRIP_HELP = `Usage: x12pas roundtrip [options] FILE...

Converts each input there and back and prints every difference, one NDJSON line per
transaction set or bundle: {"file","control"|"bundle","status","differences":[...]}.

  X12 in:  278 request (or X215 inquiry) -> PAS bundle -> 278 again; responses are not
           written back yet and are reported as not converted. A difference names the loop instance
           (2000A[0]/.../2000F[1]), the segment's position and both texts; envelope control
           numbers and dates are not compared. With --lossless the residue extension rides
           along, so there should be none.
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
      const r = roundTripRequest(tx, { pasVersion: '2.2.1', lossless: values.lossless === true, tree: v.tree });
      const errors = [...r.findings, ...r.writeFindings].filter((f) => f.severity === 'error');
      const status = r.bundle === null || errors.length > 0 ? 'not converted' : r.differences.length === 0 ? 'same' : 'different';
      if (status !== 'same') clean = false;
      await out.line(JSON.stringify({ file, control: tx.control, status, differences: r.differences, ...(errors.length > 0 ? { findings: errors.map((f) => f.message) } : {}) }));
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
