/**
 * Loads every grammar table in a directory (default mappings/grammar/) once: standard files
 * (with `loops`) and implementation grammars (with `levels`, or `extends` naming another grammar
 * file whose rows they take). Errors name the file, the row path and the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGrammar, compileStandard, GrammarError, type Standard } from './compile.js';
import type { Grammar } from './types.js';

const DEFAULT_DIR = new URL('../../mappings/grammar/', import.meta.url);

/** The grammars of a directory, indexed for choosing one per transaction set. */
export class GrammarSet {
  private readonly byImplementation = new Map<string, Grammar[]>();
  private readonly sets = new Set<string>();

  constructor(readonly grammars: readonly Grammar[]) {
    for (const g of grammars) {
      this.sets.add(g.transactionSet);
      for (const impl of g.implementations) {
        const k = `${g.transactionSet} ${impl}`;
        const list = this.byImplementation.get(k) ?? [];
        for (const other of list) {
          const clash = other.purpose.values.find((v) => g.purpose.values.includes(v));
          if (clash !== undefined) throw new GrammarError(`${g.file}: purpose.values: ${impl} ${g.purpose.segment}${String(g.purpose.element).padStart(2, '0')} ${clash} is claimed by ${other.file} too`);
        }
        list.push(g);
        this.byImplementation.set(k, list);
      }
    }
  }

  /** Whether any grammar describes this transaction set (e.g. 278). */
  hasTransactionSet(type: string): boolean {
    return this.sets.has(type);
  }

  /**
   * The grammars for a transaction set and implementation guide (ST03, or GS08 when ST03 is empty).
   * An addendum suffix (005010X217A1, ...E1) falls back to the base guide.
   */
  forImplementation(type: string, implementation: string): readonly Grammar[] {
    const exact = this.byImplementation.get(`${type} ${implementation}`);
    if (exact !== undefined) return exact;
    const m = /^(\d{6}X\d{3})[A-Z]\d*$/.exec(implementation);
    return (m !== null ? this.byImplementation.get(`${type} ${m[1]}`) : undefined) ?? [];
  }

  byId(id: string): Grammar | undefined {
    return this.grammars.find((g) => g.id === id);
  }
}

/** Reads, validates and compiles every `*.json` table of `dir`. Throws GrammarError on the first problem. */
export function loadGrammarSet(dir: string | URL = DEFAULT_DIR): GrammarSet {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const shown = (name: string): string => (dir === DEFAULT_DIR ? `mappings/grammar/${name}` : join(path, name));
  const names = readdirSync(path).filter((n) => n.endsWith('.json')).sort();
  const raws = new Map<string, Record<string, unknown>>();
  for (const name of names) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(path, name), 'utf8'));
    } catch (e) {
      throw new GrammarError(`${shown(name)}: not valid JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new GrammarError(`${shown(name)}: (top): must be an object`);
    raws.set(name, raw as Record<string, unknown>);
  }

  const standards = new Map<string, Standard>();
  const standard = (name: string, from: string, field: string): Standard => {
    let s = standards.get(name);
    if (s !== undefined) return s;
    const raw = raws.get(name);
    if (raw === undefined || !('loops' in raw)) throw new GrammarError(`${from}: ${field}: no standard table ${JSON.stringify(name)} in ${shown('')}`);
    s = compileStandard(raw, shown(name));
    standards.set(name, s);
    return s;
  };

  // Resolve `extends` (a grammar takes another grammar's fields and overrides some). The parent is
  // compiled first, so a broken inherited row is reported against the file that holds it.
  const resolved = new Map<string, Record<string, unknown>>();
  const compiled = new Map<string, Grammar>();
  const resolving = new Set<string>();
  const grammar = (name: string, from?: string): Grammar => {
    const done = compiled.get(name);
    if (done !== undefined) return done;
    const raw = raws.get(name);
    if (raw === undefined || 'loops' in raw) throw new GrammarError(`${from}: extends: no grammar table ${JSON.stringify(name)} in ${shown('')}`);
    if (resolving.has(name)) throw new GrammarError(`${shown(name)}: extends: a cycle of extends through ${[...resolving].join(', ')}`);
    resolving.add(name);
    let merged = raw;
    if ('extends' in raw) {
      const parentName = raw.extends;
      if (typeof parentName !== 'string' || parentName === '') throw new GrammarError(`${shown(name)}: extends: must be a non-empty string`);
      grammar(parentName, shown(name));
      const { extends: _drop, ...own } = raw;
      merged = { ...resolved.get(parentName)!, ...own };
    }
    resolved.set(name, merged);
    const stdName = merged.standard;
    if (typeof stdName !== 'string' || stdName === '') throw new GrammarError(`${shown(name)}: standard: must be a non-empty string`);
    const g = compileGrammar(merged, shown(name), standard(stdName, shown(name), 'standard'));
    resolving.delete(name);
    compiled.set(name, g);
    return g;
  };

  const out: Grammar[] = [];
  for (const [name, raw] of raws) {
    if ('loops' in raw) {
      standard(name, shown(name), '(top)');
      continue;
    }
    if (!('levels' in raw) && !('extends' in raw)) throw new GrammarError(`${shown(name)}: (top): neither a grammar ('levels' or 'extends') nor a standard ('loops')`);
    out.push(grammar(name));
  }
  return new GrammarSet(out);
}

let cached: GrammarSet | undefined;

/** The grammars of mappings/grammar/, loaded and checked once. */
export function grammarSet(): GrammarSet {
  cached ??= loadGrammarSet();
  return cached;
}
