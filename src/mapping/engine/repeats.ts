/**
 * Repeats of a segment use in one loop instance (two TRN, several PWK, REF*EI in a provider loop):
 * each is read into its own entry of a repeating FHIR element. A row's path names that element
 * by its first slice step (`identifier[trn]`, `supportingInfo[attachment]`, `extension[itemTrace]`):
 * repeat k of the segment writes slice `name#k` (row-reader.ts), a new entry of the same array. A
 * segment use whose rows do not all write through a slice has no repeating place: its repeats stay
 * reported. Where a segment use's rows split by a `when` (response TRN01 1 and 2: two kinds), a
 * repeat is one of the same kind, and only the rows of that kind need a repeating place.
 */
import type { SegmentRow } from '../../grammar/index.js';
import { whenHolds } from './inheritance.js';
import type { CompiledRow, CompiledTables, RowSpec } from './table.js';

const memo = new WeakMap<CompiledTables, Map<SegmentRow, boolean>>();
const rowsMemo = new WeakMap<CompiledTables, Map<SegmentRow, CompiledRow[]>>();

/** The rows reading segment use `row`, in table order. */
function rowsOf(tables: CompiledTables, row: SegmentRow): readonly CompiledRow[] {
  let m = rowsMemo.get(tables);
  if (m === undefined) {
    m = new Map();
    for (const r of tables.rows) {
      const list = m.get(r.row);
      if (list === undefined) m.set(r.row, [r]);
      else list.push(r);
    }
    rowsMemo.set(tables, m);
  }
  return m.get(row) ?? [];
}

const throughSlice = (spec: RowSpec): boolean => spec.path.some((s) => s.kind === 'slice');

const shapes = new WeakMap<RowSpec, string>();

/** The repeating element a row writes (its role and path to the first slice) and the constants that slice sets, without the slice's name; worked out once per row. */
function entryShape(spec: RowSpec): string {
  let shape = shapes.get(spec);
  if (shape === undefined) shapes.set(spec, (shape = shapeOf(spec)));
  return shape;
}

function shapeOf(spec: RowSpec): string {
  const at = spec.path.findIndex((s) => s.kind === 'slice');
  const props = (p: RowSpec['path'], to: number): string => p.slice(0, to).map((s) => s.prop).join('.');
  if (at < 0) return `${spec.role}.${props(spec.path, spec.path.length)}`;
  const head = props(spec.path, at + 1);
  const name = (spec.path[at] as { slice: string }).slice;
  const sets = spec.sets
    .filter(([p]) => p.length > at && p[at]!.kind === 'slice' && (p[at] as { slice: string }).slice === name && props(p, at + 1) === head)
    .map(([p, v]) => `${p.slice(at + 1).map((s) => (s.kind === 'index' ? `${s.prop}[${s.index}]` : s.prop)).join('.')}=${JSON.stringify(v)}`)
    .sort();
  return `${spec.role}.${head}|${sets.join('|')}`;
}

/**
 * Whether every row reading `row` writes through a slice step, so that a repeat of it has a place
 * of its own; `single` (PasVersionInfo.singleElements): elements the PAS version holds once only;
 * `kind`: only the rows it accepts count (the rows of one kind of the segment use).
 */
export function repeatable(tables: CompiledTables, row: SegmentRow, single: readonly string[] = [], kind?: (spec: RowSpec) => boolean): boolean {
  if (kind !== undefined) {
    const all = rowsOf(tables, row);
    const mine = all.filter((r) => kind(r.spec));
    if (mine.length === 0 || !mine.every((r) => throughSlice(r.spec) && !single.includes(`${r.spec.role}.${r.spec.path[0]!.prop}`))) return false;
    // Another kind filling the same element with entries alike (2000F TRN01 1 and 2: both an itemTraceNumber) tells the kinds apart by their order only: a repeat would move the boundary.
    const theirs = new Set(all.filter((r) => !kind(r.spec)).map((r) => entryShape(r.spec)));
    return mine.every((r) => !theirs.has(entryShape(r.spec)));
  }
  let m = memo.get(tables);
  if (m === undefined) {
    m = new Map();
    for (const r of tables.rows) m.set(r.row, (m.get(r.row) ?? true) && throughSlice(r.spec));
    memo.set(tables, m);
  }
  if (m.get(row) !== true) return false;
  return single.length === 0 || !tables.rows.some((r) => r.row === row && single.includes(`${r.spec.role}.${r.spec.path[0]!.prop}`));
}

/** Which rows of `row` a segment's elements are for (their `when` holds): `kindOf` of two segments is equal when they are of one kind. */
export function kindOf(tables: CompiledTables, row: SegmentRow, els: readonly string[], sep: string): string {
  let k = '';
  for (const r of rowsOf(tables, row)) k += whenHolds(els, r.spec.when, r.spec.positions[0] ?? 0, r.spec.component, sep) ? '1' : '0';
  return k;
}

/**
 * How many segments before index `i` of a loop instance fill the same segment use (0 for the
 * first); `same`, when given, says which of them are of the same kind (by index).
 */
export function repeatIndex(segments: ReadonlyArray<{ readonly row: SegmentRow | null }>, i: number, same?: (j: number) => boolean): number {
  const row = segments[i]!.row;
  let k = 0;
  for (let j = 0; j < i; j++) if (segments[j]!.row === row && (same === undefined || same(j))) k++;
  return k;
}
