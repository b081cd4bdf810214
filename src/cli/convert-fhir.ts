import { AtomicFile } from '../pipeline/atomic-file.js';
import { fhirItemsOf } from '../pipeline/fhir-input.js';
import { FhirToX12, type FhirEnvelopeOptions } from '../pipeline/fhir-to-x12.js';
import type { InputFile } from '../pipeline/inputs.js';
import { LineWriter, openOutput } from '../pipeline/line-writer.js';
import { openInput, readFailureOf, untilReadFailure, type ReadFailure } from '../pipeline/open-input.js';
import { unreadableReportLine } from '../pipeline/report-line.js';
import type { ControlNumberAllocator } from '../x12/index.js';
import { EXIT_OK, EXIT_REJECTED } from './output.js';

export interface FhirConvertOptions {
  readonly output?: string;
  readonly report?: string;
  readonly quiet: boolean;
  readonly envelope?: FhirEnvelopeOptions;
  readonly controlNumbers?: ControlNumberAllocator;
  /** --request files: the requests the response bundles answer. */
  readonly requests?: readonly string[];
}

/**
 * PAS bundles (JSON or NDJSON files, gzipped or not) -> X12 on the output, streamed (see
 * FhirToX12). `-o` is written under a temporary name and renamed at the end, so a run that fails
 * leaves a file already there as it was. An input that cannot be read (or whose gzip stream
 * breaks, after what came before it) is a rejected report line, and the run goes on.
 */
export async function convertFhirFiles(files: readonly InputFile[], o: FhirConvertOptions): Promise<number> {
  const report = new LineWriter(o.report ? openOutput(o.report) : process.stderr);
  const file = o.output !== undefined ? new AtomicFile(o.output, { createDir: false }) : null;
  const output = new LineWriter(file?.stream ?? process.stdout, 1 << 20);
  const fhir = new FhirToX12(
    { ...o.envelope, ...(o.controlNumbers !== undefined ? { controlNumbers: o.controlNumbers } : {}), ...(o.requests !== undefined ? { requests: o.requests } : {}) },
    { text: (x12) => output.raw(x12), report: (line) => report.line(line) },
  );
  let problems = 0;
  const reject = async (path: string, f: { readonly code: Parameters<typeof unreadableReportLine>[1]; readonly message: string }): Promise<void> => {
    problems++;
    await report.line(unreadableReportLine(path, f.code, f.message));
  };
  try {
    for (const input of files) {
      if (input.unreadable !== undefined) {
        await reject(input.path, input.unreadable);
        continue;
      }
      let opened;
      try {
        opened = await openInput(input.path);
      } catch (e) {
        await reject(input.path, readFailureOf(e, true));
        continue;
      }
      const read: { failure: ReadFailure | null } = { failure: null };
      const chunks = untilReadFailure(opened.chunks, read);
      if (opened.kind !== 'fhir') {
        for await (const _ of chunks) void _;
        await reject(input.path, { code: 'NOT_X12_OR_FHIR', message: opened.kind === 'x12' ? 'X12 in a run of FHIR inputs: not converted (give --out-dir for one output per input)' : 'neither X12 (no ISA segment at its start) nor FHIR JSON' });
      } else for await (const item of fhirItemsOf(chunks, input.path)) await fhir.add(item);
      if (read.failure !== null) await reject(input.path, read.failure);
    }
    await fhir.flush();
    await output.flush();
    await report.close();
  } catch (e) {
    await file?.discard();
    throw e;
  }
  await file?.commit();
  if (!o.quiet) {
    const extra = problems > 0 ? `; ${problems} input(s) or part(s) of one not read` : '';
    process.stderr.write(`x12pas convert: ${fhir.read} bundle(s) read: ${fhir.converted} converted to X12, ${fhir.rejected} rejected${extra}\n`);
  }
  return fhir.rejected === 0 && problems === 0 ? EXIT_OK : EXIT_REJECTED;
}
