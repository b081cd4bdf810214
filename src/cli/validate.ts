import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { envelopeEvent } from '../pipeline/envelope-events.js';
import { findingJson, findingsLine } from '../pipeline/ndjson.js';
import { validateTransaction } from '../grammar/validate.js';
import { hasErrors, readX12 } from '../x12/index.js';
import { looksLikeJson } from '../pipeline/fhir-input.js';
import { EXIT_OK, EXIT_REJECTED, pasVersionOption, UsageError } from './output.js';
import { LineWriter } from '../pipeline/line-writer.js';

export const VALIDATE_HELP = `Usage: x12pas validate [options] FILE...

Checks files without converting them. The kind of each file is read from its content:
  X12 (starts with ISA)   envelope, element syntax and 278 structure (X217/X215 grammars)
  FHIR JSON (a Bundle, or NDJSON with one Bundle per line)
                          PAS profiles of the chosen version, from a FHIR package cache
Prints one NDJSON line per transaction set or bundle:
  {"file","control"|"bundle","valid","findings":[{"severity","code","message",...}]}
FHIR findings add "location" (a FHIRPath-like path), "profile" and "rule".

Options:
  --pas VERSION      PAS version for FHIR input: 2.2.1 (default) or 2.0.1
  --kind KIND        what the bundles are: request, response, inquiry-request, inquiry-response
                     (default: from the first entry; inquiry bundles need it)
  --packages DIR     FHIR package cache (default: $X12PAS_FHIR_PACKAGES, else ~/.fhir/packages)
  -o, --output FILE  write the NDJSON there instead of standard output
  -q, --quiet        no summary on standard error
  -h, --help         this text

Exit status: 0 no errors, 1 errors found, 2 usage or I/O error (or no package cache).
`;

const KINDS = ['request', 'response', 'inquiry-request', 'inquiry-response'] as const;
type Kind = (typeof KINDS)[number];

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
  if (positionals.length === 0) throw new UsageError('validate needs at least one FILE');
  const pasVersion = pasVersionOption(values.pas);
  const kind = values.kind;
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const out = new LineWriter(values.output ? createWriteStream(values.output) : process.stdout);
  let units = 0;
  let invalid = 0;
  for (const file of positionals) {
    if (looksLikeJson(file)) {
      const r = await validateFhirFile(file, out, { pasVersion, kind: kind as Kind | undefined, packages: values.packages });
      units += r.units;
      invalid += r.invalid;
    } else {
      const r = await validateX12File(file, out);
      units += r.units;
      invalid += r.invalid;
    }
  }
  await out.close();
  if (!values.quiet) process.stderr.write(`x12pas validate: ${positionals.length} file(s), ${units} checked, ${units - invalid} valid, ${invalid} with errors\n`);
  return invalid > 0 ? EXIT_REJECTED : EXIT_OK;
}

async function validateX12File(file: string, out: LineWriter): Promise<{ units: number; invalid: number }> {
  let units = 0;
  let invalid = 0;
  for await (const ev of readX12(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (ev.kind !== 'transaction') {
      const errors = await envelopeEvent(ev, file, out, null);
      if (errors > 0) {
        units++;
        invalid++;
      }
      continue;
    }
    const tx = ev.transaction;
    const findings = [...tx.findings, ...validateTransaction(tx)];
    const valid = !hasErrors(findings);
    units++;
    if (!valid) invalid++;
    await out.line(JSON.stringify({ file, control: tx.control, implementation: tx.implementation, valid, findings: findings.map(findingJson) }));
  }
  return { units, invalid };
}

async function validateFhirFile(
  file: string,
  out: LineWriter,
  o: { pasVersion: '2.2.1' | '2.0.1'; kind: Kind | undefined; packages: string | undefined },
): Promise<{ units: number; invalid: number }> {
  // Loaded only for FHIR input: the X12 path never pays for medplum.
  const { validateBundle, FhirPackageError } = await import('../pas/index.js');
  const text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  let bundles: unknown[];
  try {
    bundles = [JSON.parse(text)];
  } catch {
    bundles = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l === '') continue;
      try {
        bundles.push(JSON.parse(l));
      } catch (e) {
        await out.line(findingsLine(file, [{ severity: 'error', code: 'JSON_INVALID', message: `line ${i + 1} is not JSON: ${(e as Error).message}` }]));
        return { units: 1, invalid: 1 };
      }
    }
  }
  let invalid = 0;
  for (let i = 0; i < bundles.length; i++) {
    let findings;
    try {
      findings = validateBundle(bundles[i], {
        pasVersion: o.pasVersion,
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.packages ? { packages: { path: o.packages } } : {}),
      });
    } catch (e) {
      if (e instanceof FhirPackageError) throw new UsageError(e.message);
      throw e;
    }
    const valid = !hasErrors(findings);
    if (!valid) invalid++;
    const b = bundles[i] as { id?: unknown };
    await out.line(
      JSON.stringify({
        file,
        bundle: i + 1,
        ...(typeof b?.id === 'string' ? { id: b.id } : {}),
        valid,
        findings: findings.map((f) => ({ ...findingJson(f), location: f.location, ...(f.profile ? { profile: f.profile } : {}), ...(f.rule ? { rule: f.rule } : {}) })),
      }),
    );
  }
  return { units: bundles.length, invalid };
}
