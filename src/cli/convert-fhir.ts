import { fhirItemsOf } from '../pipeline/fhir-input.js';
import { FhirToX12 } from '../pipeline/fhir-to-x12.js';
import { LineWriter, openOutput } from '../pipeline/line-writer.js';
import { openInput } from '../pipeline/open-input.js';
import { EXIT_OK, EXIT_REJECTED } from './output.js';

export interface FhirConvertOptions {
  readonly output?: string;
  readonly report?: string;
  readonly quiet: boolean;
  readonly sender?: string;
  readonly receiver?: string;
  /** --request files: the requests the response bundles answer. */
  readonly requests?: readonly string[];
}

/**
 * PAS bundles (JSON or NDJSON files, gzipped or not) -> X12 on the output, streamed (see
 * FhirToX12); the output is opened when the first X12 is written.
 */
export async function convertFhirFiles(files: readonly string[], o: FhirConvertOptions): Promise<number> {
  const report = new LineWriter(o.report ? openOutput(o.report) : process.stderr);
  const output: { writer?: LineWriter } = {};
  const fhir = new FhirToX12(o, {
    text: (x12) => (output.writer ??= new LineWriter(o.output ? openOutput(o.output) : process.stdout, 1 << 20)).raw(x12),
    report: (line) => report.line(line),
  });
  for (const file of files) {
    const opened = await openInput(file);
    for await (const item of fhirItemsOf(opened.chunks, file)) await fhir.add(item);
  }
  await fhir.flush();
  await output.writer?.close();
  await report.close();
  if (!o.quiet) process.stderr.write(`x12pas convert: ${fhir.read} bundle(s) read: ${fhir.converted} converted to X12, ${fhir.rejected} rejected\n`);
  return fhir.rejected === 0 ? EXIT_OK : EXIT_REJECTED;
}
