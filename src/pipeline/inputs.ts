import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { globBase, globRegExp, isGlob } from './glob.js';

/** One input of a run: a file (or standard input) and the name its output takes. */
export interface InputFile {
  /** Path as given or found; `-` for standard input. */
  readonly path: string;
  /** Relative name under the output directory, without extension (`a/b` for DIR/a/b.x12.gz). */
  readonly name: string;
  /** Size on disk (0 for standard input). */
  readonly size: number;
  /**
   * Why it cannot be read, found while listing the inputs (a directory that cannot be listed, a
   * dangling symbolic link, a link loop, something that is not a file): the run reports it as
   * a rejected input and goes on.
   */
  readonly unreadable?: { readonly code: 'UNREADABLE_INPUT' | 'NOT_A_FILE'; readonly message: string };
}

/**
 * The input files of a run, in a stable order: files as given, directories walked recursively
 * (entries sorted by name; directories in `exclude` left out; symbolic links followed, each
 * directory once), globs matched (`*`, `?`, `**`, `[...]`), `-` for standard input. A path
 * given that does not exist, or a glob that matches nothing, is an error (ENOENT); what cannot
 * be read below it is an input marked `unreadable`, never an error of the run.
 */
export function expandInputs(args: readonly string[], exclude: readonly string[] = []): InputFile[] {
  const out: InputFile[] = [];
  // Output directories inside an input directory are not read (a rerun would take the outputs as inputs).
  const skip = new Set(exclude.map((d) => resolve(d)));
  const walk = (dir: string): Found[] => walkDir(dir, skip, new Set());
  for (const arg of args) {
    if (arg === '-') {
      out.push({ path: '-', name: 'stdin', size: 0 });
      continue;
    }
    if (isGlob(arg)) {
      const base = globBase(arg);
      const re = globRegExp(arg.startsWith('./') ? arg.slice(2) : arg);
      const found = walk(base).filter((f) => re.test(f.path.startsWith('./') ? f.path.slice(2) : f.path));
      if (found.length === 0) throw Object.assign(new Error(`no file matches ${arg}`), { code: 'ENOENT', syscall: 'glob' });
      for (const f of found) out.push(input(f, relative(base, f.path)));
      continue;
    }
    // A dangling link given by name exists (lstat) but cannot be read: an unreadable input.
    lstatSync(arg);
    let st;
    try {
      st = statSync(arg);
    } catch (e) {
      out.push({ path: arg, name: stripExtensions(baseName(arg)), size: 0, unreadable: unreadable(e) });
      continue;
    }
    if (st.isDirectory()) for (const f of walk(arg)) out.push(input(f, relative(arg, f.path)));
    else out.push({ path: arg, name: stripExtensions(baseName(arg)), size: st.size });
  }
  return out;
}

/** A path found under a directory: a file (with its size), or what cannot be read and why. */
interface Found {
  readonly path: string;
  readonly size: number;
  readonly unreadable?: InputFile['unreadable'];
}

function input(f: Found, rel: string): InputFile {
  return { path: f.path, name: stripExtensions(rel.split('\\').join('/')), size: f.size, ...(f.unreadable !== undefined ? { unreadable: f.unreadable } : {}) };
}

function unreadable(e: unknown): NonNullable<InputFile['unreadable']> {
  const err = e as NodeJS.ErrnoException;
  return { code: 'UNREADABLE_INPUT', message: `cannot be read: ${err.message}` };
}

/**
 * Files under a directory, recursively, sorted by name at each level; hidden entries and `skip`
 * directories skipped. Symbolic links are followed; a directory already walked (by its real
 * path: a link loop) is not walked again. What cannot be listed or read is returned with why.
 */
function walkDir(dir: string, skip: ReadonlySet<string>, seen: Set<string>): Found[] {
  const out: Found[] = [];
  if (skip.has(resolve(dir))) return out;
  let entries;
  try {
    const real = realpathSync(dir);
    if (seen.has(real)) return [{ path: dir, size: 0, unreadable: { code: 'UNREADABLE_INPUT', message: `a link back to a directory already read (${real}): not read again` } }];
    seen.add(real);
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    return [{ path: dir, size: 0, unreadable: unreadable(e) }];
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = dir === '.' ? e.name : join(dir, e.name);
    let kind: 'dir' | 'file' | 'other' = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
    let size = 0;
    try {
      const st = statSync(p);
      kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      size = st.size;
    } catch (err) {
      out.push({ path: p, size: 0, unreadable: unreadable(err) });
      continue;
    }
    if (kind === 'dir') out.push(...walkDir(p, skip, seen));
    else if (kind === 'file') out.push({ path: p, size });
    else out.push({ path: p, size: 0, unreadable: { code: 'NOT_A_FILE', message: 'not a regular file (a device, socket or pipe): not read' } });
  }
  return out;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1]!;
}

/** `claims.x12.gz` -> `claims`; `a/b.json` -> `a/b`; a name with no extension stays. */
export function stripExtensions(name: string): string {
  let n = name.replace(/\.gz$/i, '');
  n = n.replace(/\.(x12|edi|txt|dat|json|ndjson|jsonl)$/i, '');
  return n;
}
