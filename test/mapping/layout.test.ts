import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (f.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** File -> the files it imports (relative specifiers, `import type` included), as paths under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = new Set<string>();
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      deps.add(relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
    }
    graph.set(relative(SRC, file), [...deps]);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('source layout', () => {
  const graph = importGraph();

  it('finds the imports it checks (the graph is not empty)', () => {
    expect(graph.get('mapping/request/write.ts')).toContain('mapping/engine/write-rows.ts');
  });

  it('has no import cycles, type imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle finder sees a cycle when there is one', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });

  it('mapping/engine imports no transaction kind', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      if (!file.startsWith('mapping/engine/')) continue;
      for (const d of deps) if (/^mapping\/(request|response|inquiry)\//.test(d)) wrong.push(`${file} -> ${d}`);
    }
    expect(wrong).toEqual([]);
  });
});
