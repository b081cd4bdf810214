import { createWriteStream } from 'node:fs';
import { bundlesToRequestX12 } from '../mapping/request-x12.js';
import { readFhirBundles } from './fhir-input.js';
import { EXIT_OK, EXIT_REJECTED, LineWriter } from './output.js';

export interface FhirConvertOptions {
  readonly output?: string;
  readonly report?: string;
  readonly quiet: boolean;
  readonly sender?: string;
  readonly receiver?: string;
}

/**
 * PAS Request Bundles (JSON or NDJSON files) -> one X12 interchange of 278 requests. A bundle
 * that cannot be written is left out and reported; warnings (a time zone X12 cannot hold, a
 * default written) are reported for the bundles written too.
 */
export async function convertFhirFiles(files: readonly string[], o: FhirConvertOptions): Promise<number> {
  const report = new LineWriter(o.report ? createWriteStream(o.report) : process.stderr);
  const items = files.flatMap((f) => readFhirBundles(f));
  const bundles = items.flatMap((i) => ('bundle' in i ? [i] : []));
  let rejected = 0;
  for (const i of items) {
    if ('error' in i) {
      rejected++;
      await report.line(JSON.stringify({ file: i.where, status: 'rejected', findings: [{ severity: 'error', code: 'NOT_A_BUNDLE', message: i.error }] }));
    }
  }
  const r = bundlesToRequestX12(
    bundles.map((b) => b.bundle),
    { ...(o.sender !== undefined ? { sender: o.sender } : {}), ...(o.receiver !== undefined ? { receiver: o.receiver } : {}) },
  );
  for (const x of r.outcomes) {
    if (x.status === 'rejected') rejected++;
    if (x.status === 'rejected' || x.findings.length > 0) {
      await report.line(JSON.stringify({ file: bundles[x.index]!.where, bundle: x.reference, control: x.control, status: x.status, findings: x.findings }));
    }
  }
  if (r.text !== '') {
    const out = new LineWriter(o.output ? createWriteStream(o.output) : process.stdout);
    await out.line(r.text.replace(/\n$/, ''));
    await out.close();
  }
  await report.close();
  const converted = r.outcomes.filter((x) => x.status === 'converted').length;
  if (!o.quiet) process.stderr.write(`x12pas convert: ${items.length} bundle(s) read: ${converted} converted into one interchange, ${rejected} rejected\n`);
  return rejected === 0 ? EXIT_OK : EXIT_REJECTED;
}
