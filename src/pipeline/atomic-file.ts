import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openOutput } from './line-writer.js';

/** The temporary name of an output being written (one per output, so a rerun overwrites it). */
function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial`);
}

/**
 * An output file written under a temporary name and renamed into place once complete: a file
 * with its final name is always whole, which is what `--resume` relies on, and a run that fails
 * leaves a file already there as it was. Its directory is made unless `createDir` is false (then
 * a missing one is an error at once). A path that is not a regular file (/dev/null, a pipe) is
 * written directly: there is nothing to rename.
 */
export class AtomicFile {
  readonly stream: WriteStream;
  private readonly partial: string | null;

  constructor(
    readonly path: string,
    options: { readonly createDir?: boolean } = {},
  ) {
    if (options.createDir !== false) mkdirSync(dirname(path), { recursive: true });
    let special = false;
    try {
      special = !statSync(path).isFile();
    } catch {
      special = false;
    }
    this.partial = special ? null : partialPath(path);
    this.stream = openOutput(this.partial ?? path);
  }

  /** Ends the stream and gives the file its final name. */
  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (this.partial !== null) renameSync(this.partial, this.path);
  }

  /** Ends the stream and removes what was written (the output is not complete). */
  async discard(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.partial !== null) rmSync(this.partial, { force: true });
  }
}

/** Writes a small file whole under a temporary name, then renames it into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = partialPath(path);
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/** Whether a complete output exists at any of these paths. */
export function anyComplete(paths: readonly string[]): boolean {
  return paths.some((p) => existsSync(p));
}
