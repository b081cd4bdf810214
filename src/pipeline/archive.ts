import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { FhirToX12, type FhirEnvelopeOptions } from './fhir-to-x12.js';
import { AckFile, envelopeEvent } from './envelope-events.js';
import { fhirItemsOf } from './fhir-input.js';
import { LineWriter, openOutput } from './line-writer.js';
import { AckBuilder, type ControlNumberAllocator } from '../x12/index.js';
import { AtomicFile, anyComplete, writeFileAtomic } from './atomic-file.js';
import type { ConvertOptions } from './convert-transaction.js';
import { ConversionEngine, type ConversionSink } from './engine.js';
import type { InputFile } from './inputs.js';
import { openInput, readFailureOf, untilReadFailure, type OpenedInput, type ReadFailure } from './open-input.js';
import { Progress } from './progress.js';
import { unreadableReportLine, type InputProblemCode } from './report-line.js';
import { emptySummary, type RunSummary } from './summary.js';

export interface ArchiveOptions {
  readonly inputs: readonly InputFile[];
  readonly convert: ConvertOptions;
  /** Worker threads (0: convert on the main thread). */
  readonly workers: number;
  /** Module URL exporting `convertTransaction` for the workers to use instead of ours. */
  readonly converter?: string;
  readonly batchSize?: number;
  /** Read chunk size in bytes (default 1 MiB). */
  readonly chunkSize?: number;
  /** One NDJSON output for every X12 input: a file, or standard output when absent. */
  readonly output?: string;
  /** Or a stream of one's own for it (left open at the end). */
  readonly outputStream?: Writable;
  /** One output per input instead: `<name>.ndjson` for X12, `<name>.x12` for FHIR. */
  readonly outDir?: string;
  /** Skip inputs whose output in outDir is complete. */
  readonly resume?: boolean;
  /** Report lines there, else on standard error. */
  readonly report?: string;
  /** Acknowledgments of every interchange in one file. */
  readonly ack?: string;
  /** One acknowledgment file per input interchange: `<name>.<n>.ack.x12`. */
  readonly ackDir?: string;
  /** FHIR in: the envelope (sender, receiver, qualifiers, usage). */
  readonly envelope?: FhirEnvelopeOptions;
  /** Where the control numbers of written interchanges and acknowledgments come from (default: counting from 1 in memory). */
  readonly controlNumbers?: ControlNumberAllocator;
  readonly progress?: boolean;
}

/** Output chunk size of the NDJSON writers (characters). */
const OUTPUT_CHUNK = 1 << 20;

/**
 * Converts every input, in order: X12 through the conversion engine (workers, ordered output),
 * FHIR bundles into one X12 interchange per input, anything else rejected and reported. Every
 * transaction set or bundle read ends converted or rejected: in = converted + rejected.
 */
export async function convertArchive(o: ArchiveOptions): Promise<RunSummary> {
  const started = performance.now();
  const sum = emptySummary();
  sum.workers = o.workers;
  const report = new LineWriter(o.report !== undefined ? openOutput(o.report) : process.stderr, o.report !== undefined ? OUTPUT_CHUNK : 0);
  // -o: written under a temporary name and renamed when the run is done (a failed run leaves a file there as it was).
  const sharedFile = o.outDir === undefined && o.outputStream === undefined && o.output !== undefined ? new AtomicFile(o.output, { createDir: false }) : null;
  const shared = o.outDir === undefined ? new LineWriter(o.outputStream ?? sharedFile?.stream ?? process.stdout, OUTPUT_CHUNK) : null;
  const ackFile = o.ack !== undefined ? new AckFile(o.ack, o.controlNumbers !== undefined ? { controlNumbers: o.controlNumbers } : {}) : null;
  // Outputs are opened first: one that cannot be is an error before any worker starts.
  const engine = new ConversionEngine({
    workers: o.workers,
    options: o.convert,
    ack: o.ack !== undefined || o.ackDir !== undefined,
    ...(o.converter !== undefined ? { converter: o.converter } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
  });
  let current: OpenedInput | null = null;
  let doneBytes = 0;
  let otherItems = 0;
  let sharedKind: 'x12' | 'fhir' | null = null;
  let failed = true;
  const progress = new Progress(o.inputs.reduce((n, f) => n + f.size, 0), { bytes: () => doneBytes + (current?.fileBytes() ?? 0), transactions: () => engine.consumed + otherItems }, o.progress === true);
  /** An input (or the rest of one) that could not be read: one rejected report line, and the run goes on. */
  const rejectInput = async (file: string, code: InputProblemCode, message: string): Promise<void> => {
    await report.line(unreadableReportLine(file, code, message));
    sum.transactions++;
    sum.rejected++;
    otherItems++;
  };
  try {
    for (const input of o.inputs) {
      const targets = o.outDir !== undefined ? { x12: join(o.outDir, input.name + '.ndjson'), fhir: join(o.outDir, input.name + '.x12') } : null;
      if (o.resume === true && targets !== null && anyComplete([targets.x12, targets.fhir])) {
        sum.skipped++;
        doneBytes += input.size;
        continue;
      }
      sum.files++;
      if (input.unreadable !== undefined) {
        await rejectInput(input.path, input.unreadable.code, input.unreadable.message);
        continue;
      }
      let opened: OpenedInput;
      try {
        opened = current = await openInput(input.path, o.chunkSize);
      } catch (e) {
        const f = readFailureOf(e, true);
        await rejectInput(input.path, f.code, f.message);
        continue;
      }
      // A read error (a corrupt .gz, an I/O error) ends the input there: what came before is converted, the error reported after it.
      const read: { failure: ReadFailure | null } = { failure: null };
      const chunks = untilReadFailure(opened.chunks, read);
      // One shared output holds one kind: an input that would put X12 among NDJSON (or the other
      // way round; standard input is only seen here) is rejected, not mixed in.
      const mixed = shared !== null && opened.kind !== 'unknown' && sharedKind !== null && opened.kind !== sharedKind;
      if (shared !== null && opened.kind !== 'unknown') sharedKind ??= opened.kind;
      if (opened.kind === 'unknown' || mixed) {
        for await (const _ of chunks) void _;
        const why = mixed ? `${opened.kind === 'fhir' ? 'FHIR' : 'X12'} input in a run whose output is ${sharedKind === 'fhir' ? 'X12' : 'NDJSON'}: not converted (give --out-dir for one output per input)` : 'neither X12 (no ISA segment at its start) nor FHIR JSON';
        await rejectInput(input.path, mixed ? 'MIXED_OUTPUT' : 'NOT_X12_OR_FHIR', why);
      } else if (opened.kind === 'fhir') {
        otherItems += await convertFhirInput(chunks, input, targets?.fhir ?? null, shared, report, o, sum);
      } else {
        const file = targets !== null ? new AtomicFile(targets.x12) : null;
        const out = file !== null ? new LineWriter(file.stream, OUTPUT_CHUNK) : shared!;
        const envelope = { rejected: 0 };
        const sink = x12Sink(input, out, report, ackFile, o.ackDir ?? null, envelope, o.controlNumbers);
        try {
          const c = await engine.run(chunks, input.path, sink);
          sum.interchanges += c.interchanges;
          sum.transactions += c.transactions + envelope.rejected;
          sum.converted += c.converted;
          sum.rejected += c.rejected + envelope.rejected;
          otherItems += envelope.rejected;
          await out.flush();
          await file?.commit();
        } catch (err) {
          await file?.discard();
          throw err;
        }
      }
      if (read.failure !== null) await rejectInput(input.path, read.failure.code, read.failure.message);
      doneBytes += opened.fileBytes();
      sum.bytes += opened.fileBytes();
      current = null;
    }
    // The report and acknowledgments are complete before the output takes its name: a run that fails writing them leaves -o as it was.
    await shared?.flush();
    await report.close();
    await ackFile?.close();
    failed = false;
  } finally {
    progress.stop();
    sum.workerBusy = engine.workerUtilization();
    await engine.close();
    if (failed) {
      await report.flush().catch(() => undefined);
      await sharedFile?.discard();
    }
  }
  if (sharedFile !== null) await sharedFile.commit();
  else if (o.outputStream === undefined) await shared?.close();
  sum.seconds = (performance.now() - started) / 1000;
  return sum;
}

/** Where the results of one X12 input go: bundles, report lines, acknowledgments. */
function x12Sink(input: InputFile, out: LineWriter, report: LineWriter, ackFile: AckFile | null, ackDir: string | null, envelope: { rejected: number }, controlNumbers: ControlNumberAllocator | undefined): ConversionSink {
  const perInterchange = ackDir !== null ? new AckBuilder(controlNumbers !== undefined ? { controlNumbers } : {}) : null;
  return {
    bundles: (bytes) => out.raw(bytes),
    reports: (bytes) => report.raw(bytes),
    transaction(tx, _converted, validation) {
      ackFile?.builder.transaction(tx, validation ?? []);
      perInterchange?.transaction(tx, validation ?? []);
    },
    async envelope(ev) {
      // An envelope report line with an error (an interchange or group that cannot be used, text outside any) is one rejected item.
      if ((await envelopeEvent(ev, input.path, report, ackFile)) > 0) envelope.rejected++;
      if (perInterchange === null) return;
      if (ev.kind === 'finding') {
        // An interchange whose ISA is unusable: its TA1 (when the ISA can be read) named by the ISA's offset.
        if (perInterchange.unusableInterchange(ev.finding)) writeFileAtomic(join(ackDir!, `${input.name}.at-${ev.finding.offset ?? 0}.ack.x12`), perInterchange.drain());
      } else if (ev.kind === 'group-end') perInterchange.groupEnd(ev.group);
      else if (ev.kind === 'interchange-end') {
        perInterchange.interchangeEnd(ev.interchange);
        const text = perInterchange.drain();
        if (text !== '') writeFileAtomic(join(ackDir!, `${input.name}.${ev.interchange.index}.ack.x12`), text);
      }
    },
  };
}

/**
 * A FHIR input: its bundles to X12 (FhirToX12: interchanges as they fill), to its own output
 * (written under a temporary name, complete even when empty) or the shared one. Returns the
 * items read.
 */
async function convertFhirInput(chunks: AsyncIterable<Uint8Array>, input: InputFile, target: string | null, shared: LineWriter | null, report: LineWriter, o: ArchiveOptions, sum: RunSummary): Promise<number> {
  const file = target !== null ? new AtomicFile(target) : null;
  const out = file !== null ? new LineWriter(file.stream, OUTPUT_CHUNK) : shared!;
  // Each interchange ends with a line break: on the shared output the next input starts a line.
  const fhir = new FhirToX12({ ...o.envelope, ...(o.controlNumbers !== undefined ? { controlNumbers: o.controlNumbers } : {}), ...(o.convert.requests !== undefined ? { requests: o.convert.requests } : {}) }, { text: (x12) => out.raw(x12), report: (line) => report.line(line) });
  try {
    for await (const item of fhirItemsOf(chunks, input.path)) await fhir.add(item);
    await fhir.flush();
    await out.flush();
    await file?.commit();
  } catch (err) {
    await file?.discard();
    throw err;
  }
  sum.transactions += fhir.read;
  sum.converted += fhir.converted;
  sum.rejected += fhir.rejected;
  return fhir.read;
}
