import { createReadStream, createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeTransaction } from '../grammar/validate.js';
import { requestToBundle } from '../mapping/index.js';
import { roundTripRequest } from '../mapping/round-trip.js';
import { convertFhirFiles } from './convert-fhir.js';
import { looksLikeJson } from './fhir-input.js';
import { hasErrors, readX12, type Finding } from '../x12/index.js';
import { AckFile, envelopeEvent } from './envelope-events.js';
import { findingJson } from './ndjson.js';
import { EXIT_OK, EXIT_REJECTED, LineWriter, pasVersionOption, UsageError } from './output.js';

export const CONVERT_HELP = `Usage: x12pas convert [options] FILE...

Direction by content:
  X12 in  -> PAS Request Bundles from 278 requests (005010X217): one bundle per transaction
             set, as NDJSON, in input order. FILE may be - for standard input.
  FHIR in -> one X12 interchange of 278 requests from PAS Request Bundles (a JSON Bundle, or
             NDJSON with one Bundle per line; PAS 2.2.1 or 2.0.1). Each 278 is checked against
             the X217 rules before it is written; what X12 cannot hold is reported.

Every transaction set read ends converted or rejected. A rejected one (envelope, syntax or
structure errors, or a kind of 278 not converted yet) is left out of the output and reported;
what a converted one holds that no mapping row reads is reported too, so nothing is dropped
silently. Report lines: {"file","control","implementation","status","findings":[...]}.

Options:
  -o, --output FILE  write the bundles there instead of standard output
  --pas VERSION      PAS version of the bundles: 2.2.1 (default) or 2.0.1
  --lossless         X12 in: carry what PAS has no place for in a Claim extension
                     (urn:x12pas:extension:x12-residue), so converting the bundle back writes
                     the 278 segment for segment as it was; default output stays clean PAS
  --sender ID        FHIR in: ISA06/GS02 (default: the bundle's TransmissionIdentifiers, else X12PAS)
  --receiver ID      FHIR in: ISA08/GS03 (default: TransmissionIdentifiers, else the payer id)
  --report FILE      write the report lines there instead of standard error
  --ack FILE         write TA1/999 acknowledgments for the input
  -q, --quiet        no summary line on standard error
  -h, --help         this text

Not yet: 278 responses and X215 inquiries (issue 4).
Exit status: 0 all converted, 1 some rejected, 2 usage or I/O error.
`;

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      pas: { type: 'string', default: '2.2.1' },
      lossless: { type: 'boolean' },
      sender: { type: 'string' },
      receiver: { type: 'string' },
      report: { type: 'string' },
      ack: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CONVERT_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('convert needs at least one FILE (or - for standard input)');
  const pasVersion = pasVersionOption(values.pas);
  const json = positionals.filter((f) => looksLikeJson(f));
  if (json.length > 0) {
    if (json.length !== positionals.length) throw new UsageError(`give either X12 files or FHIR files in one run, not both (FHIR: ${json.join(', ')})`);
    if (values.lossless) throw new UsageError('--lossless is for X12 input (a bundle that carries the residue is written back with it anyway)');
    return convertFhirFiles(positionals, {
      quiet: values.quiet === true,
      ...(values.output !== undefined ? { output: values.output } : {}),
      ...(values.report !== undefined ? { report: values.report } : {}),
      ...(values.sender !== undefined ? { sender: values.sender } : {}),
      ...(values.receiver !== undefined ? { receiver: values.receiver } : {}),
    });
  }
  // Bundles are ~10 kB each: written in chunks of about 256 kB, not one write (and wait) per line.
  const out = new LineWriter(values.output ? createWriteStream(values.output) : process.stdout, OUTPUT_CHUNK);
  const report = new LineWriter(values.report ? createWriteStream(values.report) : process.stderr, OUTPUT_CHUNK);
  const ack = values.ack !== undefined ? new AckFile(values.ack) : null;
  let read = 0;
  let converted = 0;
  try {
    for (const file of positionals) {
      const source = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
      for await (const ev of readX12(source as AsyncIterable<Uint8Array>)) {
        if (ev.kind === 'transaction') {
          const tx = ev.transaction;
          read++;
          const v = analyzeTransaction(tx);
          ack?.builder.transaction(tx, v.findings);
          const findings: Finding[] = [...tx.findings, ...v.findings];
          let bundle: unknown = null;
          if (!hasErrors(findings)) {
            if (v.tree?.grammar.id !== '278-x217-request') {
              findings.push({ severity: 'error', code: 'NOT_CONVERTED_YET', message: `${v.tree?.grammar.label ?? `transaction set ${tx.type} ${tx.implementation}`}: conversion to PAS is not available yet` });
            } else {
              const r = values.lossless ? roundTripRequest(tx, { pasVersion, lossless: true, tree: v.tree }) : requestToBundle(tx, { pasVersion, tree: v.tree });
              for (const m of r.findings) findings.push({ severity: m.severity, code: m.code, message: m.message, segment: m.segment, position: m.position, ...(m.loop ? { loop: m.loop } : {}) });
              if (r.bundle !== null && !r.findings.some((f) => f.severity === 'error')) bundle = r.bundle; // mapping findings have their own type
            }
          }
          const status = bundle !== null ? 'converted' : 'rejected';
          if (bundle !== null) {
            converted++;
            await out.line(JSON.stringify(bundle));
          }
          if (status === 'rejected' || findings.length > 0) {
            await report.line(JSON.stringify({ file, control: tx.control, implementation: tx.implementation, status, findings: findings.map(findingJson) }));
          }
        } else {
          await envelopeEvent(ev, file, report, ack);
        }
      }
    }
  } finally {
    // What was converted before a failure (an unreadable file) is written all the same.
    await out.flush();
    await report.flush();
  }
  await out.close();
  await report.close();
  await ack?.close();
  if (!values.quiet) process.stderr.write(`x12pas convert: ${read} transaction set(s) read: ${converted} converted, ${read - converted} rejected\n`);
  return converted === read ? EXIT_OK : EXIT_REJECTED;
}

/** Output chunk size of `convert` (characters). */
const OUTPUT_CHUNK = 1 << 18;
