import { readdirSync, statSync } from 'node:fs';
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
}

/**
 * The input files of a run, in a stable order: files as given, directories walked recursively
 * (entries sorted by name; directories in `exclude` left out), globs matched (`*`, `?`, `**`,
 * `[...]`), `-` for standard input. A
 * path that does not exist, or a glob that matches nothing, is an error (ENOENT).
 */
export function expandInputs(args: readonly string[], exclude: readonly string[] = []): InputFile[] {
  const out: InputFile[] = [];
  // Output directories inside an input directory are not read (a rerun would take the outputs as inputs).
  const skip = new Set(exclude.map((d) => resolve(d)));
  const walk = (dir: string): string[] => walkDir(dir, skip);
  for (const arg of args) {
    if (arg === '-') {
      out.push({ path: '-', name: 'stdin', size: 0 });
      continue;
    }
    if (isGlob(arg)) {
      const base = globBase(arg);
      const re = globRegExp(arg.startsWith('./') ? arg.slice(2) : arg);
      const found = walk(base).filter((f) => re.test(f.startsWith('./') ? f.slice(2) : f));
      if (found.length === 0) throw Object.assign(new Error(`no file matches ${arg}`), { code: 'ENOENT', syscall: 'glob' });
      for (const f of found) out.push(input(f, relative(base, f)));
      continue;
    }
    const st = statSync(arg);
    if (st.isDirectory()) for (const f of walk(arg)) out.push(input(f, relative(arg, f)));
    else out.push({ path: arg, name: stripExtensions(baseName(arg)), size: st.size });
  }
  return out;
}

function input(path: string, rel: string): InputFile {
  return { path, name: stripExtensions(rel.split('\\').join('/')), size: statSync(path).size };
}

/** Files under a directory, recursively, sorted by name at each level; hidden entries and `skip` directories skipped. */
function walkDir(dir: string, skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (skip.has(resolve(dir))) return out;
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = dir === '.' ? e.name : join(dir, e.name);
    if (e.isDirectory()) out.push(...walkDir(p, skip));
    else if (e.isFile()) out.push(p);
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
