import { isTimezone } from '../mapping/timezone.js';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { convertArchive } from '../pipeline/archive.js';
import { expandInputs, type InputFile } from '../pipeline/inputs.js';
import { defaultWorkers, SMALL_INPUT_BYTES } from '../pipeline/worker-plan.js';
import { sniffKind } from '../pipeline/open-input.js';
import { summaryText } from '../pipeline/summary.js';
import { FHIR_BUNDLES_PER_INTERCHANGE } from '../pipeline/fhir-to-x12.js';
import { convertFhirFiles } from './convert-fhir.js';
import { EXIT_OK, EXIT_REJECTED, pasVersionOption, UsageError } from './output.js';
import { loadRequestFinder } from '../pipeline/request-file.js';

export const CONVERT_HELP = `Usage: x12pas convert [options] INPUT...

INPUT is a file, a directory (read recursively), a glob ('claims/**/*.x12'), or - for standard
input; .gz files are gunzipped. Direction by content, per input:
  X12 in  -> one PAS bundle per transaction set, as NDJSON, in input order: 278 requests
             (005010X217) -> Request Bundles, X215 inquiries -> Inquiry Request Bundles,
             278 responses -> Response Bundles, X215 responses -> Inquiry Response Bundles.
  FHIR in -> X12: PAS Request Bundles -> 278 requests and Inquiry Request Bundles -> X215
             inquiries (one per diagnosis when the Claim names several) in one interchange
             per ${FHIR_BUNDLES_PER_INTERCHANGE} bundles; each Response Bundle -> a 278 response, each Inquiry
             Response Bundle -> an X215 response, an interchange each, after the requests
             read with it. Input: a JSON Bundle, NDJSON with one Bundle per line (read as it
             streams, so any size), or a $inquire Parameters; PAS 2.2.1 or 2.0.1. Each 278 is
             checked against its guide's rules before it is written; what X12 cannot hold is
             reported.
X12 and FHIR inputs mix in one run with --out-dir; on one output stream they cannot (NDJSON
and X12 would interleave). An input that is neither is rejected and reported.

Every transaction set (or bundle) read ends converted or rejected. A rejected one (envelope,
syntax or structure errors, or a kind of 278 not converted yet) is left out of the output and
reported; what a converted one holds that no mapping row reads is reported too, so nothing is
dropped silently. Report lines: {"file","offset","interchange","group","control",
"implementation","status","findings":[...]} (offset: the ST's byte offset; interchange, group
and control: ISA13, GS06, ST02).

Options:
  -o, --output FILE  write the output there instead of standard output
  --out-dir DIR      one output per input: <name>.ndjson for X12 inputs, <name>.x12 for FHIR
                     (names relative to a directory or glob given; each written under a
                     temporary name and renamed when complete)
  --resume           with --out-dir: skip inputs whose output is already complete
  --workers N        worker threads converting X12 (default: all cores, ${availableParallelism()} here; none when
                     the inputs total under ${SMALL_INPUT_BYTES / 1e6} MB, .gz counted at ten times its size, as
                     starting workers costs more than they save there; standard input counts
                     as large). The main thread reads and frames; workers map and serialize,
                     each with a capped heap, so memory stays flat whatever the input size.
                     0 converts on the main thread: its heap is not capped
  --pas VERSION      PAS version of the bundles: 2.2.1 (default) or 2.0.1
  --timezone=ZONE    X12 in: the zone of the X12 dates and times (Z or +hh:mm/-hh:mm; default Z,
                     reported once per interchange): instants keep the X12 digits with this offset
  --lossless         X12 in: carry what PAS has no place for in a Claim (or ClaimResponse) extension
                     (urn:x12pas:extension:x12-residue), so converting the bundle back writes
                     the 278 segment for segment as it was; default output stays clean PAS
  --request FILE     responses in: the request bundles they answer (JSON or NDJSON; may be
                     given again). X12 in: a response that echoes a request's 2000E trace
                     number (else its BHT03) references that Claim and takes its items'
                     sequences; without it, ClaimResponse.request names the Claim by its
                     identifier. FHIR in: a Response Bundle whose requestor is absent or not
                     in it takes the requester (2010B) from the request it answers
  --sender ID        FHIR in: ISA06/GS02 (default: the bundle's TransmissionIdentifiers, else X12PAS)
  --receiver ID      FHIR in: ISA08/GS03 (default: TransmissionIdentifiers, else the payer id)
  --report FILE      write the report lines there instead of standard error
  --ack FILE         write TA1/999 acknowledgments for all X12 input there
  --ack-dir DIR      one TA1/999 file per input interchange: <name>.<n>.ack.x12 (n: its
                     ordinal in the input), written when it has something to acknowledge
  --chunk-size BYTES read chunk size (default 1048576; the output does not depend on it)
  -q, --quiet        no summary and no progress bar on standard error
  -h, --help         this text

At the end a summary goes to standard error: files, interchanges, transaction sets read,
converted, rejected, bytes, time, transactions/s. A progress bar (bytes, transactions/s,
ETA) is drawn while standard error is a terminal.

Environment: X12PAS_CONVERTER=URL runs the workers with that module's convertTransaction in
place of ours (experiments and tests): workers start whatever the input size; --workers 0
ignores it.

Exit status: 0 all converted, 1 some rejected, 2 usage or I/O error.
`;

/** The options of `convert`, for its own parsing and for plannedWorkers. */
const CONVERT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  'out-dir': { type: 'string' },
  resume: { type: 'boolean' },
  workers: { type: 'string' },
  pas: { type: 'string', default: '2.2.1' },
  lossless: { type: 'boolean' },
  timezone: { type: 'string' },
  request: { type: 'string', multiple: true },
  sender: { type: 'string' },
  receiver: { type: 'string' },
  report: { type: 'string' },
  ack: { type: 'string' },
  'ack-dir': { type: 'string' },
  'chunk-size': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The worker threads a `convert` with these arguments will start: --workers N; else none when
 * the inputs are small (defaultWorkers) or one per core. Arguments `convert` will refuse give 0
 * (it reports them itself). bin/x12pas.js asks, to start convert under --single-threaded-gc only
 * when it will have workers.
 */
export function plannedWorkers(argv: string[]): number {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONVERT_OPTIONS });
    if (values.help || positionals.length === 0) return 0;
    return workersOption(values.workers, inputsOf(positionals, values));
  } catch {
    return 0;
  }
}

/** The input files (output directories inside an input directory are not read as input). */
function inputsOf(positionals: readonly string[], values: { readonly 'out-dir'?: string; readonly 'ack-dir'?: string }): InputFile[] {
  return expandInputs(positionals, [values['out-dir'], values['ack-dir']].filter((d): d is string => d !== undefined));
}

/** --workers N, else the default for these inputs (X12PAS_CONVERTER asks for workers: it runs in them). */
function workersOption(value: string | undefined, inputs: readonly InputFile[]): number {
  const cores = availableParallelism();
  return countOption('--workers', value, process.env.X12PAS_CONVERTER ? cores : defaultWorkers(inputs, cores), 0);
}

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONVERT_OPTIONS });
  if (values.help) {
    process.stdout.write(CONVERT_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('convert needs at least one INPUT (or - for standard input)');
  const pasVersion = pasVersionOption(values.pas);
  const outDir = values['out-dir'];
  if (outDir !== undefined && values.output !== undefined) throw new UsageError('give -o FILE or --out-dir DIR, not both');
  if (values.resume && outDir === undefined) throw new UsageError('--resume needs --out-dir (outputs of finished inputs are found there)');
  const chunkSize = countOption('--chunk-size', values['chunk-size'], 1 << 20, 1);
  const requests = values.request ?? [];
  // Read once here, so a bad --request file is a usage error before any work (workers read it again).
  if (requests.length > 0) {
    try {
      loadRequestFinder(requests);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const inputs = inputsOf(positionals, values);
  const workers = workersOption(values.workers, inputs);
  if (outDir === undefined) {
    const kinds = await Promise.all(inputs.map((i) => sniffKind(i.path)));
    const json = inputs.filter((_, k) => kinds[k] === 'fhir').map((i) => i.path);
    if (json.length > 0 && json.length !== inputs.length) {
      throw new UsageError(`X12 and FHIR inputs would mix NDJSON and X12 on one output; give --out-dir DIR (one output per input) or convert them in two runs (FHIR: ${json.join(', ')})`);
    }
    if (json.length > 0) {
      if (values.lossless) throw new UsageError('--lossless is for X12 input (a bundle that carries the residue is written back with it anyway)');
      return convertFhirFiles(json, {
        quiet: values.quiet === true,
        ...(values.output !== undefined ? { output: values.output } : {}),
        ...(values.report !== undefined ? { report: values.report } : {}),
        ...(values.sender !== undefined ? { sender: values.sender } : {}),
        ...(values.receiver !== undefined ? { receiver: values.receiver } : {}),
        ...(requests.length > 0 ? { requests } : {}),
      });
    }
  }
  const summary = await convertArchive({
    inputs,
    convert: { pasVersion, lossless: values.lossless === true, ...(values.timezone !== undefined ? { timezone: timezoneOption(values.timezone) } : {}), ...(requests.length > 0 ? { requests } : {}) },
    workers,
    chunkSize,
    ...(process.env.X12PAS_CONVERTER ? { converter: process.env.X12PAS_CONVERTER } : {}),
    resume: values.resume === true,
    progress: values.quiet !== true && process.stderr.isTTY === true,
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(outDir !== undefined ? { outDir } : {}),
    ...(values.report !== undefined ? { report: values.report } : {}),
    ...(values.ack !== undefined ? { ack: values.ack } : {}),
    ...(values['ack-dir'] !== undefined ? { ackDir: values['ack-dir'] } : {}),
    ...(values.sender !== undefined ? { sender: values.sender } : {}),
    ...(values.receiver !== undefined ? { receiver: values.receiver } : {}),
  });
  if (!values.quiet) process.stderr.write(summaryText(summary));
  return summary.rejected === 0 ? EXIT_OK : EXIT_REJECTED;
}

/** A whole-number option: its default when absent, a usage error when not a number >= min. */
function countOption(name: string, value: string | undefined, dflt: number, min: number): number {
  if (value === undefined) return dflt;
  if (!/^[0-9]+$/.test(value) || Number(value) < min) throw new UsageError(`${name} must be a whole number >= ${min}, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** --timezone: Z or an offset +hh:mm / -hh:mm. */
function timezoneOption(x: string): string {
  if (!isTimezone(x)) throw new UsageError(`--timezone ${JSON.stringify(x)}: give Z or an offset such as -05:00`);
  return x;
}
