// Freezes source files as the test oracle (issue 17): copies each file as it was at ORACLE_BASE
// (default: the commit named in test/oracle/BASE) to test/oracle/<path under src/>, and points every
// relative import of the oracle files at the oracle's copy where there is one, at src/ otherwise.
//
//   node scripts/oracle-copy.mjs src/mapping/request/read.ts [more files...]
//
// Run it before a speed change rewrites a file: the differential tests compare the rewritten
// code with the copy. The copies are never edited by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ORACLE = join(ROOT, 'test/oracle');
const base = process.env.ORACLE_BASE ?? readFileSync(join(ORACLE, 'BASE'), 'utf8').trim();

const oracleOf = (srcAbs) => join(ORACLE, relative(join(ROOT, 'src'), srcAbs));
const srcOf = (oracleAbs) => join(ROOT, 'src', relative(ORACLE, oracleAbs));
const rel = (from, to) => {
  const r = relative(dirname(from), to);
  return r.startsWith('.') ? r : `./${r}`;
};

/** Rewrites the relative specifiers of `text`, which sits at `at` and was written for `origin`. */
function repoint(text, origin, at) {
  const fix = (spec) => {
    const target = resolve(dirname(origin), spec);
    const ts = target.replace(/\.js$/, '.ts');
    if (ts !== target || existsSync(ts)) {
      const inOracle = oracleOf(ts);
      const dest = ts.startsWith(join(ROOT, 'src')) && existsSync(inOracle) ? inOracle : ts;
      return rel(at, dest).replace(/\.ts$/, spec.endsWith('.js') ? '.js' : '.ts');
    }
    const r = rel(at, target);
    return spec.endsWith('/') && !r.endsWith('/') ? `${r}/` : r;
  };
  return text
    .replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(\.[^'"]*)\2/g, (_m, a, q, s) => a + q + fix(s) + q)
    .replace(/new URL\((['"`])(\.[^'"`$]*)/g, (_m, q, s) => `new URL(${q}${fix(s)}`);
}

const files = (d, out = []) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) files(p, out);
    else if (f.endsWith('.ts') && !f.endsWith('.test.ts')) out.push(p);
  }
  return out;
};

for (const arg of process.argv.slice(2)) {
  const srcAbs = resolve(ROOT, arg);
  const path = relative(ROOT, srcAbs);
  if (!path.startsWith('src/')) throw new Error(`${arg}: not under src/`);
  const text = execFileSync('git', ['show', `${base}:${path}`], { cwd: ROOT, encoding: 'utf8' });
  const at = oracleOf(srcAbs);
  mkdirSync(dirname(at), { recursive: true });
  writeFileSync(at, `// Oracle: ${path} as of ${base.slice(0, 12)} (scripts/oracle-copy.mjs). Do not edit.\n${repoint(text, srcAbs, at)}`);
}
// Point every oracle copy (the tests beside them excepted) at the oracle's copies (a file copied later may be imported by one copied before).
for (const f of files(ORACLE)) {
  const origin = srcOf(f);
  const text = readFileSync(f, 'utf8');
  // Specifiers in oracle files are relative to the oracle file; resolve them as the src original would.
  const back = text.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(\.[^'"]*)\2/g, (m, a, q, s) => {
    const abs = resolve(dirname(f), s);
    const srcAbs = abs.startsWith(ORACLE) ? srcOf(abs) : abs;
    return a + q + rel(origin, srcAbs).replace(/\.ts$/, '.js') + q;
  }).replace(/new URL\((['"`])(\.[^'"`$]*)/g, (_m, q, s) => `new URL(${q}${rel(origin, resolve(dirname(f), s))}${s.endsWith('/') ? '/' : ''}`);
  const out = repoint(back, origin, f);
  if (out !== text) writeFileSync(f, out);
}
