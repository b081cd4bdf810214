import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { envelopeEvent } from '../pipeline/envelope-events.js';
import { fhirItemsOf } from '../pipeline/fhir-input.js';
import { findingJson, findingsLine, groupJson, interchangeJson } from '../pipeline/ndjson.js';
import { validateTransaction } from '../grammar/validate.js';
import { hasErrors, readX12, type Finding } from '../x12/index.js';
import type { PasFinding } from '../pas/findings.js';
import { INPUTS_HELP, forEachInput } from './each-input.js';
import { EXIT_OK, EXIT_REJECTED, pasVersionOption, UsageError } from './output.js';
import { LineWriter } from '../pipeline/line-writer.js';

export const VALIDATE_HELP = `Usage: x12pas validate [options] FILE...

Checks files without converting them. The kind of each file is read from its content:
  X12 (starts with ISA)   envelope, element syntax and 278 structure (X217/X215 grammars)
  FHIR JSON               PAS profiles of the chosen version: a Bundle, a $inquire Parameters
                          (each bundle it returns), or NDJSON with one Bundle per line (every
                          line checked; a line that is not JSON or not a Bundle is a finding
                          with its line number, and the lines after it are still checked)
Prints one NDJSON line per transaction set or bundle:
  X12:  {"file","interchange":{"control","sender","receiver","delimiters"},"group":{"control",
         "functionalId","version"},"control","implementation","valid","findings":[...]}
  FHIR: {"file","bundle"(its number in the file),"line"(NDJSON),"id","valid","findings":[...]}
Problems tied to no transaction set (text outside interchanges, envelope trailers, an input
that cannot be read) come as {"file","findings":[...]} lines, as in x12pas inspect. FHIR
findings add "location" (a FHIRPath-like path), "profile" and "rule".

${INPUTS_HELP}

The PAS profiles, US Core and the value sets they bind come with x12pas (fhir/, see its
NOTICE); --packages DIR or $X12PAS_FHIR_PACKAGES choose a FHIR package cache instead
(<name>#<version>/package/*.json, e.g. ~/.fhir/packages), which must hold the PAS package.

Options:
  --pas VERSION      PAS version for FHIR input: 2.2.1 (default) or 2.0.1
  --kind KIND        what the bundles are: request, response, inquiry-request, inquiry-response
                     (default: from Bundle.meta.profile, else the first entry)
  --packages DIR     FHIR package cache to validate with (default: the definitions x12pas ships)
  -o, --output FILE  write the NDJSON there instead of standard output
  -q, --quiet        nothing on standard error but errors (no summary)
  -h, --help         this text

Exit status: 0 no errors, 1 errors found, 2 usage or I/O error (or a chosen cache unusable).
`;

const KINDS = ['request', 'response', 'inquiry-request', 'inquiry-response'] as const;
type Kind = (typeof KINDS)[number];

interface FhirOptions {
  pasVersion: '2.2.1' | '2.0.1';
  kind: Kind | undefined;
  packages: string | undefined;
}

/** What a file gave: units checked, and how many of them had errors. */
interface Tally {
  units: number;
  invalid: number;
}

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      pas: { type: 'string', default: '2.2.1' },
      kind: { type: 'string' },
      packages: { type: 'string' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('validate needs at least one FILE (or - for standard input)');
  const pasVersion = pasVersionOption(values.pas);
  const kind = values.kind;
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const fhir: FhirOptions = { pasVersion, kind: kind as Kind | undefined, packages: values.packages };
  const out = new LineWriter(values.output ? createWriteStream(values.output) : process.stdout);
  const total: Tally = { units: 0, invalid: 0 };
  const add = (t: Tally): void => {
    total.units += t.units;
    total.invalid += t.invalid;
  };
  const inputs = await forEachInput(
    positionals,
    async ({ path: file }, opened) => add(opened.kind === 'fhir' ? await validateFhir(file, opened.chunks, out, fhir) : await validateX12(file, opened.chunks, out)),
    async (input, reason) => {
      add({ units: 1, invalid: 1 });
      await out.line(findingsLine(input.path, [{ severity: 'error', code: 'INPUT_UNREADABLE', message: `cannot read ${input.path}: ${reason}` }]));
    },
  );
  await out.close();
  if (!values.quiet) process.stderr.write(`x12pas validate: ${inputs.length} file(s), ${total.units} checked, ${total.units - total.invalid} valid, ${total.invalid} with errors\n`);
  return total.invalid > 0 ? EXIT_REJECTED : EXIT_OK;
}

async function validateX12(file: string, chunks: AsyncIterable<Uint8Array>, out: LineWriter): Promise<Tally> {
  const t: Tally = { units: 0, invalid: 0 };
  for await (const ev of readX12(chunks)) {
    if (ev.kind !== 'transaction') {
      if ((await envelopeEvent(ev, file, out, null)) > 0) {
        t.units++;
        t.invalid++;
      }
      continue;
    }
    const tx = ev.transaction;
    const findings: Finding[] = [...tx.findings, ...validateTransaction(tx)];
    const valid = !hasErrors(findings);
    t.units++;
    if (!valid) t.invalid++;
    await out.line(
      JSON.stringify({
        file,
        interchange: interchangeJson(tx.interchange),
        group: groupJson(tx.group),
        control: tx.control,
        implementation: tx.implementation,
        valid,
        findings: findings.map(findingJson),
      }),
    );
  }
  return t;
}

/** Where an item of `fhirItemsOf` came from: `file`, `file:LINE`, with ` parameter[K]` for a $inquire output's bundles. */
function placeOf(where: string, file: string): { line?: number; parameter?: number } {
  const m = /^(?::(\d+))?(?: parameter\[(\d+)\])?$/.exec(where.startsWith(file) ? where.slice(file.length) : '');
  return { ...(m?.[1] !== undefined ? { line: Number(m[1]) } : {}), ...(m?.[2] !== undefined ? { parameter: Number(m[2]) } : {}) };
}

async function validateFhir(file: string, chunks: AsyncIterable<Uint8Array>, out: LineWriter, o: FhirOptions): Promise<Tally> {
  // Loaded only for FHIR input: the X12 path never pays for medplum.
  const { validateBundle, FhirPackageError } = await import('../pas/index.js');
  const t: Tally = { units: 0, invalid: 0 };
  let bundles = 0;
  for await (const item of fhirItemsOf(chunks, file)) {
    const place = placeOf(item.where, file);
    t.units++;
    if ('error' in item) {
      t.invalid++;
      const code = item.error.startsWith('not JSON') ? 'JSON_INVALID' : 'NOT_A_BUNDLE';
      const at = place.line !== undefined ? `line ${place.line}` : place.parameter !== undefined ? `parameter[${place.parameter}]` : 'the file';
      await out.line(JSON.stringify({ file, ...place, valid: false, findings: [{ severity: 'error', code, message: `${at}: ${item.error}` }] }));
      continue;
    }
    let findings: PasFinding[];
    try {
      findings = validateBundle(item.bundle, {
        pasVersion: o.pasVersion,
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.packages !== undefined ? { packages: { path: o.packages } } : {}),
      });
    } catch (e) {
      if (e instanceof FhirPackageError) throw new UsageError(e.message);
      throw e;
    }
    const valid = !hasErrors(findings);
    if (!valid) t.invalid++;
    const id = item.bundle.id;
    await out.line(
      JSON.stringify({
        file,
        bundle: ++bundles,
        ...place,
        ...(typeof id === 'string' ? { id } : {}),
        valid,
        findings: findings.map((f) => ({ ...findingJson(f), location: f.location, ...(f.profile ? { profile: f.profile } : {}), ...(f.rule ? { rule: f.rule } : {}) })),
      }),
    );
  }
  return t;
}
