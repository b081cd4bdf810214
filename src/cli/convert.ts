import { isTimezone } from '../mapping/engine/timezone.js';
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
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultControlFile, FileControlNumbers } from '../pipeline/control-file.js';
import type { FhirEnvelopeOptions } from '../pipeline/fhir-to-x12.js';
import { partyIdProblem, qualifierProblem } from '../x12/party-id.js';
import type { Charset } from '../x12/characters.js';

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
  --sender ID        FHIR in: ISA06/GS02 (default: the bundle's TransmissionIdentifiers, else X12PAS):
                     2-15 characters of printable ASCII
  --receiver ID      FHIR in: ISA08/GS03 (default: TransmissionIdentifiers, else the payer id)
  --sender-qualifier Q, --receiver-qualifier Q
                     FHIR in: ISA05 / ISA07 (default ZZ; 01, 14, 20, 27, 28, 29, 30, 33 or ZZ)
  --usage T|P        FHIR in: ISA15, test or production data (default: T for a bundle tagged
                     as test data in Bundle.meta.tag, as X12 -> PAS does for an ISA15 T; else P)
  --charset utf8|ascii
                     the characters the partner takes (default utf8). X12 is read as UTF-8
                     (Latin-1 where its bytes are not valid UTF-8) and written as UTF-8; control
                     characters are reported where read (CONTROL_CHARACTER) and never written
                     (LOSSY_VALUE). ascii: non-ASCII reported where read (NON_ASCII_CHARACTER)
                     and written as plain ASCII (accents dropped, else ?) with LOSSY_VALUE
  --control-file FILE
                     where ISA13, GS06 and ST02 of the interchanges and acknowledgments written
                     are counted per sender/receiver pair, so they never repeat across runs
                     (default: $X12PAS_CONTROL_FILE, else $XDG_STATE_HOME/x12pas/control-numbers.json,
                     $XDG_STATE_HOME defaulting to ~/.local/state); safe for concurrent runs
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

An input that cannot be read (a file or directory that cannot be opened or listed, a dangling
link, a link loop, a corrupt or truncated .gz, a line that is not JSON) is a rejected report
line with its own code, and the run goes on with the next; what came before it stays in the
output. An interchange that cannot be used (cut inside ISA, GS or IEA, separators that collide
or are missing, no segment terminator) is reported once, with its TA1 when its ISA can be read,
and counted as rejected.

Exit status:
  0  every input converted (every transaction set or bundle, no envelope or input problem)
  1  something rejected: a transaction set, a bundle, an interchange, an input (see the report)
  2  the run itself failed: a usage error (bad option, bad --sender, a missing --ack directory,
     an INPUT given that does not exist or a glob that matches nothing), or an output or the
     control file that cannot be written; -o is written under a temporary name and renamed at
     the end, so a failed run leaves a file already there as it was
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
  'sender-qualifier': { type: 'string' },
  'receiver-qualifier': { type: 'string' },
  usage: { type: 'string' },
  charset: { type: 'string' },
  'control-file': { type: 'string' },
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
  if (values.charset !== undefined && values.charset !== 'utf8' && values.charset !== 'ascii') throw new UsageError(`--charset must be utf8 or ascii, not ${JSON.stringify(values.charset)}`);
  const charset = values.charset as Charset | undefined;
  const envelope = { ...envelopeOptions(values), ...(charset !== undefined ? { charset } : {}) };
  checkAckPaths(values.ack, values['ack-dir']);
  const inputs = inputsOf(positionals, values);
  const workers = workersOption(values.workers, inputs);
  const controlNumbers = new FileControlNumbers(values['control-file'] ?? defaultControlFile());
  try {
    if (outDir === undefined) {
      const kinds = await Promise.all(inputs.map((i) => (i.unreadable !== undefined ? null : sniffKind(i.path))));
      const fhir = inputs.filter((_, k) => kinds[k] === 'fhir').map((i) => i.path);
      const x12 = inputs.some((i, k) => kinds[k] === 'x12' || i.path === '-');
      if (fhir.length > 0 && x12) {
        throw new UsageError(`X12 and FHIR inputs would mix NDJSON and X12 on one output; give --out-dir DIR (one output per input) or convert them in two runs (FHIR: ${fhir.join(', ')})`);
      }
      if (fhir.length > 0) {
        if (values.lossless) throw new UsageError('--lossless is for X12 input (a bundle that carries the residue is written back with it anyway)');
        return await convertFhirFiles(inputs, {
          quiet: values.quiet === true,
          envelope,
          controlNumbers,
          ...(values.output !== undefined ? { output: values.output } : {}),
          ...(values.report !== undefined ? { report: values.report } : {}),
          ...(requests.length > 0 ? { requests } : {}),
        });
      }
    }
    const summary = await convertArchive({
      inputs,
      convert: { pasVersion, lossless: values.lossless === true, ...(values.timezone !== undefined ? { timezone: timezoneOption(values.timezone) } : {}), ...(requests.length > 0 ? { requests } : {}), ...(charset !== undefined ? { charset } : {}) },
      workers,
      chunkSize,
      ...(process.env.X12PAS_CONVERTER ? { converter: process.env.X12PAS_CONVERTER } : {}),
      resume: values.resume === true,
      progress: values.quiet !== true && process.stderr.isTTY === true,
      envelope,
      controlNumbers,
      ...(values.output !== undefined ? { output: values.output } : {}),
      ...(outDir !== undefined ? { outDir } : {}),
      ...(values.report !== undefined ? { report: values.report } : {}),
      ...(values.ack !== undefined ? { ack: values.ack } : {}),
      ...(values['ack-dir'] !== undefined ? { ackDir: values['ack-dir'] } : {}),
    });
    if (!values.quiet) process.stderr.write(summaryText(summary));
    return summary.rejected === 0 ? EXIT_OK : EXIT_REJECTED;
  } finally {
    controlNumbers.close();
  }
}

/** The envelope options of FHIR input, checked: a bad id, qualifier or usage is a usage error. */
function envelopeOptions(values: { readonly sender?: string; readonly receiver?: string; readonly 'sender-qualifier'?: string; readonly 'receiver-qualifier'?: string; readonly usage?: string }): FhirEnvelopeOptions {
  const check = (problem: string | null): void => {
    if (problem !== null) throw new UsageError(problem);
  };
  if (values.sender !== undefined) check(partyIdProblem(values.sender, 'application', '--sender (ISA06/GS02)'));
  if (values.receiver !== undefined) check(partyIdProblem(values.receiver, 'application', '--receiver (ISA08/GS03)'));
  if (values['sender-qualifier'] !== undefined) check(qualifierProblem(values['sender-qualifier'], '--sender-qualifier (ISA05)'));
  if (values['receiver-qualifier'] !== undefined) check(qualifierProblem(values['receiver-qualifier'], '--receiver-qualifier (ISA07)'));
  if (values.usage !== undefined && values.usage !== 'T' && values.usage !== 'P') throw new UsageError(`--usage must be T (test) or P (production), not ${JSON.stringify(values.usage)}`);
  return {
    ...(values.sender !== undefined ? { sender: values.sender } : {}),
    ...(values.receiver !== undefined ? { receiver: values.receiver } : {}),
    ...(values['sender-qualifier'] !== undefined ? { senderQualifier: values['sender-qualifier'] } : {}),
    ...(values['receiver-qualifier'] !== undefined ? { receiverQualifier: values['receiver-qualifier'] } : {}),
    ...(values.usage === 'T' || values.usage === 'P' ? { usage: values.usage } : {}),
  };
}

/** --ack FILE needs an existing directory; --ack-dir DIR is made when its parent exists. Else a usage error, before any work. */
function checkAckPaths(ack: string | undefined, ackDir: string | undefined): void {
  const isDir = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (ack !== undefined && !isDir(dirname(resolve(ack)))) throw new UsageError(`--ack ${ack}: directory ${dirname(ack)} does not exist`);
  if (ackDir !== undefined && !isDir(ackDir) && !isDir(dirname(resolve(ackDir)))) throw new UsageError(`--ack-dir ${ackDir}: neither it nor its parent directory ${dirname(ackDir)} exists`);
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
