import { readFileSync } from 'node:fs';

/** One HL level of a transaction grammar (from mappings/grammar/*-levels.json). */
export interface HlLevel {
  code: string;
  loop: string;
  label: string;
  parents: readonly string[];
}

export interface HlGrammar {
  transactionSet: string;
  implementations: readonly string[];
  root: string;
  leafLevels: readonly string[];
  levels: ReadonlyMap<string, HlLevel>;
}

/** Validates the raw JSON of a levels table; errors name the file, row and field. */
export function compileHlGrammar(raw: unknown, file: string): HlGrammar {
  const fail = (where: string, why: string): never => {
    throw new Error(`${file}: ${where}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('top', 'must be an object');
  const o = raw as Record<string, unknown>;
  const str = (v: unknown, where: string): string => (typeof v === 'string' && v !== '' ? v : fail(where, 'must be a non-empty string'));
  const strs = (v: unknown, where: string): string[] => (Array.isArray(v) ? v.map((x, i) => str(x, `${where}[${i}]`)) : fail(where, 'must be an array of strings'));
  const levels = new Map<string, HlLevel>();
  if (!Array.isArray(o.levels)) fail('levels', 'must be an array');
  (o.levels as unknown[]).forEach((row, i) => {
    if (typeof row !== 'object' || row === null) fail(`levels[${i}]`, 'must be an object');
    const r = row as Record<string, unknown>;
    const code = str(r.code, `levels[${i}].code`);
    if (levels.has(code)) fail(`levels[${i}].code`, `duplicate level ${code}`);
    levels.set(code, { code, loop: str(r.loop, `levels[${i}].loop`), label: str(r.label, `levels[${i}].label`), parents: strs(r.parents, `levels[${i}].parents`) });
  });
  for (const l of levels.values()) for (const p of l.parents) if (!levels.has(p)) fail(`levels[${l.code}].parents`, `unknown level ${p}`);
  const root = str(o.root, 'root');
  if (!levels.has(root)) fail('root', `unknown level ${root}`);
  const leafLevels = strs(o.leafLevels, 'leafLevels');
  for (const l of leafLevels) if (!levels.has(l)) fail('leafLevels', `unknown level ${l}`);
  return { transactionSet: str(o.transactionSet, 'transactionSet'), implementations: strs(o.implementations, 'implementations'), root, leafLevels, levels };
}

let cached278: HlGrammar | undefined;

/** The 278 HL levels table, loaded and checked once. */
export function hlGrammar278(): HlGrammar {
  if (cached278 === undefined) {
    const url = new URL('../../mappings/grammar/278-levels.json', import.meta.url);
    cached278 = compileHlGrammar(JSON.parse(readFileSync(url, 'utf8')), 'mappings/grammar/278-levels.json');
  }
  return cached278;
}
