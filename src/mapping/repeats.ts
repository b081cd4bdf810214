/**
 * Repeats of a segment use in one loop instance (two TRN, several PWK, REF*EI in a provider loop):
 * each is read into its own entry of a repeating FHIR element. A row's path names that element
 * by its first slice step (`identifier[trn]`, `supportingInfo[attachment]`, `extension[itemTrace]`):
 * repeat k of the segment writes slice `name#k` (row-reader.ts), a new entry of the same array. A
 * segment use whose rows do not all write through a slice has no repeating place: its repeats stay
 * reported.
 */
import type { SegmentRow } from '../grammar/index.js';
import type { CompiledTables } from './table.js';

const memo = new WeakMap<CompiledTables, Map<SegmentRow, boolean>>();

/**
 * Whether every row reading `row` writes through a slice step, so that a repeat of it has a place
 * of its own; `single` (PasVersionInfo.singleElements): elements the PAS version holds once only.
 */
export function repeatable(tables: CompiledTables, row: SegmentRow, single: readonly string[] = []): boolean {
  let m = memo.get(tables);
  if (m === undefined) {
    m = new Map();
    for (const r of tables.rows) m.set(r.row, (m.get(r.row) ?? true) && r.spec.path.some((s) => s.kind === 'slice'));
    memo.set(tables, m);
  }
  if (m.get(row) !== true) return false;
  return single.length === 0 || !tables.rows.some((r) => r.row === row && single.includes(`${r.spec.role}.${r.spec.path[0]!.prop}`));
}

/** How many segments before index `i` of a loop instance fill the same segment use (0 for the first). */
export function repeatIndex(segments: ReadonlyArray<{ readonly row: SegmentRow | null }>, i: number): number {
  const row = segments[i]!.row;
  let k = 0;
  for (let j = 0; j < i; j++) if (segments[j]!.row === row) k++;
  return k;
}
