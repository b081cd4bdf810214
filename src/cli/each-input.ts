import { expandInputs, type InputFile } from '../pipeline/inputs.js';
import { openInput, type OpenedInput } from '../pipeline/open-input.js';

/** What `inspect` and `validate` take, as `convert` does; said in their --help. */
export const INPUTS_HELP = `FILE is a file, a directory (read recursively, hidden entries skipped), a glob
('claims/**/*.x12', quoted so the shell leaves it), or - for standard input; gzip
input (.gz, or any file starting with the gzip magic bytes) is gunzipped as it streams.`;

/**
 * Runs `each` on every input the arguments name (expandInputs: files, directories, globs, `-`),
 * in order, with the input opened (gunzipped, its kind told from its first bytes). An input that
 * cannot be opened or read to its end (unreadable, a corrupt or cut gzip stream) goes to
 * `unreadable` with the reason, and the run goes on with the next. Returns the inputs.
 */
export async function forEachInput(
  args: readonly string[],
  each: (input: InputFile, opened: OpenedInput) => Promise<void>,
  unreadable: (input: InputFile, reason: string) => Promise<void>,
): Promise<readonly InputFile[]> {
  const inputs = expandInputs(args);
  for (const input of inputs) {
    let opened: OpenedInput;
    try {
      opened = await openInput(input.path);
    } catch (err) {
      await unreadable(input, reasonOf(err));
      continue;
    }
    try {
      await each(input, opened);
    } catch (err) {
      // Only reading fails here: what `each` does with the bytes reports, it does not throw.
      if (!isReadError(err)) throw err;
      opened.close();
      await unreadable(input, reasonOf(err));
    }
  }
  return inputs;
}

/** A file-system or zlib error (reading the input), as opposed to a bug. */
function isReadError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('Z_') || code.startsWith('ERR_'));
}

function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
