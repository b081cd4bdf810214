// Oracle: src/mapping/engine/write-rows.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { LoopDef, SegmentRow } from '../../../../src/grammar/index.js';
import { getSegmentDef, RuleKind, TypeKind } from '../../../../src/x12/dictionary.js';
import { PAS_VERSION_INFO, requestBundleAs221 } from '../../../../src/pas/versions.js';
import { INVALID } from '../../../../src/mapping/engine/codecs/index.js';
import type { Path, Step } from '../../../../src/mapping/engine/path.js';
import { ROLE, type CompiledRow, type CompiledTables, type RowSpec } from '../../../../src/mapping/engine/table.js';
import type { Ledger } from './ledger.js';

/**
 * The write direction of the mapping rows (FHIR resources -> the elements of one segment use).
 * Compiled from the same rows as the read direction (`RowSpec`), so the two cannot drift apart.
 */

type Obj = Record<string, unknown>;

/** Elements of one segment being written: `els[e][c - 1]` (index 0 holds the segment id). */
export type Elements = string[][];

/** What the writer could not carry into X12 from the resources it was given. */
export interface WriteProblem {
  /** UNWRITABLE_VALUE: a codec refused the value (error); OVER_LIMIT: more entries than X12 holds (error); CONFLICT: two values for one place (warning); LOSSY_VALUE: part of a value X12 cannot hold (warning); DEFAULTED: the row's default written for a missing value (warning). */
  readonly code: 'UNWRITABLE_VALUE' | 'OVER_LIMIT' | 'CONFLICT' | 'LOSSY_VALUE' | 'DEFAULTED';
  readonly rowId: string;
  readonly message: string;
  /** The resource (or item) the row read, and the row path's first element there (`timestamp`, `identifier`). */
  readonly res?: Obj;
  readonly field?: string;
}

/** Resources of the loop instance being written, by role index (ROLE); null where the role has none. */
export interface WriteContext {
  readonly roles: ReadonlyArray<Obj | null>;
  /** Slice resolutions of this bundle (kept per write). */
  readonly slices: SliceCache;
  problem(p: WriteProblem): void;
  /** Marks what the rows carry into X12 (absent in trials and quiet contexts). */
  readonly ledger?: Ledger;
}

/** One compiled row, write side. Returns true when it wrote a value from the resources (not just constants). */
type RowWriter = (els: Elements, ctx: WriteContext) => boolean;

/** How to encode one row's value for a resource, without writing it (for values shared by a loop's items). */
export interface RowValue {
  readonly id: string;
  /** FHIR place (role, path, type): rows of different loops with the same key fill the same field. */
  readonly fhirKey: string;
  readonly required: boolean;
  readonly role: number;
  /** The encoded element value(s) for this resource, or null when the row has nothing to write. */
  encode(res: Obj, ctx: WriteContext): string | null;
}

export interface SegmentWritePlan {
  readonly row: SegmentRow;
  readonly loop: LoopDef;
  /** Rows writing one place each (in table order). */
  readonly writers: ReadonlyArray<{
    readonly id: string;
    readonly role: number;
    readonly fhirKey: string;
    /** `fhirKey` as a number (0 .. WritePlans.keys - 1). */
    readonly keyId: number;
    /** Whether the role is an item's (Item, Service). */
    readonly item: boolean;
    readonly required: boolean;
    readonly spec: RowSpec;
    readonly write: RowWriter;
    readonly value: RowValue;
    /** Marks the row's value (and constants) in `res` carried, when the context has a ledger. */
    readonly consume: (res: Obj, ctx: WriteContext) => void;
  }>;
  /** The writers with a default (`x12.default`), in writer order. */
  readonly defaulting: SegmentWritePlan['writers'];
  /** Groups of `each` rows sharing element positions (HI01-HI12): one array entry per element. */
  readonly each: readonly EachGroup[];
  /** Consumed elements with a constant, and the key qualifier. */
  readonly constants: ReadonlyArray<readonly [element: number, component: number, value: string]>;
  /** Free-text (AN) simple elements and their maximum length (from the segment dictionary). */
  readonly textMax: ReadonlyArray<readonly [element: number, max: number]>;
  /** Element positions of each pair rule (P) of the segment. */
  readonly pairs: ReadonlyArray<readonly number[]>;
}

export interface WritePlans {
  readonly tables: CompiledTables;
  readonly bySegment: ReadonlyMap<SegmentRow, SegmentWritePlan>;
  /**
   * Segment uses of one loop that say the same thing in other forms (SV1 and SV2 share the item's
   * procedure, charge and quantity): only the one that carries the most of the resource is written.
   */
  readonly alternatives: ReadonlyMap<SegmentRow, readonly SegmentRow[]>;
  /** FHIR places (fhirKey) per loop id, to tell which item fields only a lower loop writes. */
  readonly placesByLoop: ReadonlyMap<string, ReadonlySet<string>>;
  /** How many different FHIR places (fhirKey) the writers have. */
  readonly keys: number;
  /**
   * Rows that only read (a second reading of an X12 place another row writes: Claim.created from
   * BHT04, the member id on the Patient), each with that writer: the read row's value is carried
   * when it encodes to what the writer writes.
   */
  readonly echoes: ReadonlyArray<{ readonly echo: { readonly role: number; readonly value: RowValue; readonly consume: (res: Obj, ctx: WriteContext) => void }; readonly writer: SegmentWritePlan['writers'][number] }>;
}

// ------------------------------------------------------------------------------------------------
// Reading a value at a row path (the inverse of setPath)
// ------------------------------------------------------------------------------------------------

interface SliceDef {
  readonly name: string;
  /** Constants relative to the slice entry (`url`, `type.coding[0]`), from every row naming it. */
  readonly constants: Array<readonly [Path, unknown]>;
  /** `constants` compiled for scoring (filled once the table is complete). */
  scored: readonly Constant[];
}

/** A slice step of a path, looked up once at compile time: its slice table key, cache id, slices and definition. */
interface SliceStep {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  readonly group: SliceGroup;
  readonly def: SliceDef | undefined;
}

/** A path compiled for reading: its steps, each slice step's lookups, and whether it ends at a `system`. */
interface Reader {
  readonly path: Path;
  readonly slices: ReadonlyArray<SliceStep | null>;
  readonly system: boolean;
  /** The value at the whole path (getPath specialized for it: one property access per step, no step dispatch). */
  readonly get: (o: unknown, cache: SliceCache) => unknown;
}

/** A constant compiled for scoring: where it is read and what it must be. */
interface Constant {
  readonly r: Reader;
  readonly v: unknown;
}

/** Slices of one array: `Requester|identifier`. */
type SliceTable = Map<string, SliceDef[]>;

/** A row's value for one resource, as first computed, with the problems it reported (replayed on every use). */
interface Memo {
  readonly x: readonly string[] | null;
  readonly problems: readonly WriteProblem[] | null;
}

const NOTHING: Memo = { x: null, problems: null };

/**
 * What rows reading the same place the same way (role, path, type, constants, codec) find in one
 * resource: shared by those rows (2000E and 2000F rows of one item field), each of which makes
 * its own Memo (its own problems) from it.
 */
interface Core {
  readonly x: readonly string[] | null;
  /** The FHIR value, when the codec refused it or X12 cannot hold all of it. */
  readonly v: unknown;
  readonly invalid: boolean;
  readonly lost: string;
}

const NO_CORE: Core = { x: null, v: undefined, invalid: false, lost: '' };

/**
 * What one write of a bundle has resolved: per array, slice name -> the entry it resolves to
 * (null: none); per resource, each row's value. A row's value only depends on the resource and
 * the slices resolved (fixed once resolved), so it is computed once per bundle.
 */
export class SliceCache {
  readonly arrays = new Map<unknown[], Map<string, Obj | null>>();
  /** Per resource: each row's value (by row number), each Core (by core number), each constant set's score (by set number). */
  readonly memos = new Map<Obj, ResourceMemo>();
  /**
   * Per array, what its `arrays` entry says, kept as it grows (only resolveSlice adds to it once a
   * cache is in use; repeatCache seeds it before): the entries taken per slice table key, and the
   * entries earlier repeats took (ids marked `@`).
   */
  readonly taken = new Map<unknown[], { readonly byKey: Map<string, Set<Obj | null> | null>; seeded: Set<Obj> | null | undefined }>();
}

interface ResourceMemo {
  readonly values: Array<Memo | undefined>;
  readonly cores: Array<Core | undefined>;
  readonly scores: Array<number | undefined>;
}

function memoOf(cache: SliceCache, res: Obj): ResourceMemo {
  let m = cache.memos.get(res);
  if (m === undefined) cache.memos.set(res, (m = { values: [], cores: [], scores: [] }));
  return m;
}

export function newSliceCache(): SliceCache {
  return new SliceCache();
}

function stepKey(s: Step): string {
  return s.kind === 'prop' ? s.prop : s.kind === 'index' ? `${s.prop}[${s.index}]` : s.kind === 'slice' ? `${s.prop}[${s.slice}]` : `${s.prop}[*]`;
}

function arrayKey(role: number, path: Path, i: number): string {
  return `${role}|${path
    .slice(0, i)
    .map(stepKey)
    .join('.')}|${path[i]!.prop}`;
}

/** Code systems PAS 2.0.1 names differently, by their 2.0.1 name (the rows use the 2.2.1 names). */
const NEWER_SYSTEM = new Map(PAS_VERSION_INFO['2.0.1'].systemRenames.map(([newer, older]) => [older, newer] as const));

/** Whether any object under `x` (an object or array) has a `system` 2.0.1 names differently. */
function hasOlderSystem(x: object): boolean {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      if (typeof v === 'object' && v !== null && hasOlderSystem(v)) return true;
    }
    return false;
  }
  const o = x as Obj;
  const system = o.system;
  if (typeof system === 'string' && NEWER_SYSTEM.has(system)) return true;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'object' && v !== null && hasOlderSystem(v)) return true;
  }
  return false;
}

/**
 * A value read at `path` as a 2.2.1 bundle has it: a 2.0.1 bundle is read as its 2.2.1 form
 * (`requestBundleAs221`: every object's `system` renamed), here only where a row reads it, so a
 * bundle is never walked or copied whole. Objects holding an older system are copied; the
 * resource is left as it is.
 */
function as221(v: unknown, system: boolean): unknown {
  if (NEWER_SYSTEM.size === 0) return v;
  if (typeof v === 'string') return system ? (NEWER_SYSTEM.get(v) ?? v) : v;
  if (typeof v !== 'object' || v === null || !hasOlderSystem(v)) return v;
  return requestBundleAs221(structuredClone(v), '2.0.1');
}

/** Deep equality on JSON values, where `want` may be a subset of `have` for objects. */
function matches(have: unknown, want: unknown): boolean {
  if (typeof want !== 'object' || want === null) return have === want;
  if (typeof have !== 'object' || have === null) return false;
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => matches(have[i], w));
  for (const k in want) if (!matches((have as Obj)[k], (want as Obj)[k])) return false;
  return true;
}

/**
 * Score of a constant set against an object: -1 when a present value differs; else
 * `absent * 65536 + present` (how many constants are present and equal, how many absent).
 */
function score(o: Obj, constants: readonly Constant[], cache: SliceCache): number {
  let present = 0;
  let absent = 0;
  for (let i = 0; i < constants.length; i++) {
    const c = constants[i]!;
    const have = read(o, c.r, cache);
    if (have === undefined) absent++;
    else if (matches(have, c.v)) present++;
    else return -1;
  }
  return absent * 65536 + present;
}

/** How many constants of a score (not -1) are present. */
function presentOf(s: number): number {
  return s & 0xffff;
}

/** Whether score `a` (not -1) beats `b` (-1: none yet): fewer absent constants, then more present. */
function better(a: number, b: number): boolean {
  return b < 0 || a >>> 16 < b >>> 16 || (a >>> 16 === b >>> 16 && presentOf(a) > presentOf(b));
}

/** Per slice table key: its slices by name, the constrained ones, and each free slice's place among the free ones. */
interface SliceGroup {
  readonly byName: ReadonlyMap<string, SliceDef>;
  readonly constrained: readonly SliceDef[];
  readonly freeIndex: ReadonlyMap<string, number>;
}

const groups = new WeakMap<readonly SliceDef[], SliceGroup>();
const NO_DEFS: readonly SliceDef[] = [];

function groupOf(defs: readonly SliceDef[]): SliceGroup {
  let g = groups.get(defs);
  if (g === undefined) {
    const byName = new Map<string, SliceDef>();
    // The first of a name, as Array.find gives it.
    for (const d of defs) if (!byName.has(d.name)) byName.set(d.name, d);
    const freeIndex = new Map<string, number>();
    defs.filter((d) => d.constants.length === 0).forEach((d, i) => {
      if (!freeIndex.has(d.name)) freeIndex.set(d.name, i);
    });
    groups.set(defs, (g = { byName, constrained: defs.filter((d) => d.constants.length > 0), freeIndex }));
  }
  return g;
}

/**
 * The entry of array `a` that slice `name` stands for. Slices with constants claim, when first
 * used, the best-matching entry no other slice has claimed (so when two rows could carry one
 * identifier, the one that writes first takes it); slices without constants take the entries no
 * constrained slice matches, in order.
 */
function resolveSlice(a: unknown[], st: SliceStep, cache: SliceCache): Obj | null {
  let m = cache.arrays.get(a);
  if (m === undefined) {
    m = new Map();
    cache.arrays.set(a, m);
  }
  // Cached per slice table key and name (`id`): a constant check (relative key) must not answer for the row path's slice.
  const id = st.id;
  const hit = m.get(id);
  if (hit !== undefined) return hit;
  const g = st.group;
  const def = st.def;
  let found: Obj | null = null;
  let t = cache.taken.get(a);
  if (t === undefined) cache.taken.set(a, (t = { byKey: new Map(), seeded: undefined }));
  if (def !== undefined && def.constants.length > 0) {
    let claimed = t.byKey.get(st.key);
    if (claimed === undefined) {
      const prefix = st.key + '#';
      claimed = null;
      for (const [k, v] of m) if (v !== null && k.startsWith(prefix)) (claimed ??= new Set()).add(v);
      t.byKey.set(st.key, claimed);
    }
    let bestScore = -1;
    for (const e of a) {
      if (typeof e !== 'object' || e === null) continue;
      if (claimed?.has(e as Obj) === true) continue;
      const s = score(e as Obj, def.scored, cache);
      if (s < 0 || presentOf(s) === 0) continue;
      if (better(s, bestScore)) {
        found = e as Obj;
        bestScore = s;
      }
    }
  } else {
    // The entries no constrained slice matches; this free slice takes the one at its place among
    // the free slices. Every entry is scored (a constant's path may resolve slices of its own).
    const at = g.freeIndex.get(st.name) ?? -1;
    // Entries an earlier repeat of the segment took (ids marked `@`, repeat-write.ts) are not counted.
    let seeded = t.seeded;
    if (seeded === undefined) {
      seeded = null;
      for (const [k, v] of m) if (v !== null && k.includes('@')) (seeded ??= new Set()).add(v);
      t.seeded = seeded;
    }
    let n = 0;
    for (const e of a) {
      if (typeof e !== 'object' || e === null || seeded?.has(e as Obj) === true) continue;
      let taken = false;
      for (const d of g.constrained) {
        const s = score(e as Obj, d.scored, cache);
        if (s >= 0 && presentOf(s) > 0) {
          taken = true;
          break;
        }
      }
      if (!taken && n++ === at) found = e as Obj;
    }
  }
  m.set(id, found);
  if (found !== null) {
    const claimed = t.byKey.get(st.key);
    if (claimed === null) t.byKey.set(st.key, new Set([found]));
    else if (claimed !== undefined) claimed.add(found);
  }
  return found;
}

/** Compiles `path` for reading under role `role` (`base` -1: relative to an array entry, sliced by `*|prop`). */
function reader(path: Path, slices: SliceTable, role: number, base: number): Reader {
  const steps = path.map((s, i): SliceStep | null => {
    if (s.kind !== 'slice') return null;
    const key = base < 0 ? `*|${s.prop}` : arrayKey(role, path, i);
    const group = groupOf(slices.get(key) ?? NO_DEFS);
    return { key, id: `${key}#${s.slice}`, name: s.slice, group, def: group.byName.get(s.slice) };
  });
  const last = path[path.length - 1];
  return { path, slices: steps, system: last !== undefined && last.kind === 'prop' && last.prop === 'system', get: accessor(path, steps) };
}

/**
 * getPath over a whole path as generated code: `o.identifier`, then the slice's entry, and so on,
 * each property access a site of its own. Property names are path steps (letters and digits, see
 * path.ts), quoted all the same.
 */
function accessor(path: Path, steps: ReadonlyArray<SliceStep | null>): (o: unknown, cache: SliceCache) => unknown {
  const lines: string[] = ['let cur = o, v;'];
  path.forEach((s, i) => {
    lines.push(`if (typeof cur !== 'object' || cur === null) return undefined;`, `v = cur[${JSON.stringify(s.prop)}];`);
    if (s.kind === 'prop') lines.push('cur = v;');
    else if (s.kind === 'index') lines.push('if (!Array.isArray(v)) return undefined;', `cur = v[${s.index}];`);
    else if (s.kind === 'slice') lines.push('if (!Array.isArray(v)) return undefined;', `cur = resolveSlice(v, steps[${i}], cache) ?? undefined;`);
    else lines.push('return undefined;');
  });
  lines.push('return cur;');
  // Generated from parsed paths only (names checked by path.ts).
  const make = new Function('resolveSlice', 'steps', `'use strict'; return function (o, cache) { ${lines.join(' ')} };`) as (r: typeof resolveSlice, st: typeof steps) => (o: unknown, cache: SliceCache) => unknown;
  return make(resolveSlice, steps);
}

/** The value at `path[from..to)` under `o`; `each` steps are not followed (the caller iterates them). */
function getPath(o: unknown, r: Reader, from: number, to: number, cache: SliceCache): unknown {
  let cur = o;
  const path = r.path;
  for (let i = from; i < to; i++) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const s = path[i]!;
    const v = (cur as Obj)[s.prop];
    if (s.kind === 'prop') cur = v;
    else if (!Array.isArray(v)) return undefined;
    else if (s.kind === 'index') cur = v[s.index];
    else if (s.kind === 'slice') cur = resolveSlice(v, r.slices[i]!, cache) ?? undefined;
    else return undefined;
  }
  return cur;
}

/** The value at the whole of `r`'s path under `o`, as a 2.2.1 bundle has it. */
function read(o: unknown, r: Reader, cache: SliceCache): unknown {
  return as221(r.get(o, cache), r.system);
}

// ------------------------------------------------------------------------------------------------
// Putting values into elements
// ------------------------------------------------------------------------------------------------

export function get(els: Elements, e: number, c: number): string {
  const el = els[e];
  if (el === undefined) return '';
  return el[c === 0 ? 0 : c - 1] ?? '';
}

/** Puts a value; returns false when the place already holds another value. */
export function put(els: Elements, e: number, c: number, v: string): boolean {
  while (els.length <= e) els.push([]);
  const el = els[e]!;
  const i = c === 0 ? 0 : c - 1;
  const have = el[i] ?? '';
  if (have !== '' && have !== v) return false;
  while (el.length <= i) el.push('');
  el[i] = v;
  return true;
}

function encoded(x: unknown, arity: number): readonly string[] | null {
  if (arity === 1) return typeof x === 'string' && x !== '' ? [x] : null;
  if (!Array.isArray(x) || x.length !== arity || x.some((s) => typeof s !== 'string')) return null;
  return x.every((s) => s === '') ? null : (x as string[]);
}

/** The codec's X12 value for `value`: null when there is nothing to write; `lost` when X12 cannot hold all of it. */
function encode(spec: RowSpec, value: unknown): { x: readonly string[]; lost: string } | null | typeof INVALID {
  let x: unknown;
  let lost = '';
  try {
    x = spec.codec.write(value);
    if (x === INVALID && spec.codec.writeLossy !== undefined) {
      const l = spec.codec.writeLossy(value);
      if (l !== INVALID) {
        x = l.x;
        lost = l.lost;
      }
    }
  } catch {
    return INVALID;
  }
  if (x === INVALID) return INVALID;
  const e = encoded(x, spec.arity);
  return e === null ? null : { x: e, lost };
}

// ------------------------------------------------------------------------------------------------
// Compiling
// ------------------------------------------------------------------------------------------------

function fhirKeyOf(r: CompiledRow): string {
  const s = r.spec;
  return `${s.role}:${s.path.map(stepKey).join('.')}${s.type !== null ? `@${s.type}` : ''}`;
}

/** Splits constants into the ones on the row's own object and the ones under an each step. */
function eachIndex(p: Path): number {
  return p.findIndex((s) => s.kind === 'each');
}

/**
 * Marks the value at `path` under `o` carried, as far as the codec gives it back: `back` is what
 * reading the written X12 value makes (codec.read), so a Coding's display or a name's text the
 * codec does not keep stays unmarked (and is reported). Without `back`, the value is marked whole.
 */
function markPath(l: Ledger, o: Obj, r: Reader, cache: SliceCache, back?: unknown): void {
  const path = r.path;
  if (path.length === 0) return;
  const parent = getPath(o, r, 0, path.length - 1, cache);
  if (typeof parent !== 'object' || parent === null) return;
  const last = path[path.length - 1]!;
  const v = (parent as Obj)[last.prop];
  if (last.kind === 'prop') markEqual(l, parent, last.prop, back);
  else if (Array.isArray(v)) {
    if (last.kind === 'index') markEqual(l, v, String(last.index), back);
    else if (last.kind === 'slice') {
      const hit = getPath(o, r, 0, path.length, cache);
      if (back === undefined) l.all(hit);
      else if (typeof hit === 'object' && hit !== null) {
        const i = v.indexOf(hit);
        if (i >= 0) markEqual(l, v, String(i), back);
      }
    }
  }
}

/** Marks `parent[key]` where it equals `back` (all of it when `back` is undefined). */
function markEqual(l: Ledger, parent: object, key: string, back: unknown): void {
  const v = (parent as Obj)[key];
  if (back === undefined) {
    l.key(parent, key);
    return;
  }
  if (typeof v !== 'object' || v === null) {
    if (v === back || (typeof v === 'number' && typeof back === 'number' && Math.abs(v - back) < 1e-9) || (typeof back === 'string' && String(v) === back)) l.key(parent, key);
    return;
  }
  if (typeof back !== 'object' || back === null) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if ((back as unknown[])[i] !== undefined) markEqual(l, v, String(i), (back as unknown[])[i]);
    return;
  }
  for (const k in v as Obj) if ((back as Obj)[k] !== undefined) markEqual(l, v, k, (back as Obj)[k]);
}

/** What reading an encoded value makes again (undefined when the codec cannot say). */
function readBack(spec: RowSpec, x: readonly string[]): unknown {
  try {
    const back = spec.codec.read((spec.arity === 1 ? x[0] : x) as never);
    return back === INVALID ? undefined : (back as unknown);
  } catch {
    return undefined;
  }
}

function compileSingle(r: CompiledRow, slices: SliceTable, n: number, coreNumber: number, setsNumber: number): { write: RowWriter; value: RowValue; consume: (res: Obj, ctx: WriteContext) => void } {
  const s = r.spec;
  const role = ROLE[s.role];
  const path = reader(s.path, slices, role, 0);
  const sets: readonly Constant[] = s.sets.map(([p, v]) => ({ r: reader(p, slices, role, 0), v }));
  const field = s.path[0]!.prop;
  const [e0] = s.positions;
  const w = s.when;
  const sibling = w !== null && !(w.element === e0 && w.component === s.component) ? w : null;
  const own = w !== null && sibling === null ? w.values : null;
  const where = `${s.role} ${s.path.map(stepKey).join('.')}`;
  const computeCore = (res: Obj, memo: ResourceMemo, cache: SliceCache): Core => {
    if (s.type !== null && res.resourceType !== s.type) return NO_CORE;
    if (sets.length > 0) {
      // Rows with the same constants on one resource share their score (it only depends on the resource and the slices resolved).
      let sc = memo.scores[setsNumber];
      if (sc === undefined) memo.scores[setsNumber] = sc = score(res, sets, cache);
      if (sc < 0) return NO_CORE;
    }
    const v = read(res, path, cache);
    if (v === undefined || v === null) return NO_CORE;
    const x = encode(s, v);
    if (x === INVALID) return { x: null, v, invalid: true, lost: '' };
    if (x === null) return NO_CORE;
    if (own !== null && !own.includes(x.x[0]!)) return NO_CORE;
    return { x: x.x, v, invalid: false, lost: x.lost };
  };
  const compute = (res: Obj, memo: ResourceMemo, cache: SliceCache): Memo => {
    const cores = memo.cores;
    let core = cores[coreNumber];
    if (core === undefined) cores[coreNumber] = core = computeCore(res, memo, cache);
    const v = core.v;
    if (core.invalid) {
      // A row with a default writes it instead (reported when the segment is written); otherwise the value is refused.
      if (s.default === null) return { x: null, problems: [{ code: 'UNWRITABLE_VALUE', rowId: r.id, message: `${where}: ${JSON.stringify(v)} cannot be written as ${r.row.segment} element ${e0} (codec ${s.codec.name})` }] };
      return NOTHING;
    }
    const x = core.x;
    if (x === null) return NOTHING;
    if (core.lost !== '') return { x, problems: [{ code: 'LOSSY_VALUE', rowId: r.id, message: `${where}: ${JSON.stringify(v)} written as ${x.join(' ')}; X12 has no place for its ${core.lost}` }] };
    return { x, problems: null };
  };
  const valueOf = (res: Obj, ctx: WriteContext): readonly string[] | null => {
    const cache = ctx.slices;
    const memo = memoOf(cache, res);
    const per = memo.values;
    let m = per[n];
    if (m === undefined) per[n] = m = compute(res, memo, cache);
    if (m.problems !== null) for (const p of m.problems) ctx.problem({ ...p, res, field });
    return m.x;
  };
  const consume = (res: Obj, ctx: WriteContext): void => {
    const l = ctx.ledger;
    if (l === undefined) return;
    const x = ctx.slices.memos.get(res)?.values[n]?.x ?? null;
    markPath(l, res, path, ctx.slices, x !== null ? readBack(s, x) : undefined);
    for (const c of sets) markPath(l, res, c.r, ctx.slices, c.v);
  };
  const write: RowWriter = (els, ctx) => {
    const res = ctx.roles[role];
    if (res === null || res === undefined) return false;
    if (sibling !== null) {
      const have = get(els, sibling.element, sibling.component);
      if (have !== '' && !sibling.values.includes(have)) return false;
    }
    const x = valueOf(res, ctx);
    if (x === null) return false;
    const positions = s.positions;
    for (let i = 0; i < positions.length; i++) {
      const have = get(els, positions[i]!, s.component);
      if (have !== '' && have !== x[i]) {
        ctx.problem({ code: 'CONFLICT', rowId: r.id, message: `${r.row.name} element ${e0}: another row already wrote a different value; ${where} is not written` });
        return false;
      }
    }
    for (let i = 0; i < positions.length; i++) if (x[i] !== '') put(els, positions[i]!, s.component, x[i]!);
    if (sibling !== null && get(els, sibling.element, sibling.component) === '') put(els, sibling.element, sibling.component, s.codec.qualifier?.(x[0]!) ?? sibling.values[0]!);
    consume(res, ctx);
    return true;
  };
  const value: RowValue = {
    id: r.id,
    fhirKey: fhirKeyOf(r),
    required: s.required,
    role,
    encode(res, ctx) {
      const x = valueOf(res, ctx);
      return x === null ? null : x.length === 1 ? x[0]! : x.join('\u0000');
    },
  };
  return { write, value, consume };
}

export interface EachGroup {
  readonly positions: readonly number[];
  readonly role: number;
  readonly ids: readonly string[];
  write(els: Elements, ctx: WriteContext): boolean;
}

function compileEach(all: readonly CompiledRow[], slices: SliceTable): EachGroup {
  // Rows of another component than the code rows (a diagnosis date in HIxx-4) add to the element the code row wrote.
  const counts = new Map<number, number>();
  for (const r of all) counts.set(r.spec.component, (counts.get(r.spec.component) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const rows = all.filter((r) => r.spec.component === main);
  const extraRows = all.filter((r) => r.spec.component !== main);
  const first = rows[0]!.spec;
  const role = ROLE[first.role];
  const at = eachIndex(first.path);
  const prefix = first.path.slice(0, at + 1);
  const prefixReader = reader(prefix, slices, role, 0);
  /** The constants under the each step, relative to its entry. */
  const entryConstants = (s: RowSpec): Constant[] => s.sets.filter(([p]) => eachIndex(p) === at).map(([p, v]) => ({ r: reader(p.slice(at + 1), slices, role, -1), v }));
  const parts = rows.map((r) => {
    const s = r.spec;
    const rest = reader(s.path.slice(at + 1), slices, role, -1);
    return { r, s, rest, consts: entryConstants(s) };
  });
  const extras = extraRows.map((r) => ({ r, s: r.spec, rest: reader(r.spec.path.slice(at + 1), slices, role, -1), consts: entryConstants(r.spec) }));
  return {
    positions: first.positions,
    role,
    ids: rows.map((r) => r.id),
    write(els, ctx) {
      const res = ctx.roles[role];
      if (res === null || res === undefined) return false;
      const arr = getPath(res, prefixReader, 0, at, ctx.slices);
      const list = arr === undefined ? undefined : (arr as Obj)[prefix[at]!.prop];
      if (!Array.isArray(list) || list.length === 0) return false;
      const entries = list.filter((x): x is Obj => typeof x === 'object' && x !== null);
      // In sequence order where the entries carry one (Claim.diagnosis.sequence), else as listed.
      if (entries.every((x) => typeof x.sequence === 'number')) entries.sort((a, b) => (a.sequence as number) - (b.sequence as number));
      let next = 0;
      let wrote = false;
      for (const entry of entries) {
        let best: (typeof parts)[number] | null = null;
        let bestScore = -1;
        for (const p of parts) {
          const sc = score(entry, p.consts, ctx.slices);
          if (sc < 0) continue;
          const v = read(entry, p.rest, ctx.slices);
          if (v === undefined) continue;
          if (better(sc, bestScore)) {
            best = p;
            bestScore = sc;
          }
        }
        if (best === null) continue;
        const v = read(entry, best.rest, ctx.slices);
        const x = encode(best.s, v);
        if (x === INVALID || x === null) {
          if (x === INVALID) ctx.problem({ code: 'UNWRITABLE_VALUE', rowId: best.r.id, message: `${best.s.role} ${prefix.map(stepKey).join('.')} entry: ${JSON.stringify(v)} cannot be written (codec ${best.s.codec.name})` });
          continue;
        }
        if (next >= first.positions.length) {
          ctx.problem({ code: 'OVER_LIMIT', rowId: best.r.id, message: `${best.s.role} ${prefix.map(stepKey).join('.')}: ${entries.length} entries, but ${rows[0]!.row.name} holds ${first.positions.length}; entry ${entries.indexOf(entry) + 1} and later are not written` });
          break;
        }
        const e = first.positions[next++]!;
        const w = best.s.when;
        if (w !== null) put(els, w.element === 0 ? e : w.element, w.component, w.values[0]!);
        put(els, e, best.s.component, x.x[0]!);
        wrote = true;
        for (const xr of extras) {
          const xw = xr.s.when;
          if (xw !== null && w !== null && xw.component === w.component && !xw.values.includes(w.values[0]!)) continue;
          const xv = read(entry, xr.rest, ctx.slices);
          if (xv === undefined) continue;
          const xx = encode(xr.s, xv);
          if (xx === INVALID || xx === null) {
            if (xx === INVALID) ctx.problem({ code: 'UNWRITABLE_VALUE', rowId: xr.r.id, message: `${xr.s.role} ${prefix.map(stepKey).join('.')} entry: ${JSON.stringify(xv)} cannot be written (codec ${xr.s.codec.name})` });
            continue;
          }
          // A date component follows its format qualifier (D8).
          if (xr.s.codec.name === 'date-d8' && xr.s.component > 1) put(els, e, xr.s.component - 1, 'D8');
          put(els, e, xr.s.component, xx.x[0]!);
          const l = ctx.ledger;
          if (l !== undefined) {
            markPath(l, entry, xr.rest, ctx.slices, readBack(xr.s, xx.x));
            for (const c of xr.consts) markPath(l, entry, c.r, ctx.slices, c.v);
          }
        }
        const l = ctx.ledger;
        if (l !== undefined) {
          markPath(l, entry, best.rest, ctx.slices, readBack(best.s, x.x));
          for (const c of best.consts) markPath(l, entry, c.r, ctx.slices, c.v);
        }
      }
      return wrote;
    },
  };
}

/** Collects every slice the rows name, with the constants that tell its entry apart. */
function sliceTable(rows: readonly CompiledRow[]): SliceTable {
  const t: SliceTable = new Map();
  const def = (key: string, name: string): SliceDef => {
    let list = t.get(key);
    if (list === undefined) t.set(key, (list = []));
    let d = list.find((x) => x.name === name);
    if (d === undefined) list.push((d = { name, constants: [], scored: [] }));
    return d;
  };
  const note = (role: number, p: Path, v: unknown | undefined, base: number): void => {
    p.forEach((s, i) => {
      if (i < base || s.kind !== 'slice') return;
      const key = base === 0 ? arrayKey(role, p, i) : `*|${s.prop}`;
      const d = def(key, s.slice);
      if (v !== undefined && i < p.length - 1) {
        const rel = p.slice(i + 1);
        if (!d.constants.some(([q, w]) => q.map(stepKey).join('.') === rel.map(stepKey).join('.') && matches(w, v))) d.constants.push([rel, v]);
      }
    });
  };
  for (const r of rows) {
    const role = ROLE[r.spec.role];
    const at = eachIndex(r.spec.path);
    const base = at < 0 ? 0 : at + 1;
    note(role, r.spec.path, undefined, base);
    for (const [p, v] of r.spec.sets) note(role, p, v, base);
  }
  // Relative constants are read with the entry-relative slice keys (`*|prop`), once every slice is known.
  for (const list of t.values()) for (const d of list) d.scored = d.constants.map(([p, v]) => ({ r: reader(p, t, 0, -1), v }));
  return t;
}

/** Compiles the write side of a table set. */
export function compileWritePlans(tables: CompiledTables): WritePlans {
  const writing = tables.rows.filter((r) => r.spec.writes);
  const slices = sliceTable(writing);
  const bySegment = new Map<SegmentRow, SegmentWritePlan>();
  const placesByLoop = new Map<string, Set<string>>();
  const grouped = new Map<SegmentRow, CompiledRow[]>();
  for (const r of writing) {
    const list = grouped.get(r.row) ?? [];
    list.push(r);
    grouped.set(r.row, list);
    const set = placesByLoop.get(r.spec.loop.id) ?? new Set<string>();
    set.add(fhirKeyOf(r));
    placesByLoop.set(r.spec.loop.id, set);
  }
  const segs = new Set<SegmentRow>([...grouped.keys(), ...tables.constants.keys()]);
  let rowNumber = 0;
  const keyIds = new Map<string, number>();
  /** Rows that read one place the same way share their Core: by signature. */
  const coreIds = new Map<string, number>();
  const codecIds = new Map<unknown, number>();
  /** Rows with the same constants (role, slice table, sets) share their score on a resource: by signature. */
  const setsIds = new Map<string, number>();
  const tableIds = new Map<SliceTable, number>();
  const setsOf = (r: CompiledRow, t: SliceTable): number => {
    let table = tableIds.get(t);
    if (table === undefined) tableIds.set(t, (table = tableIds.size));
    const sig = JSON.stringify([table, r.spec.role, r.spec.sets]);
    let id = setsIds.get(sig);
    if (id === undefined) setsIds.set(sig, (id = setsIds.size));
    return id;
  };
  const coreOf = (r: CompiledRow): number => {
    const s = r.spec;
    let codec = codecIds.get(s.codec);
    if (codec === undefined) codecIds.set(s.codec, (codec = codecIds.size));
    const w = s.when;
    const own = w !== null && w.element === s.positions[0] && w.component === s.component ? w.values : null;
    const sig = JSON.stringify([s.role, s.path, s.type, s.sets, codec, s.arity, own]);
    let id = coreIds.get(sig);
    if (id === undefined) coreIds.set(sig, (id = coreIds.size));
    return id;
  };
  for (const seg of segs) {
    const rows = grouped.get(seg) ?? [];
    const writers = rows
      .filter((r) => !r.spec.each)
      .map((r) => {
        const c = compileSingle(r, slices, rowNumber++, coreOf(r), setsOf(r, slices));
        const fhirKey = fhirKeyOf(r);
        let keyId = keyIds.get(fhirKey);
        if (keyId === undefined) keyIds.set(fhirKey, (keyId = keyIds.size));
        const role = ROLE[r.spec.role];
        return { id: r.id, role, fhirKey, keyId, item: role === ROLE.Item || role === ROLE.Service, required: r.spec.required, spec: r.spec, ...c };
      });
    const eachRows = new Map<string, CompiledRow[]>();
    for (const r of rows.filter((x) => x.spec.each)) {
      const k = r.spec.positions.join(',');
      eachRows.set(k, [...(eachRows.get(k) ?? []), r]);
    }
    const constants: Array<readonly [number, number, string]> = (tables.constants.get(seg) ?? []).map(([e, v]) => [e, 0, v] as const);
    if (seg.key !== null) constants.push([seg.key.element, seg.key.component, seg.key.values[0]!]);
    const loop = rows[0]?.spec.loop ?? tables.grammar.loops.get(seg.loop) ?? tables.grammar.header;
    const def = getSegmentDef(seg.segment);
    const textMax = (def?.elements ?? []).flatMap((ed, i) => (ed.kind === TypeKind.AN && ed.composite === null ? [[i + 1, ed.max] as const] : []));
    const pairs = (def?.syntax ?? []).filter((n) => n.rule === RuleKind.P).map((n) => n.indexes.map((i) => i + 1));
    bySegment.set(seg, { row: seg, loop, writers, defaulting: writers.filter((w) => w.spec.default !== null), each: [...eachRows.values()].map((g) => compileEach(g, slices)), constants, textMax, pairs });
  }
  // Alternatives: segment uses of one loop (not its trigger) sharing two or more FHIR places.
  const alternatives = new Map<SegmentRow, SegmentRow[]>();
  const places = (seg: SegmentRow): Set<string> => new Set(bySegment.get(seg)!.writers.map((w) => w.fhirKey));
  const list = [...bySegment.keys()];
  for (const a of list) {
    for (const b of list) {
      if (a === b || a.loop !== b.loop || a.segment === b.segment) continue;
      const loop = tables.grammar.loops.get(a.loop);
      if (loop !== undefined && (loop.trigger === a || loop.trigger === b)) continue;
      const pb = places(b);
      let shared = 0;
      for (const k of places(a)) if (pb.has(k)) shared++;
      if (shared >= 2) alternatives.set(a, [...(alternatives.get(a) ?? [a]), b]);
    }
  }
  // In slot order, so every member of a group makes the same choice on a tie.
  for (const [k, v] of alternatives) alternatives.set(k, [...v].sort((x, y) => x.index - y.index));
  const echoes: Array<WritePlans['echoes'][number]> = [];
  const readOnly = tables.rows.filter((r) => !r.spec.writes && !r.spec.each);
  if (readOnly.length > 0) {
    const echoSlices = sliceTable([...writing, ...readOnly]);
    for (const r of readOnly) {
      const s = r.spec;
      const same = (w: SegmentWritePlan['writers'][number]): boolean =>
        w.spec.positions.join() === s.positions.join() && w.spec.component === s.component && JSON.stringify(w.spec.when) === JSON.stringify(s.when);
      const writer = bySegment.get(r.row)?.writers.find(same);
      if (writer === undefined) continue;
      const c = compileSingle(r, echoSlices, rowNumber++, coreOf(r), setsOf(r, echoSlices));
      echoes.push({ echo: { role: ROLE[s.role], value: c.value, consume: c.consume }, writer });
    }
  }
  return { tables, bySegment, placesByLoop, alternatives, keys: keyIds.size, echoes };
}

/** The segment rows of a loop and its name loops. */
export function segmentRows(def: LoopDef, loops: ReadonlyMap<string, LoopDef>): SegmentRow[] {
  const rows: SegmentRow[] = [];
  for (const s of def.slots) {
    if (s.kind === 'segment') rows.push(s);
    else rows.push(...segmentRows(loops.get(s.id) ?? s, loops));
  }
  return rows;
}

/**
 * Whether the one item of a request needs a 2000F of its own: when a row only the 2000F has (a
 * procedure code, a line trace number...) gives it a value. Otherwise the event level carries it.
 */
export function needsServiceLevel(wp: WritePlans, item: Obj, service: Obj | null): boolean {
  const loops = wp.tables.grammar.loops;
  const serviceLoop = loops.get('2000F');
  if (serviceLoop === undefined) return false;
  const eventPlaces = wp.placesByLoop.get('2000E') ?? new Set<string>();
  const ctx: WriteContext = { roles: [], slices: newSliceCache(), problem: () => undefined };
  for (const seg of segmentRows(serviceLoop, loops)) {
    const plan = wp.bySegment.get(seg);
    if (plan === undefined) continue;
    for (const w of plan.writers) {
      const res = w.role === ROLE.Item ? item : w.role === ROLE.Service ? service : null;
      if (res !== null && !eventPlaces.has(w.fhirKey) && w.value.encode(res, ctx) !== null) return true;
    }
  }
  return false;
}

/**
 * The item values a loop above the items (2000E) carries for every item of one segment use:
 * fhirKey -> encoded value, for the values every item shares. Elements a pair rule ties together
 * (HSD01 with HSD02) move only together: a shared one whose partner differs between items stays
 * with the items. Used by the writer and by the reader's report, so they cannot disagree.
 */
export function sharedValues(plan: SegmentWritePlan, values: (w: SegmentWritePlan['writers'][number]) => ReadonlyArray<string | null>, itemRoles: readonly number[]): Map<string, string> {
  const shared = new Map<string, string>();
  const byElement = new Map<number, { same: boolean; any: boolean; keys: string[] }>();
  for (const w of plan.writers) {
    if (!itemRoles.includes(w.role)) continue;
    const vals = values(w);
    const same = vals.length > 0 && vals.every((v) => v !== null && v === vals[0]);
    if (same) shared.set(w.fhirKey, vals[0]!);
    if (w.spec.component !== 0) continue;
    for (const e of w.spec.positions) {
      const b = byElement.get(e) ?? { same: false, any: false, keys: [] };
      if (same) {
        b.same = true;
        b.keys.push(w.fhirKey);
      } else if (vals.some((v) => v !== null)) b.any = true;
      byElement.set(e, b);
    }
  }
  // The segment's pair rules, as the plan has them (element positions).
  for (const pos of plan.pairs) {
    const split = pos.some((e) => byElement.get(e)?.same === true) && pos.some((e) => byElement.get(e)?.any === true && byElement.get(e)?.same !== true);
    if (split) for (const e of pos) for (const k of byElement.get(e)?.keys ?? []) shared.delete(k);
  }
  return shared;
}

/** A written segment and the loop instance it belongs to (see `loopKey`). */
export interface WrittenSegment {
  readonly key: string;
  readonly els: Elements;
}
