// Oracle: src/mapping/engine/row-reader.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * Compiles one mapping row into its reader (X12 -> FHIR): a small JavaScript function generated
 * for that row alone. The row's element positions, condition, resource role and FHIR path become
 * constants and plain property accesses (`o.identifier`), so each reader keeps its own type
 * feedback: one generic reader shared by every row would see every codec and every resource
 * shape, and spend the conversion in megamorphic lookups.
 *
 * Generated text holds only what the table compiler has validated: element and component
 * numbers, role indexes, property names that match path.ts's step syntax (letters and digits),
 * and strings written as JSON literals. Values and codecs are passed in, never written as code.
 */
import { INVALID, type Codec } from '../../../../src/mapping/engine/codecs/index.js';
import { copy, type Path, type Step } from '../../../../src/mapping/engine/path.js';
import type { ReadTarget, RowReader, RowSpec } from '../../../../src/mapping/engine/row-spec.js';

type Obj = Record<string, unknown>;

/** A row as the reader needs it (resolved and validated by compileTables): its spec, with its id and role index (ROLE). */
export type ReaderSpec = Pick<RowSpec, 'type' | 'positions' | 'component' | 'each' | 'when' | 'codec' | 'arity' | 'path' | 'sets'> & {
  readonly id: string;
  readonly role: number;
};

/**
 * Element `e` of a split segment, or its component `c` (1-based; 0 for the whole element); ''
 * when absent. Finds the component by searching for separators: nothing is split.
 */
export function elementPart(els: readonly string[], e: number, c: number, sep: string): string {
  const v = els[e];
  if (v === undefined) return '';
  if (c === 0 || v === '') return v;
  let from = 0;
  for (let k = 1; k < c; k++) {
    const i = v.indexOf(sep, from);
    if (i < 0) return '';
    from = i + 1;
  }
  const to = v.indexOf(sep, from);
  return to < 0 ? (from === 0 ? v : v.slice(from)) : v.slice(from, to);
}

/** The repeated-element position an `[*]` entry was made for. */
const eachAt = new WeakMap<Obj, number>();

/**
 * The entry of slice `key` in array `a`: found in the transaction's slice table, or added to `a`
 * and recorded there. An `[*]` entry (`each` >= 0) goes where its element stands among the
 * others (HI01 before HI02, whichever row read it first); a named slice is appended.
 */
function sliceEntry(slices: Map<unknown[], Map<string, Obj>>, a: unknown[], key: string, each: number): Obj {
  const known = slices.get(a);
  const found = known?.get(key);
  if (found !== undefined) return found;
  const created: Obj = {};
  if (each < 0) a.push(created);
  else {
    eachAt.set(created, each);
    let at = a.length;
    while (at > 0) {
      const prev = eachAt.get(a[at - 1] as Obj);
      if (prev === undefined || prev < each) break;
      at--;
    }
    a.splice(at, 0, created);
  }
  if (known !== undefined) known.set(key, created);
  else {
    const m = new Map<string, Obj>();
    m.set(key, created);
    slices.set(a, m);
  }
  return created;
}

/** Keys of the `[*]` instances, by element position. */
const EACH_KEYS: readonly string[] = Array.from({ length: 32 }, (_, i) => `*${i}`);

function eachKey(e: number): string {
  return EACH_KEYS[e] ?? `*${e}`;
}

/** What generated readers reach through their one parameter. */
interface Helpers {
  readonly part: typeof elementPart;
  readonly sliceEntry: typeof sliceEntry;
  readonly eachKey: typeof eachKey;
  readonly copy: typeof copy;
  readonly INVALID: typeof INVALID;
  readonly codec: Codec<unknown, unknown>;
  /** The row's `set` constants that are objects (copied per use). */
  readonly constants: readonly unknown[];
}

const PROP = /^[A-Za-z][A-Za-z0-9]*$/;

function prop(step: Step): string {
  // compileTables only passes parsed paths; this keeps generated code safe whatever the caller passes.
  if (!PROP.test(step.prop)) throw new Error(`path step ${JSON.stringify(step.prop)} is not a property name`);
  return step.prop;
}

function sameStep(a: Step, b: Step): boolean {
  if (a.kind !== b.kind || a.prop !== b.prop) return false;
  if (a.kind === 'index') return a.index === (b as typeof a).index;
  if (a.kind === 'slice') return a.slice === (b as typeof a).slice;
  return true;
}

/**
 * Statements that store each `[path, value]` (value: an expression) under `res`, in order,
 * creating objects and arrays on the way: the same effect as path.ts's setPath for each. `inst`
 * is the expression of the `[*]` instance. A store starts from the deepest object the previous
 * one walked through on the same steps (`d1`, `d2`...), not from `res`: that object is still there,
 * since the previous store changed only what lies below it.
 */
function storesCode(stores: ReadonlyArray<readonly [Path, string]>, inst: string): string {
  let depth = 0;
  for (const [path] of stores) depth = Math.max(depth, path.length - 1);
  const vars = Array.from({ length: depth }, (_, i) => `d${i + 1}`);
  const out: string[] = ['{', `let o, a, n${vars.map((v) => `, ${v}`).join('')};`];
  const arrayOf = (p: string): void => {
    out.push(`a = o.${p};`, `if (!Array.isArray(a)) { a = []; o.${p} = a; }`);
  };
  // The first slice step of a path is the repeating element: a repeat of the segment (target.rep, repeats.ts) makes its own entry.
  const key = (s: Step, first: boolean): string =>
    s.kind !== 'slice' ? `h.eachKey(${inst}), ${inst}` : first ? `target.rep ? ${JSON.stringify(`${s.slice}#`)} + target.rep : ${JSON.stringify(s.slice)}, -1` : `${JSON.stringify(s.slice)}, -1`;
  let prev: Path | null = null;
  for (const [path, value] of stores) {
    const firstSlice = path.findIndex((x) => x.kind === 'slice');
    const last = path.length - 1;
    // Steps shared with the previous store, above both leaves.
    let from = 0;
    if (prev !== null) while (from < last && from < prev.length - 1 && sameStep(path[from]!, prev[from]!)) from++;
    out.push(from === 0 ? 'o = res;' : `o = d${from};`);
    for (let i = from; i <= last; i++) {
      const s = path[i]!;
      const p = prop(s);
      if (i === last) {
        if (s.kind === 'prop') out.push(`o.${p} = ${value};`);
        else if (s.kind === 'index') {
          arrayOf(p);
          out.push(`a[${s.index}] = ${value};`);
        } else {
          arrayOf(p);
          out.push(`Object.assign(h.sliceEntry(target.slices, a, ${key(s, i === firstSlice)}), ${value});`);
        }
        break;
      }
      if (s.kind === 'prop') {
        out.push(`n = o.${p};`, `if (typeof n !== 'object' || n === null) { n = {}; o.${p} = n; }`, 'o = n;');
      } else if (s.kind === 'index') {
        arrayOf(p);
        out.push(`n = a[${s.index}];`, `if (typeof n !== 'object' || n === null) { n = {}; a[${s.index}] = n; }`, 'o = n;');
      } else {
        arrayOf(p);
        out.push(`o = h.sliceEntry(target.slices, a, ${key(s, i === firstSlice)});`);
      }
      out.push(`d${i + 1} = o;`);
    }
    prev = path;
  }
  out.push('}');
  return out.join('\n');
}

/**
 * Statements writing the value `v` (with the row's constants) into the row's resource, then
 * `onWritten`; nothing when the role has no resource here or the resource is of another type.
 */
function applyCode(spec: ReaderSpec, constants: unknown[], inst: string, onWritten: string): string {
  const out: string[] = [`const res = target.roles[${spec.role}];`];
  const cond = ['res !== null', 'res !== undefined'];
  // A row for one resource type only (the element it writes exists there): otherwise the place stays unread.
  if (spec.type !== null) cond.push(`res.resourceType === ${JSON.stringify(spec.type)}`);
  out.push(`if (${cond.join(' && ')}) {`);
  const stores: Array<readonly [Path, string]> = [];
  for (const [sp, c] of spec.sets) {
    let value: string;
    if (typeof c === 'object' && c !== null) {
      value = `h.copy(h.constants[${constants.length}])`;
      constants.push(c);
    } else value = c === undefined ? 'undefined' : JSON.stringify(c);
    stores.push([sp, value]);
  }
  stores.push([spec.path, 'v']);
  out.push(storesCode(stores, inst), onWritten, '}');
  return out.join('\n');
}

/** Expression of element `e` (an expression), or of the row's component of it. */
function valueCode(e: string, component: number): string {
  return component === 0 ? `(els[${e}] ?? '')` : `h.part(els, ${e}, ${component}, comp)`;
}

/** Condition that the `when` value `w` is one of the row's values. */
function matchCode(values: readonly string[]): string {
  return values.map((v) => `w === ${JSON.stringify(v)}`).join(' || ');
}

function checkInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`${what} ${n} is not a small non-negative integer`);
  return n;
}

/**
 * The statements of row `k` inside a reader: a block labelled `r<k>` that adds the elements the
 * row read to `m` (the reader's mask) and leaves the block when the row is done. `h` is the row's
 * helpers (`hs[k]`); `constants` receives the row's object constants.
 */
function rowBlock(spec: ReaderSpec, k: number, constants: unknown[]): string {
  const { positions, component, when, arity } = spec;
  for (const e of positions) checkInt(e, 'element');
  checkInt(component, 'component');
  checkInt(spec.role, 'role');
  if (when !== null) {
    checkInt(when.element, 'when element');
    checkInt(when.component, 'when component');
  }
  const label = `r${k}`;
  /** Leaves the row, having read the elements in `mask` (an expression). */
  const done = (mask: string): string => `{ m |= ${mask}; break ${label}; }`;
  const skip = `break ${label};`;
  const id = JSON.stringify(spec.id);
  const whenMask = when !== null ? 1 << when.element : 0;
  const body: string[] = [`${label}: {`, `const h = hs[${k}];`];
  if (arity > 1) {
    const first = positions[0]!;
    if (when !== null) body.push(`const w = h.part(els, ${when.element}, ${when.component}, comp);`, `if (!(${matchCode(when.values)})) ${skip}`);
    body.push(`const xs = [${positions.map((e) => `(els[${e}] ?? '')`).join(', ')}];`, `let mask = ${whenMask};`, 'let any = false;');
    positions.forEach((e, i) => body.push(`if (xs[${i}] !== '') { mask |= ${1 << e}; any = true; }`));
    body.push(
      `if (!any || target.roles[${spec.role}] === null) ${skip}`,
      'const v = h.codec.read(xs);',
      // Reported once, as an invalid value (not again as unread).
      `if (v === h.INVALID) { target.invalid(${id}, ${first}, h.codec.why(xs)); ${done('mask')} }`,
      applyCode(spec, constants, '0', done('mask')),
    );
  } else if (!spec.each) {
    const e = positions[0]!;
    const mask = String((1 << e) | whenMask);
    body.push(`const x = ${valueCode(String(e), component)};`, `if (x === '') ${skip}`);
    if (when !== null) body.push(`const w = h.part(els, ${when.element}, ${when.component}, comp);`, `if (!(${matchCode(when.values)})) ${skip}`);
    body.push(
      `if (target.roles[${spec.role}] === null) ${skip}`,
      'const v = h.codec.read(x);',
      `if (v === h.INVALID) { target.invalid(${id}, ${e}, h.codec.why(x)); ${done(mask)} }`,
      applyCode(spec, constants, '0', done(mask)),
    );
  } else {
    body.push('let mask = 0;');
    for (const e of positions) {
      // One block per repeated element (HI01..HI12), in order.
      body.push('{', `const x = ${valueCode(String(e), component)};`, "if (x !== '') {");
      const whenTest = when !== null ? `const w = h.part(els, ${when.element === 0 ? e : when.element}, ${when.component}, comp);\nif (${matchCode(when.values)}) {` : '{';
      body.push(
        whenTest,
        `if (target.roles[${spec.role}] === null) ${done('mask')}`,
        'const v = h.codec.read(x);',
        `if (v === h.INVALID) { target.invalid(${id}, ${e}, h.codec.why(x)); mask |= ${1 << e}; }`,
        `else { ${applyCode(spec, constants, String(e), `mask |= ${1 << e};`)} }`,
        '}',
        '}',
        '}',
      );
    }
    body.push('m |= mask;');
  }
  body.push('}');
  return body.join('\n');
}

/** One generated function running the rows in order; it returns `consumed` with the elements they read. */
function compileRows(specs: readonly ReaderSpec[], consumed: number): RowReader {
  if (!Number.isInteger(consumed)) throw new Error(`consumed mask ${consumed} is not an integer`);
  const helpers: Helpers[] = [];
  const blocks: string[] = [];
  specs.forEach((spec, k) => {
    const constants: unknown[] = [];
    blocks.push(rowBlock(spec, k, constants));
    helpers.push({ part: elementPart, sliceEntry, eachKey, copy, INVALID, codec: spec.codec, constants });
  });
  const source = `'use strict';\nreturn function read(els, comp, target) {\nlet m = ${consumed | 0};\n${blocks.join('\n')}\nreturn m;\n};`;
  // Generated from validated table data only (see the module comment).
  const factory = new Function('hs', source) as (hs: readonly Helpers[]) => RowReader;
  return factory(helpers);
}

/** The reader of one row. */
export function compileReader(spec: ReaderSpec): RowReader {
  return compileRows([spec], 0);
}

/**
 * The reader of one segment use: all its rows, in table order, as one function (one call per
 * segment, not one per row), returning their elements and the `consumed` ones (key qualifier,
 * consumed constants) as a mask.
 */
export function compileSegmentReader(specs: readonly ReaderSpec[], consumed: number): RowReader {
  return compileRows(specs, consumed);
}
