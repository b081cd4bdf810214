// Oracle: src/mapping/engine/inheritance.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { LoopNode, SegmentRow } from '../../../../src/grammar/index.js';
import { ROLE, type CompiledTables } from '../../../../src/mapping/engine/table.js';
import type { RowSpec } from '../../../../src/mapping/engine/table.js';
import { compileWritePlans, needsServiceLevel, newSliceCache, segmentRows, sharedValues, type SegmentWritePlan, type WriteContext, type WritePlans } from './write-rows.js';

function part(els: readonly string[], e: number, c: number, sep: string): string {
  const v = els[e] ?? '';
  return c === 0 || v === '' ? v : (v.split(sep)[c - 1] ?? '');
}

/** Whether a row's condition holds on the original elements (so the element there is the row's). */
export function whenHolds(els: readonly string[], when: RowSpec['when'], e: number, c: number, sep: string): boolean {
  if (when === null) return true;
  const v = part(els, when.element === 0 ? e : when.element, when.element === 0 && when.component === 0 ? c : when.component, sep);
  return when.values.includes(v);
}

/**
 * What the 2000E / 2000F split does not carry. An item takes from the event level (2000E) what
 * its own 2000F leaves out; on the way back the event level gets the values every item shares
 * (or, where the guide requires one, the first item's), and a 2000F leaves out what the event
 * level gives. Event values every item overrides, and 2000F values equal to what the event
 * gives, do not come back where they were: reported here, with the writer's own rules
 * (`write-rows.ts`), so report and writer cannot disagree.
 */

type Obj = Record<string, unknown>;

export interface InheritanceLoss {
  readonly node: LoopNode;
  readonly position: number;
  readonly segment: string;
  readonly element: number;
  readonly message: string;
}

type Writer = SegmentWritePlan['writers'][number];

/** What the analysis reads of the write plans, worked out once per table set. */
interface Layout {
  readonly wp: WritePlans;
  /** The 2000E segment uses with a plan, and the plan's item writers. */
  readonly event: ReadonlyArray<{ readonly row: SegmentRow; readonly plan: SegmentWritePlan; readonly itemWriters: readonly Writer[] }>;
  /** The 2000F segment uses whose item writers fill places the event level has too, with those writers. */
  readonly service: ReadonlyArray<{ readonly row: SegmentRow; readonly writers: readonly Writer[] }>;
}

const layoutFor = new WeakMap<CompiledTables, Layout>();

function layout(tables: CompiledTables): Layout {
  let l = layoutFor.get(tables);
  if (l !== undefined) return l;
  const wp = compileWritePlans(tables);
  const loops = wp.tables.grammar.loops;
  const eventLoop = loops.get('2000E');
  const event: Array<Layout['event'][number]> = [];
  for (const row of eventLoop === undefined ? [] : segmentRows(eventLoop, loops)) {
    const plan = wp.bySegment.get(row);
    if (plan !== undefined) event.push({ row, plan, itemWriters: plan.writers.filter((w) => ITEM_ROLES.includes(w.role) && w.spec.reads) });
  }
  const serviceLoop = loops.get('2000F');
  // Only places the event level has too can move between the levels (SV1/SV2 and the like never do).
  const eventPlaces = wp.placesByLoop.get('2000E');
  const service: Array<Layout['service'][number]> = [];
  for (const row of serviceLoop === undefined ? [] : segmentRows(serviceLoop, loops)) {
    const plan = wp.bySegment.get(row);
    if (plan === undefined) continue;
    // (Write-only rows never apply to values read from a 278: their place is another row's.)
    const writers = plan.writers.filter((w) => ITEM_ROLES.includes(w.role) && w.spec.reads && eventPlaces?.has(w.fhirKey) === true);
    if (writers.length > 0) service.push({ row, writers });
  }
  layoutFor.set(tables, (l = { wp, event, service }));
  return l;
}

const ITEM_ROLES: readonly number[] = [ROLE.Item, ROLE.Service];

/**
 * @param event the 2000E node; `template`/`templateService` its own values (before the items took theirs)
 * @param serviceNodes the 2000F nodes in order; `items`/`services` the items after inheritance
 */
export function inheritanceLosses(tables: CompiledTables, comp: string, event: LoopNode, template: Obj, templateService: Obj, serviceNodes: readonly LoopNode[], items: readonly Obj[], services: readonly Obj[], typeSegment: string | null = null): InheritanceLoss[] {
  const lay = layout(tables);
  const wp = lay.wp;
  const ctx: WriteContext = { roles: [], slices: newSliceCache(), problem: () => undefined };
  const losses: InheritanceLoss[] = [];
  const pick = (role: number, item: Obj, service: Obj): Obj => (role === ROLE.Item ? item : service);
  const shared = new Map<string, string>();
  const segmentOf = (node: LoopNode, row: SegmentRow) => node.segments.find((s) => s.row === row);

  const eventHl = event.segments.find((s) => s.segment.id === 'HL');
  for (const { row, plan, itemWriters } of lay.event) {
    const seg = segmentOf(event, row);
    // Each writer's item values, encoded once (sharedValues asks for every item writer's).
    const known = new Map<Writer, ReadonlyArray<string | null>>();
    const valuesOf = (w: Writer): ReadonlyArray<string | null> => {
      let v = known.get(w);
      if (v === undefined) known.set(w, (v = items.map((it, i) => w.value.encode(pick(w.role, it, services[i]!), ctx))));
      return v;
    };
    const here = sharedValues(plan, valuesOf, ITEM_ROLES);
    for (const w of itemWriters) {
      const vals = valuesOf(w);
      // Rows sharing a place (UM04 as place of service or bill type): the one whose value it is.
      const same = vals[0] !== null && here.get(w.fhirKey) === vals[0];
      if (same) shared.set(w.fhirKey, vals[0]!);
      const fallback = w.spec.default !== null && w.spec.component === 0 && items.length > 1 ? w.spec.default : vals[0];
      const choice = same ? vals[0]! : w.required && fallback !== null ? fallback! : null;
      const own = w.value.encode(pick(w.role, template, templateService), ctx);
      const e = w.spec.positions[0]!;
      if (own !== null && own !== choice && seg !== undefined) {
        losses.push({ node: event, position: seg.position, segment: row.name, element: e, message: `2000E ${row.segment}${String(e).padStart(2, '0')} (segment ${seg.position}): every item gives its own value, so the event level's is not carried` });
      } else if (own === null && choice !== null && (seg ?? eventHl) !== undefined) {
        const at = (seg ?? eventHl)!.position;
        losses.push({ node: event, position: at, segment: seg !== undefined ? row.name : 'HL', element: seg !== undefined ? e : 4, message: `2000E ${row.segment}${String(e).padStart(2, '0')}: every item has the same value, so the way back writes it once, at the event level` });
      }
    }
  }
  // One 2000F whose values all have a place at the event level: the way back writes none.
  if (serviceNodes.length === 1 && !needsServiceLevel(wp, items[0]!, services[0]!)) {
    const hl = event.segments.find((s) => s.segment.id === 'HL');
    if (hl !== undefined) losses.push({ node: event, position: hl.position, segment: 'HL', element: 4, message: `2000E HL04 (segment ${hl.position}): its one service level is carried by the event level, so it comes back without children` });
    for (const s of serviceNodes[0]!.segments) {
      losses.push({ node: serviceNodes[0]!, position: s.position, segment: s.row?.name ?? s.segment.id, element: 0, message: `2000F ${s.segment.id} (segment ${s.position}): this one service level has nothing of its own, so its values come back at the event level` });
    }
    return losses;
  }
  serviceNodes.forEach((node, i) => {
    const hl = node.segments.find((s) => s.segment.id === 'HL');
    // Segment uses that say the same thing (SV1, SV2): the way back writes the one that carries the most.
    for (const s of node.segments) {
      const alts = s.row === null ? undefined : wp.alternatives.get(s.row);
      if (alts === undefined) continue;
      let best = -1;
      let pickRow = s.row;
      for (const a of alts) {
        const carried = (wp.bySegment.get(a)?.writers ?? []).filter((w) => ITEM_ROLES.includes(w.role) && w.value.encode(pick(w.role, items[i]!, services[i]!), ctx) !== null).length;
        // The writer's rule: the segment Claim.type names, when it carries anything; else the one carrying the most.
        const n = carried + (carried > 0 && a.segment === typeSegment ? 1000 : 0);
        if (n > best) {
          best = n;
          pickRow = a;
        }
      }
      if (pickRow !== s.row) losses.push({ node, position: s.position, segment: s.row!.name, element: 0, message: `2000F ${s.segment.id} (segment ${s.position}): what it carries comes back as ${pickRow!.segment}` });
    }
    for (const { row, writers } of lay.service) {
      const seg = segmentOf(node, row);
      const els = seg?.segment.elements() ?? [];
      // The writer's rule: a value the event level does not give is written; a required one the event gives, only with those.
      const vals = writers.map((w) => w.value.encode(pick(w.role, items[i]!, services[i]!), ctx));
      const own = writers.map((w, k) => vals[k] !== null && vals[k] !== shared.get(w.fhirKey));
      const any = own.some(Boolean);
      writers.forEach((w, k) => {
        const e = w.spec.positions[0]!;
        const written = own[k]! || (w.required && any && vals[k] !== null);
        const present = seg !== undefined && whenHolds(els, w.spec.when, e, w.spec.component, comp) && part(els, e, w.spec.component, comp) !== '';
        if (present && !written) {
          losses.push({ node, position: seg.position, segment: row.name, element: e, message: `2000F ${row.segment}${String(e).padStart(2, '0')} (segment ${seg.position}): the same as every item's, so it is carried once, at the event level` });
        } else if (!present && written && (seg !== undefined || hl !== undefined)) {
          const at = seg?.position ?? hl!.position;
          losses.push({ node, position: at, segment: seg !== undefined ? row.name : 'HL', element: seg !== undefined ? e : 4, message: `2000F ${row.segment}${String(e).padStart(2, '0')}: the item takes this value from the event level, and the way back writes it in its own ${row.segment}` });
        }
      });
    }
  });
  return losses;
}
