import type { LoopNode, SegmentNode, SegmentRow } from '../../grammar/index.js';
import { ROLE, type CompiledTables } from './table.js';
import type { RowSpec } from './table.js';
import { elementPart } from './row-reader.js';
import { compileWritePlans, newSliceCache, segmentRows, type SegmentWritePlan, type WriteContext, type WritePlans } from './write-rows.js';

/** Element `e` of a split segment, or its component `c` (1-based, 0 for the whole); '' when absent. */
function part(els: readonly string[], e: number, c: number, sep: string): string {
  return elementPart(els, e, c, sep);
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

/** One segment use that says the same thing as others (SV1, SV2): its item writers. */
interface Alternative {
  readonly row: SegmentRow;
  readonly writers: readonly Writer[];
}

/** What the analysis reads of the write plans, worked out once per table set. */
interface Layout {
  readonly wp: WritePlans;
  /** The 2000E segment uses with a plan, and the plan's item writers. */
  readonly event: ReadonlyArray<{ readonly row: SegmentRow; readonly plan: SegmentWritePlan; readonly itemWriters: readonly Writer[]; readonly paired: ReadonlySet<number> }>;
  /** The 2000F segment uses whose item writers fill places the event level has too, with those writers. */
  readonly service: ReadonlyArray<{ readonly row: SegmentRow; readonly writers: readonly Writer[] }>;
  /** Per segment use with alternatives: each alternative (in the plans' order) with its item writers. */
  readonly alternatives: ReadonlyMap<SegmentRow, readonly Alternative[]>;
  /** The 2000F writers that decide whether an item needs a service level of its own (needsServiceLevel's rule). */
  readonly serviceOnly: readonly Writer[];
}

const layoutFor = new WeakMap<CompiledTables, Layout>();

function isItemWriter(w: Writer): boolean {
  return w.role === ROLE.Item || w.role === ROLE.Service;
}

function layout(tables: CompiledTables): Layout {
  let l = layoutFor.get(tables);
  if (l !== undefined) return l;
  const wp = compileWritePlans(tables);
  const loops = wp.tables.grammar.loops;
  const eventLoop = loops.get('2000E');
  const event: Array<Layout['event'][number]> = [];
  for (const row of eventLoop === undefined ? [] : segmentRows(eventLoop, loops)) {
    const plan = wp.bySegment.get(row);
    if (plan !== undefined) event.push({ row, plan, itemWriters: plan.writers.filter((w) => isItemWriter(w) && w.spec.reads), paired: new Set(plan.pairs.flat()) });
  }
  const serviceLoop = loops.get('2000F');
  // Only places the event level has too can move between the levels (SV1/SV2 and the like never do).
  const eventPlaces = wp.placesByLoop.get('2000E');
  const service: Array<Layout['service'][number]> = [];
  const serviceOnly: Writer[] = [];
  for (const row of serviceLoop === undefined ? [] : segmentRows(serviceLoop, loops)) {
    const plan = wp.bySegment.get(row);
    if (plan === undefined) continue;
    // (Write-only rows never apply to values read from a 278: their place is another row's.)
    const writers = plan.writers.filter((w) => isItemWriter(w) && w.spec.reads && eventPlaces?.has(w.fhirKey) === true);
    if (writers.length > 0) service.push({ row, writers });
    for (const w of plan.writers) if (isItemWriter(w) && eventPlaces?.has(w.fhirKey) !== true) serviceOnly.push(w);
  }
  const alternatives = new Map<SegmentRow, Alternative[]>();
  for (const [row, alts] of wp.alternatives) alternatives.set(row, alts.map((a) => ({ row: a, writers: (wp.bySegment.get(a)?.writers ?? []).filter(isItemWriter) })));
  layoutFor.set(tables, (l = { wp, event, service, alternatives, serviceOnly }));
  return l;
}

/** The first segment of `node` filling `row`. */
function segmentOf(node: LoopNode, row: SegmentRow): SegmentNode | undefined {
  const segs = node.segments;
  for (let i = 0; i < segs.length; i++) if (segs[i]!.row === row) return segs[i];
  return undefined;
}

function hlOf(node: LoopNode): SegmentNode | undefined {
  const segs = node.segments;
  for (let i = 0; i < segs.length; i++) if (segs[i]!.segment.id === 'HL') return segs[i];
  return undefined;
}

function two(e: number): string {
  return e < 10 ? `0${e}` : String(e);
}

/** The writer's encoded value of item `i` (its Item or Service resource). */
function encodeFor(w: Writer, item: Obj, service: Obj, ctx: WriteContext): string | null {
  const res = w.role === ROLE.Item ? item : service;
  // A row reads its value at its path from the first property down: without that property it has nothing to write.
  const top = w.spec.path[0];
  if (top !== undefined && res[top.prop] === undefined) return null;
  return w.value.encode(res, ctx);
}

/**
 * Whether the one item needs a 2000F of its own (write-rows.ts needsServiceLevel's rule, on the
 * analysis's own context: the values are the same whichever context computes them).
 */
function needsService(lay: Layout, item: Obj, service: Obj, ctx: WriteContext): boolean {
  const ws = lay.serviceOnly;
  for (let k = 0; k < ws.length; k++) if (encodeFor(ws[k]!, item, service, ctx) !== null) return true;
  return false;
}

/** Whether an element's writers agree on every item (`same`, their fhirKeys) or some give a value (`any`). */
interface ElementShare {
  same: boolean;
  any: boolean;
  readonly keys: string[];
}

/**
 * write-rows.ts sharedValues for the items, each value encoded only when the answer needs it: a
 * writer's items stop being compared at the first that differs, and whether any item has a value
 * is asked only for elements of a pair rule (the only ones whose `any` counts).
 */
function sharedHere(plan: SegmentWritePlan, paired: ReadonlySet<number>, items: readonly Obj[], services: readonly Obj[], ctx: WriteContext): Map<string, string> {
  const shared = new Map<string, string>();
  const byElement = new Map<number, ElementShare>();
  const count = items.length;
  const writers = plan.writers;
  for (let k = 0; k < writers.length; k++) {
    const w = writers[k]!;
    if (!isItemWriter(w)) continue;
    const v0 = count > 0 ? encodeFor(w, items[0]!, services[0]!, ctx) : null;
    let same = v0 !== null;
    for (let i = 1; same && i < count; i++) if (encodeFor(w, items[i]!, services[i]!, ctx) !== v0) same = false;
    if (same) shared.set(w.fhirKey, v0!);
    if (w.spec.component !== 0) continue;
    let any: boolean | undefined = same ? undefined : v0 !== null ? true : undefined;
    const positions = w.spec.positions;
    for (let j = 0; j < positions.length; j++) {
      const e = positions[j]!;
      let b = byElement.get(e);
      if (b === undefined) byElement.set(e, (b = { same: false, any: false, keys: [] }));
      if (same) {
        b.same = true;
        b.keys.push(w.fhirKey);
      } else if (paired.has(e)) {
        if (any === undefined) {
          any = false;
          for (let i = 1; i < count; i++) {
            if (encodeFor(w, items[i]!, services[i]!, ctx) !== null) {
              any = true;
              break;
            }
          }
        }
        if (any) b.any = true;
      }
    }
  }
  // The segment's pair rules, as the plan has them (element positions).
  for (const pos of plan.pairs) {
    const split = pos.some((e) => byElement.get(e)?.same === true) && pos.some((e) => byElement.get(e)?.any === true && byElement.get(e)?.same !== true);
    if (split) for (const e of pos) for (const k of byElement.get(e)?.keys ?? []) shared.delete(k);
  }
  return shared;
}

/** The segment use the way back writes for the item's alternatives (the writer's rule). */
function chosenAlternative(alts: readonly Alternative[], current: SegmentRow, item: Obj, service: Obj, typeSegment: string | null, ctx: WriteContext): SegmentRow {
  // The one use of the segment Claim.type names wins when it carries anything (no other reaches 1000).
  let typed: Alternative | null = null;
  let typedCount = 0;
  for (let k = 0; k < alts.length; k++) {
    if (alts[k]!.row.segment === typeSegment) {
      typed = alts[k]!;
      typedCount++;
    }
  }
  if (typed !== null && typedCount === 1) {
    const ws = typed.writers;
    for (let j = 0; j < ws.length; j++) if (encodeFor(ws[j]!, item, service, ctx) !== null) return typed.row;
  }
  let best = -1;
  let pickRow = current;
  for (let k = 0; k < alts.length; k++) {
    const a = alts[k]!;
    const ws = a.writers;
    const bonus = a.row.segment === typeSegment ? 1000 : 0;
    // An alternative that cannot carry more than the best so far cannot be chosen (the first of equals is).
    if (ws.length + bonus <= best) continue;
    let carried = 0;
    for (let j = 0; j < ws.length; j++) if (encodeFor(ws[j]!, item, service, ctx) !== null) carried++;
    // The writer's rule: the segment Claim.type names, when it carries anything; else the one carrying the most.
    const n = carried + (carried > 0 ? bonus : 0);
    if (n > best) {
      best = n;
      pickRow = a.row;
    }
  }
  return pickRow;
}

/**
 * @param event the 2000E node; `template`/`templateService` its own values (before the items took theirs)
 * @param serviceNodes the 2000F nodes in order; `items`/`services` the items after inheritance
 */
export function inheritanceLosses(tables: CompiledTables, comp: string, event: LoopNode, template: Obj, templateService: Obj, serviceNodes: readonly LoopNode[], items: readonly Obj[], services: readonly Obj[], typeSegment: string | null = null): InheritanceLoss[] {
  const lay = layout(tables);
  const ctx: WriteContext = { roles: [], slices: newSliceCache(), problem: () => undefined };
  const losses: InheritanceLoss[] = [];
  const shared = new Map<string, string>();
  const count = items.length;

  const eventHl = hlOf(event);
  for (const { row, plan, itemWriters, paired } of lay.event) {
    const seg = segmentOf(event, row);
    const here = sharedHere(plan, paired, items, services, ctx);
    for (let k = 0; k < itemWriters.length; k++) {
      const w = itemWriters[k]!;
      // (Each value is encoded once per analysis: the context keeps it.)
      const v0 = count > 0 ? encodeFor(w, items[0]!, services[0]!, ctx) : (undefined as unknown as null);
      // Rows sharing a place (UM04 as place of service or bill type): the one whose value it is.
      const same = v0 !== null && here.get(w.fhirKey) === v0;
      if (same) shared.set(w.fhirKey, v0);
      const fallback = w.spec.default !== null && w.spec.component === 0 && count > 1 ? w.spec.default : v0;
      const choice = same ? v0 : w.required && fallback !== null ? fallback : null;
      const own = encodeFor(w, template, templateService, ctx);
      const e = w.spec.positions[0]!;
      if (own !== null && own !== choice && seg !== undefined) {
        losses.push({ node: event, position: seg.position, segment: row.name, element: e, message: `2000E ${row.segment}${two(e)} (segment ${seg.position}): every item gives its own value, so the event level's is not carried` });
      } else if (own === null && choice !== null && (seg ?? eventHl) !== undefined) {
        const at = (seg ?? eventHl)!.position;
        losses.push({ node: event, position: at, segment: seg !== undefined ? row.name : 'HL', element: seg !== undefined ? e : 4, message: `2000E ${row.segment}${two(e)}: every item has the same value, so the way back writes it once, at the event level` });
      }
    }
  }
  // One 2000F whose values all have a place at the event level: the way back writes none.
  if (serviceNodes.length === 1 && !needsService(lay, items[0]!, services[0]!, ctx)) {
    const hl = eventHl;
    if (hl !== undefined) losses.push({ node: event, position: hl.position, segment: 'HL', element: 4, message: `2000E HL04 (segment ${hl.position}): its one service level is carried by the event level, so it comes back without children` });
    for (const s of serviceNodes[0]!.segments) {
      losses.push({ node: serviceNodes[0]!, position: s.position, segment: s.row?.name ?? s.segment.id, element: 0, message: `2000F ${s.segment.id} (segment ${s.position}): this one service level has nothing of its own, so its values come back at the event level` });
    }
    return losses;
  }
  const alternatives = lay.alternatives;
  const serviceRows = lay.service;
  let vals: Array<string | null> = [];
  let own: boolean[] = [];
  for (let i = 0; i < serviceNodes.length; i++) {
    const node = serviceNodes[i]!;
    const item = items[i]!;
    const service = services[i]!;
    const hl = hlOf(node);
    // Segment uses that say the same thing (SV1, SV2): the way back writes the one that carries the most.
    const segs = node.segments;
    for (let j = 0; j < segs.length; j++) {
      const s = segs[j]!;
      const alts = s.row === null ? undefined : alternatives.get(s.row);
      if (alts === undefined) continue;
      const pickRow = chosenAlternative(alts, s.row!, item, service, typeSegment, ctx);
      if (pickRow !== s.row) losses.push({ node, position: s.position, segment: s.row!.name, element: 0, message: `2000F ${s.segment.id} (segment ${s.position}): what it carries comes back as ${pickRow.segment}` });
    }
    for (let r = 0; r < serviceRows.length; r++) {
      const { row, writers } = serviceRows[r]!;
      const seg = segmentOf(node, row);
      const els = seg?.segment.elements() ?? [];
      // The writer's rule: a value the event level does not give is written; a required one the event gives, only with those.
      const n = writers.length;
      if (vals.length < n) {
        vals = new Array<string | null>(n);
        own = new Array<boolean>(n);
      }
      let any = false;
      for (let k = 0; k < n; k++) {
        const w = writers[k]!;
        const v = encodeFor(w, item, service, ctx);
        vals[k] = v;
        const o = v !== null && v !== shared.get(w.fhirKey);
        own[k] = o;
        if (o) any = true;
      }
      for (let k = 0; k < n; k++) {
        const w = writers[k]!;
        const e = w.spec.positions[0]!;
        const written = own[k]! || (w.required && any && vals[k] !== null);
        const present = seg !== undefined && whenHolds(els, w.spec.when, e, w.spec.component, comp) && part(els, e, w.spec.component, comp) !== '';
        if (present && !written) {
          losses.push({ node, position: seg.position, segment: row.name, element: e, message: `2000F ${row.segment}${two(e)} (segment ${seg.position}): the same as every item's, so it is carried once, at the event level` });
        } else if (!present && written && (seg !== undefined || hl !== undefined)) {
          const at = seg?.position ?? hl!.position;
          losses.push({ node, position: at, segment: seg !== undefined ? row.name : 'HL', element: seg !== undefined ? e : 4, message: `2000F ${row.segment}${two(e)}: the item takes this value from the event level, and the way back writes it in its own ${row.segment}` });
        }
      }
    }
  }
  return losses;
}
