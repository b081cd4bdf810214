import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { envelopeEvent, AckFile } from '../pipeline/envelope-events.js';
import { findingsLine, transactionLine } from '../pipeline/ndjson.js';
import { validateTransaction } from '../grammar/validate.js';
import { hasErrors, readX12, type Finding } from '../x12/index.js';
import { INPUTS_HELP, forEachInput } from './each-input.js';
import { EXIT_OK, EXIT_REJECTED, UsageError } from './output.js';
import { LineWriter } from '../pipeline/line-writer.js';

export const INSPECT_HELP = `Usage: x12pas inspect [options] FILE...

Reads X12 files (any number of interchanges, any delimiters, CR/LF or none) and prints one
NDJSON line per transaction set, in input order:
  {"file","interchange":{"control","sender","receiver","delimiters":{...}},
   "group":{"control","functionalId","version"},"control","implementation","accepted",
   "segments":[["ST","278","0001","005010X217"],...],"findings":[...]}
Problems tied to no transaction set (text outside interchanges, envelope trailers) are printed
as {"file","findings":[...]} lines (with "interchange"/"group" when known); so are an input
that cannot be read (INPUT_UNREADABLE) and a FHIR JSON input (NOT_X12: validate checks those).

${INPUTS_HELP}

Options:
  --ack FILE     write acknowledgments: a TA1 per interchange when asked for (ISA14=1) or when
                 its envelope has problems, and a 999 per functional group
  -o, --output FILE   write the NDJSON there instead of standard output
  -q, --quiet    nothing on standard error but errors (no summary)
  -h, --help     this text

Exit status: 0 every transaction set accepted, 1 some rejected or problems found, 2 usage or I/O error.
`;

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ack: { type: 'string' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(INSPECT_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('inspect needs at least one FILE (or - for standard input)');
  const out = new LineWriter(values.output ? createWriteStream(values.output) : process.stdout);
  const ack = values.ack !== undefined ? new AckFile(values.ack) : null;
  let transactions = 0;
  let accepted = 0;
  let problems = 0;
  let bytes = 0;
  const problem = async (file: string, finding: Finding): Promise<void> => {
    problems++;
    await out.line(findingsLine(file, [finding]));
  };
  const inputs = await forEachInput(
    positionals,
    async ({ path: file }, opened) => {
      if (opened.kind === 'fhir') {
        opened.close();
        await problem(file, { severity: 'error', code: 'NOT_X12', message: 'a FHIR JSON input: inspect reads X12 (x12pas validate checks PAS bundles)' });
        return;
      }
      const counted = async function* (): AsyncGenerator<Uint8Array> {
        for await (const chunk of opened.chunks) {
          bytes += chunk.length;
          yield chunk;
        }
      };
      for await (const ev of readX12(counted())) {
        if (ev.kind !== 'transaction') {
          problems += await envelopeEvent(ev, file, out, ack);
          continue;
        }
        const tx = ev.transaction;
        const extra = validateTransaction(tx);
        const findings: Finding[] = extra.length ? [...tx.findings, ...extra] : tx.findings;
        transactions++;
        if (!hasErrors(findings)) accepted++;
        ack?.builder.transaction(tx, extra);
        await out.line(transactionLine(file, tx, findings));
      }
    },
    (input, reason) => problem(input.path, { severity: 'error', code: 'INPUT_UNREADABLE', message: `cannot read ${input.path}: ${reason}` }),
  );
  await out.close();
  await ack?.close();
  const rejected = transactions - accepted;
  if (!values.quiet) {
    process.stderr.write(
      `x12pas inspect: ${inputs.length} file(s), ${bytes} bytes, ${transactions} transaction set(s): ${accepted} accepted, ${rejected} rejected; ${problems} envelope problem(s)\n`,
    );
  }
  return rejected > 0 || problems > 0 ? EXIT_REJECTED : EXIT_OK;
}
