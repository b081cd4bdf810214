import { readFhirBundles } from '../pipeline/fhir-input.js';
import { fhirItemsToX12 } from '../pipeline/fhir-to-x12.js';
import { LineWriter, openOutput } from '../pipeline/line-writer.js';
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

/** PAS bundles (JSON or NDJSON files) -> X12 on the output (see fhirItemsToX12). */
export async function convertFhirFiles(files: readonly string[], o: FhirConvertOptions): Promise<number> {
  const report = new LineWriter(o.report ? openOutput(o.report) : process.stderr);
  const items = files.flatMap((f) => readFhirBundles(f));
  const r = fhirItemsToX12(items, o);
  for (const line of r.reports) await report.line(line);
  if (r.text !== '') {
    const out = new LineWriter(o.output ? openOutput(o.output) : process.stdout);
    await out.line(r.text.replace(/\n$/, ''));
    await out.close();
  }
  await report.close();
  if (!o.quiet) process.stderr.write(`x12pas convert: ${items.length} bundle(s) read: ${r.converted} converted to X12, ${r.rejected} rejected\n`);
  return r.rejected === 0 ? EXIT_OK : EXIT_REJECTED;
}
