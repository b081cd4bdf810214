import { readFileSync } from 'node:fs';
import { clientsCommand } from './clients.js';
import { convertCommand } from './convert.js';
import { inspectCommand } from './inspect.js';
import { roundtripCommand } from './roundtrip.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './output.js';

export const MAIN_HELP = `x12pas: X12 278 prior authorization <-> HL7 Da Vinci PAS FHIR

Usage: x12pas <command> [options] FILE...

Commands:
  convert INPUT...  X12 278 requests -> PAS Request Bundles (NDJSON), or PAS Request
                    Bundles -> X12 (by content); files, directories, globs, .gz, stdin;
                    on all cores (--workers N), --out-dir DIR (one output per input,
                    --resume), --report FILE, --ack-dir DIR (TA1/999), --lossless
  inspect FILE...   read X12 files; print one NDJSON line per transaction set with its
                    segments and findings; --ack FILE writes TA1/999 acknowledgments
  validate FILE...  check X12 (envelope, syntax, 278 structure) or PAS bundles (profiles)
                    without converting; exit 1 when errors are found
  roundtrip FILE... convert there and back and print every difference; exit 0 when none
  serve             run the HTTP gateway (PAS and X12 faces, store, built-in UM simulator)
  clients           register the gateway's SMART Backend Services clients (add, list, remove)

Run 'x12pas <command> --help' for a command's options.
Options: -h, --help   this text;  -v, --version   the version
`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  clients: clientsCommand,
  convert: convertCommand,
  inspect: inspectCommand,
  roundtrip: roundtripCommand,
  serve: serveCommand,
  validate: validateCommand,
};

/** Runs the CLI; returns the exit status. Never throws: errors become messages and status 2. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
      process.stdout.write(MAIN_HELP);
      return cmd === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (cmd === '-v' || cmd === '--version') {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return EXIT_OK;
    }
    const run = commands[cmd];
    if (run === undefined) throw new UsageError(`unknown command ${JSON.stringify(cmd)}; commands: ${Object.keys(commands).join(', ')}`);
    return await run(rest);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof UsageError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      process.stderr.write(`x12pas: ${e.message}\nRun 'x12pas --help' for usage.\n`);
      return EXIT_USAGE;
    }
    // The run itself cannot go on: an output or state file that cannot be written or read.
    if ((e.code !== undefined && e.syscall !== undefined) || e.name === 'ControlFileError') {
      process.stderr.write(`x12pas: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`x12pas: internal error: ${e.stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}
