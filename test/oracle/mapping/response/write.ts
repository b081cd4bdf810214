// Oracle: src/mapping/response/write.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * PAS Response Bundle -> the segments of an X217 278 response (BHT to the last loop), written by
 * the write side of the same rows that read responses (`mappings/response/`, compiled by
 * engine/write-rows.ts), plus HL levels and AAA from ClaimResponse.error.
 *
 * Layout: the items go to 2000F loops when there are several, or when an item echoes a line trace
 * number (2000F TRN); a single item without one is the 2000E's. The 2000E holds what only it can
 * (TRN of the ClaimResponse, DTP*AAH/435/096 every item shares, the event's note). Providers every
 * item names are 2010EA; the others a 2010FA of their item. An error goes to the loop its
 * errorElement names; a line's (2000F, 2010FA) to the item its errorPath names, else the first.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { LoopDef, SegmentRow } from '../../../../src/grammar/index.js';
import { PAS_EXTENSION } from '../../../../src/pas/constants.js';
import { disassembleResponse, type DecisionSource, type ProviderSource, type ResponseSource } from './disassemble.js';
import { responseTablesCompiled } from './tables.js';
import { Ledger } from '../engine/ledger.js';
import { errorElementOf } from '../../../../src/mapping/response/aaa.js';
import { responseUnconsumed } from './ledger.js';
import { acceptResponseParties } from '../../../../src/mapping/response/accept.js';
import { getSegmentDef } from '../../../../src/x12/dictionary.js';
import { ROLE, ROLES, type CompiledTables } from '../../../../src/mapping/engine/table.js';
import { repeatable } from '../../../../src/mapping/engine/repeats.js';
import { repeatCache } from '../engine/repeat-write.js';
import { compileWritePlans, get, newSliceCache, put, type Elements, type SegmentWritePlan, type WriteContext, type WritePlans } from '../engine/write-rows.js';
import type { ResponseWriteFinding } from '../../../../src/mapping/response/write-finding.js';
export type { ResponseWriteFinding } from '../../../../src/mapping/response/write-finding.js';

type Obj = Record<string, unknown>;


export interface WrittenResponse {
  /** Segments from BHT to the end, elements as components (`els[e][c - 1]`); null when the bundle cannot be written. */
  readonly segments: Elements[] | null;
  readonly source: ResponseSource | null;
  readonly findings: ResponseWriteFinding[];
}

const plansFor = new WeakMap<CompiledTables, WritePlans>();

function plansOf(tables: CompiledTables): WritePlans {
  let p = plansFor.get(tables);
  if (p === undefined) plansFor.set(tables, (p = compileWritePlans(tables)));
  return p;
}

/** The writers of a segment use, one group per value of the element their `when` keys on (TRN01 1 and 2: two TRNs). */
function writerGroups(plan: SegmentWritePlan): Array<SegmentWritePlan['writers']> {
  const ws = plan.writers;
  const keyed = ws.length > 0 && ws.every((w) => w.spec.when !== null && w.spec.when.element === ws[0]!.spec.when!.element && w.spec.when.values.length === 1);
  if (!keyed || plan.row.max <= 1) return [ws];
  const groups = new Map<string, Array<SegmentWritePlan['writers'][number]>>();
  for (const w of ws) {
    const v = w.spec.when!.values[0]!;
    groups.set(v, [...(groups.get(v) ?? []), w]);
  }
  // TRN01 2 (the echo) before 1 (the UMO's own), as the guide's examples order them.
  return [...groups.entries()].sort(([a], [b]) => b.localeCompare(a)).map(([, g]) => g);
}

/**
 * Writes one segment with the given writers; null when none of them has a value. A segment missing
 * an element X12 requires (a UM without the request type a 2.0.1 bundle has no place for) is not
 * written: `missing` hears which.
 */
function writeSegment(plan: SegmentWritePlan, seg: SegmentRow, writers: SegmentWritePlan['writers'], ctx: WriteContext, only: ((w: SegmentWritePlan['writers'][number]) => boolean) | undefined, missing: (what: string) => void): Elements | null {
  const els: Elements = [[seg.segment]];
  let wrote = false;
  for (const w of writers) if ((only === undefined || only(w)) && w.write(els, ctx)) wrote = true;
  if (only === undefined) for (const e of plan.each) if (e.write(els, ctx)) wrote = true;
  if (!wrote) return null;
  // A row's default fills a required element the bundle has no value for (reported).
  for (const w of plan.defaulting) {
    const e = w.spec.positions[0]!;
    if (!writers.includes(w) || (only !== undefined && !only(w)) || get(els, e, w.spec.component) !== '') continue;
    put(els, e, w.spec.component, w.spec.default!);
    const res = ctx.roles[w.role];
    ctx.problem({ code: 'DEFAULTED', rowId: w.id, message: `${seg.name} element ${e}: the bundle has no value; wrote the default ${JSON.stringify(w.spec.default)}`, ...(res !== null && res !== undefined ? { res, field: w.spec.path[0]!.prop } : {}) });
  }
  const constant: number[] = [];
  for (const [e, comp, v] of plan.constants) {
    if (get(els, e, comp) !== '') continue;
    put(els, e, comp, v);
    if (comp === 0) constant.push(e);
  }
  // A constant the segment's pair rules do not allow alone (DMG01 without DMG02) is left out.
  for (const pair of plan.pairs) if (pair.some((e) => get(els, e, 0) === '')) for (const e of pair) if (constant.includes(e)) els[e] = [];
  const def = getSegmentDef(seg.segment);
  const gap = def?.elements.find((d) => d.mandatory && get(els, d.position, 0) === '' && (els[d.position]?.every((c) => c === '') ?? true));
  if (gap !== undefined) {
    missing(`${seg.name}: the bundle gives no value for ${seg.segment}${String(gap.position).padStart(2, '0')}, which X12 requires; the segment (${els.map((c) => c.join(':')).join('*')}) is not written`);
    return null;
  }
  return els;
}

/** HCR01 of an item's or addItem's adjudication. */
function actionOf(x: Obj): string {
  const ra = (((x.adjudication as Obj[] | undefined)?.[0]?.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.reviewAction);
  return codeOf(((ra?.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.reviewActionCode));
}

const codeOf = (x: Obj | undefined): string => (((x?.valueCodeableConcept as Obj | undefined)?.coding as Obj[] | undefined)?.[0]?.code as string | undefined) ?? '';

/** The AAA segment of a ClaimResponse.error (AAA01 N; AAA03 code; AAA04 follow-up). */
function aaaOf(error: Obj): Elements {
  const ext = (error.extension as Obj[] | undefined) ?? [];
  const code = (((error.code as Obj | undefined)?.coding as Obj[] | undefined)?.[0]?.code as string | undefined) ?? '';
  const follow = codeOf(ext.find((e) => e.url === PAS_EXTENSION.errorFollowupAction));
  const els: Elements = [['AAA'], ['N'], [''], [code]];
  if (follow !== '') els.push([follow]);
  return els;
}

/** `2010C` of an error's errorElement (`2010C-NM109`), or null. */
function errorLoop(error: Obj): string | null {
  const el = ((error.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.errorElement);
  const v = ((el?.extension as Obj[] | undefined) ?? []).find((x) => x.url === 'error')?.valueString;
  return typeof v === 'string' ? (/^(\d{4}[A-Z]{1,2})/.exec(v)?.[1] ?? null) : null;
}

/** The request item index an errorPath names (`...item[2]`), or the care team member (`...careTeam[0]`). */
function pathIndex(error: Obj, what: 'item' | 'careTeam'): number | null {
  const p = ((error.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.errorPath)?.valueString;
  const m = typeof p === 'string' ? new RegExp(`\\.${what}\\[(\\d+)\\]`).exec(p) : null;
  return m === null ? null : Number(m[1]);
}

/** A PAS Response Bundle -> the segments of an X217 response (see the module comment). */
export function bundleToResponse(bundle: Bundle | Obj, options: { tables?: CompiledTables; request?: Bundle | Obj } = {}): WrittenResponse {
  const findings: ResponseWriteFinding[] = [];
  const { source: taken, problems } = disassembleResponse(bundle, options.request);
  const crAt = taken === null ? -1 : ((taken.bundle.entry as Array<{ resource?: unknown }> | undefined) ?? []).findIndex((e) => e.resource === taken.claimResponse);
  for (const p of problems) {
    // `ClaimResponse.patient: ...` names the element: its path in the bundle.
    const m = crAt >= 0 ? /^ClaimResponse((?:\.[A-Za-z]+)+):/.exec(p) : null;
    findings.push({ severity: taken === null ? 'error' : 'warning', code: taken === null ? 'NOT_A_RESPONSE_BUNDLE' : 'UNRESOLVED_REFERENCE', message: p, ...(m !== null ? { path: `Bundle.entry[${crAt}].resource${m[1]!}` } : {}) });
  }
  if (taken === null) return { segments: null, source: taken, findings };
  const source = acceptResponseParties(taken, findings);
  if (findings.some((f) => f.severity === 'error')) return { segments: null, source, findings };
  const wp = plansOf(options.tables ?? responseTablesCompiled('2.2.1'));
  const g = wp.tables.grammar;
  const ledger = new Ledger();
  const written = { errors: new Set<Obj>(), notes: new Set<Obj>(), requests: new Set<Obj>(), providers: new Set<Obj>() };
  // The notes the rows read are copies ({ text }) of the processNote entries they stand for.
  const processNotes = ((source.claimResponse.processNote as Obj[] | undefined) ?? []).filter((n) => typeof n === 'object' && n !== null);
  const noteOf = (copy: Obj): void => {
    const n = processNotes.find((p) => p.text === copy.text);
    if (n !== undefined && copy.text !== undefined) ledger.copyOf(copy, n);
  };
  for (const d of source.items) noteOf(d.note);
  const slices = newSliceCache();
  const problem: WriteContext['problem'] = (p) => {
    const at = p.res !== undefined ? ledger.pathIn(source.bundle, p.res) : null;
    findings.push({ severity: p.code === 'UNWRITABLE_VALUE' || p.code === 'OVER_LIMIT' ? 'error' : 'warning', code: p.code, message: `${p.rowId}: ${p.message}`, ...(at !== null ? { path: p.field !== undefined ? `${at}.${p.field}` : at } : {}) });
  };
  const base: Array<Obj | null> = ROLES.map(() => null);
  base[ROLE.Bundle] = source.bundle;
  base[ROLE.ClaimResponse] = source.claimResponse;
  base[ROLE.Insurer] = source.insurer;
  base[ROLE.Requester] = source.requester;
  base[ROLE.Subscriber] = source.subscriber;
  base[ROLE.Dependent] = source.dependent;
  const ctxOf = (over: ReadonlyArray<readonly [number, Obj | null]>): WriteContext => {
    const roles = base.slice();
    for (const [r, o] of over) roles[r] = o;
    return { roles, slices, problem, ledger };
  };
  const decisionRoles = (d: DecisionSource): Array<readonly [number, Obj | null]> => [
    [ROLE.ResponseItem, d.item],
    [ROLE.AddItem, d.addItem],
    [ROLE.Service, d.service],
    [ROLE.Note, d.note],
  ];

  const items = source.items;
  const traced = items.some((d) => ((d.item.extension as Obj[] | undefined) ?? []).some((e) => e.url === PAS_EXTENSION.itemTraceNumber));
  // One item whose addItem carries another decision than the item (a modified event over a certified line): the event's.
  const only0 = items.length === 1 ? items[0]! : null;
  const eventDecision = only0 !== null && only0.addItem !== null && actionOf(only0.addItem) !== actionOf(only0.item) ? only0 : null;
  /** The event's decision: ClaimResponse.adjudication with a reviewAction (the reader puts the 2000E HCR over service lines there). */
  const claimAdjudication = source.claimResponse.adjudication as Obj[] | undefined;
  const claimDecision = claimAdjudication !== undefined && actionOf({ adjudication: claimAdjudication }) !== '' ? claimAdjudication : null;
  /** An item value no 2000F row writes (only the 2000E holds it). */
  const eventOnlyKey = (w: SegmentWritePlan['writers'][number]): boolean => !(wp.placesByLoop.get('2000F')?.has(w.fhirKey) ?? false);
  // Providers every item names are the event's (2010EA), when their kind is one a 2010EA may name; the others their line's (2010FA).
  const eventKinds = g.loops.get('2010EA')?.trigger.key?.values ?? [];
  const kindOf = (p: ProviderSource): string => codeOf(((p.extension.extension as Obj[] | undefined) ?? []).find((e) => e.url === PAS_EXTENSION.authorizedProviderType));
  const lineOnly = items.some((d) => d.providers.some((p) => kindOf(p) !== '' && !eventKinds.includes(kindOf(p))));
  const lines = items.length > 1 || traced || eventDecision !== null || lineOnly;
  const everywhere = (p: ProviderSource): boolean => (kindOf(p) === '' || eventKinds.includes(kindOf(p))) && items.every((d) => d.providers.some((q) => q.ref === p.ref));
  const eventProviders = lines ? (items[0]?.providers ?? []).filter(everywhere) : (items[0]?.providers ?? []);
  const lineProviders = (d: DecisionSource): readonly ProviderSource[] => (lines ? d.providers.filter((p) => !everywhere(p)) : []);

  if (lines) {
    // What only the 2000E holds (DTP*AAH/435/096) is written from the first item: items that differ there are reported.
    const quiet: WriteContext = { roles: base, slices, problem: () => undefined };
    for (const plan of wp.bySegment.values()) {
      if (plan.loop.id !== '2000E') continue;
      for (const w of plan.writers) {
        if (w.role !== ROLE.ResponseItem || !eventOnlyKey(w)) continue;
        const values = items.map((d) => w.value.encode(d.item, quiet));
        if (values.some((v) => v !== values[0])) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `${plan.row.name} (${w.id}): the items differ (${values.map((v) => JSON.stringify(v)).join(', ')}); the 2000E holds one value: the first item's is written` });
      }
    }
    // An addItem belongs with a modified decision: on another line the reader takes its UM and SV1 for an echo.
    for (const d of items) {
      if (d.addItem !== null && d !== eventDecision && actionOf(d.item) !== 'A6') findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `the addItem of item ${String(d.item.itemSequence)}: its item's decision is ${JSON.stringify(actionOf(d.item))}, not a modification (A6); an X12 reader takes the service written for an echo` });
    }
  }

  // Errors by loop instance: `loop` or `loop#n` (the n-th 2000F / 2010EA).
  const errorsAt = new Map<string, Obj[]>();
  for (const e of source.errors) {
    const loop = errorLoop(e) ?? '2000A';
    let key = loop;
    if (loop === '2000F' || loop === '2010FA') {
      // The item the error names: its itemSequence (the reader's), else its errorPath.
      const k = typeof e.itemSequence === 'number' ? e.itemSequence - 1 : pathIndex(e, 'item');
      const at = k === null ? -1 : items.findIndex((d) => d.item.itemSequence === k + 1);
      if (!lines || items.length === 0) key = loop === '2000F' ? '2000E' : '2010EA#0';
      else key = `${loop}#${at < 0 ? 0 : at}`;
      if (lines && at < 0) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `an error of a service line names no item by its errorPath: written in the first 2000F` });
    } else if (loop === '2010EA') key = `2010EA#${pathIndex(e, 'careTeam') ?? 0}`;
    errorsAt.set(key, [...(errorsAt.get(key) ?? []), e]);
  }

  const out: Elements[] = [];
  const missing = (what: string): void => {
    findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: what });
  };
  /** At a 2000E over lines: item values only the 2000E can hold; the event's decision (HCR) when it has its own. */
  const eventOnly = (w: SegmentWritePlan['writers'][number]): boolean => w.role !== ROLE.ResponseItem || eventOnlyKey(w) || ((eventDecision !== null || claimDecision !== null) && w.spec.path[0]?.prop === 'adjudication');

  /** Writes the segments of a loop instance (and its name loops); `instance` keys its errors. */
  const loop = (def: LoopDef, ctx: WriteContext, hl: Elements | null, instance: string, providers: readonly ProviderSource[], eventLevel: boolean): void => {
    const startAt = out.length;
    for (const slot of def.slots) {
      if (slot.kind === 'loop') {
        const child = g.loops.get(slot.id) ?? slot;
        const named = (res: Obj | null): void => {
          if (res !== null) loop(child, ctxOf([]), null, child.id, [], false);
        };
        if (child.id === '2010A') named(source.insurer);
        else if (child.id === '2010B') named(source.requester);
        else if (child.id === '2010C') named(source.subscriber);
        else if (child.id === '2010D') named(source.dependent);
        else if ((child.id === '2010EA' && def.id === '2000E') || (child.id === '2010FA' && def.id === '2000F')) {
          providers.forEach((p, k) => {
            const c: WriteContext = { roles: ctx.roles.slice(), slices, problem, ledger };
            written.providers.add(p.extension);
            (c.roles as Array<Obj | null>)[ROLE.AuthorizedProvider] = p.extension;
            (c.roles as Array<Obj | null>)[ROLE.Provider] = p.resource;
            loop(child, c, null, child.id === '2010EA' ? `2010EA#${k}` : `${instance}/2010FA`, [], false);
          });
        }
        continue;
      }
      if (slot.segment === 'HL') {
        if (hl !== null) out.push(hl);
        continue;
      }
      if (slot.segment === 'AAA') {
        for (const e of errorsAt.get(instance) ?? []) {
          const aaa = aaaOf(e);
          out.push(aaa);
          written.errors.add(e);
          // The errorElement the reader makes again from this AAA and its loop: carried when it is the bundle's.
          const segs = out.slice(startAt).map((x) => x[0]![0]!);
          const again = errorElementOf({ elements: aaa.map((c) => c[0] ?? ''), loop: def.id, loopSegments: segs, index: segs.length - 1 });
          const ee = ((e.extension as Obj[] | undefined) ?? []).find((x) => x.url === PAS_EXTENSION.errorElement);
          const given = ((ee?.extension as Obj[] | undefined) ?? []).find((x) => x.url === 'error');
          if (given !== undefined && given.valueString === again) {
            ledger.key(ee, 'url');
            ledger.all(given);
          }
        }
        errorsAt.delete(instance);
        continue;
      }
      const plan = wp.bySegment.get(slot);
      if (plan === undefined) continue;
      if (slot.segment === 'PWK') {
        // One PWK per CommunicationRequest of this loop instance (a line's by its serviceLineNumber).
        const line = def.id === '2000F' ? ((ctx.roles[ROLE.ResponseItem] as Obj | null)?.itemSequence as number | undefined) : undefined;
        for (const r of source.requests) {
          if (def.id === '2000E' ? lines && r.line !== null && items.some((d) => d.item.itemSequence === r.line) : r.line !== line) continue;
          const c: WriteContext = { roles: ctx.roles.slice(), slices, problem, ledger };
          (c.roles as Array<Obj | null>)[ROLE.CommunicationRequest] = r.resource;
          const els = writeSegment(plan, slot, plan.writers, c, undefined, missing);
          if (els !== null) {
            out.push(els);
            written.requests.add(r.resource);
          }
        }
        continue;
      }
      const only = eventLevel ? eventOnly : undefined;
      // Of segment uses saying the same thing (SV1, SV2), the one that carries the most of the resource.
      const alts = wp.alternatives.get(slot);
      if (alts !== undefined) {
        const quiet: WriteContext = { roles: ctx.roles, slices, problem: () => undefined };
        let best: SegmentRow | null = null;
        let most = 0;
        for (const a of alts) {
          const ap = wp.bySegment.get(a);
          const n = ap === undefined ? 0 : ap.writers.filter((w) => (only === undefined || only(w)) && w.write([[a.segment]], quiet)).length;
          if (n > most) [best, most] = [a, n];
        }
        if (best !== slot) continue;
      }
      for (const writers of writerGroups(plan)) {
        const els = writeSegment(plan, slot, writers, ctx, only, missing);
        if (els === null) continue;
        out.push(els);
        // Repeats (a second TRN of one kind, REF*EI): each from the next entry of the repeating element its rows write (engine/repeats.ts).
        if (slot.max <= 1 || !repeatable(wp.tables, slot, [], (spec) => writers.some((w) => w.spec === spec))) continue;
        const caches = [ctx.slices];
        for (let k = 1; k < slot.max; k++) {
          const ck: WriteContext = { ...ctx, slices: repeatCache(caches) };
          const rk = writeSegment(plan, slot, writers, ck, only, missing);
          if (rk === null) break;
          out.push(rk);
          caches.push(ck.slices);
        }
      }
    }
  };

  // Header (BHT), then the HL levels.
  const headerCtx = ctxOf([]);
  for (const slot of g.header.slots) {
    if (slot.kind !== 'segment' || slot.segment === 'ST' || slot.segment === 'SE') continue;
    const plan = wp.bySegment.get(slot);
    const els = plan === undefined ? null : writeSegment(plan, slot, plan.writers, headerCtx, undefined, missing);
    if (els !== null) out.push(els);
  }
  let hlCount = 0;
  const hlOf = (def: LoopDef, parent: number, children: boolean): [Elements, number] => {
    const id = ++hlCount;
    return [[['HL'], [String(id)], [parent === 0 ? '' : String(parent)], [def.level ?? ''], [children ? '1' : '0']], id];
  };
  const level = (id: string): LoopDef => g.loops.get(id)!;
  const event = items.length > 0 || source.eventNotes.length > 0 || (source.claimResponse.request as Obj | undefined)?.identifier !== undefined;
  const chain = ['2000A', '2000B', '2000C', ...(source.dependent !== null ? ['2000D'] : []), ...(event ? ['2000E'] : [])];
  let parent = 0;
  chain.forEach((id, i) => {
    const def = level(id);
    const last = i === chain.length - 1;
    const [hl, n] = hlOf(def, parent, id === '2000E' ? lines : !last);
    if (id === '2000E') {
      const first = items[0];
      const note: Obj = source.eventNotes[0] !== undefined ? ledger.copyOf({ text: source.eventNotes[0].text }, source.eventNotes[0]) : {};
      if (source.eventNotes.length > 1) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `${source.eventNotes.length} notes name no item; the 278 event holds one MSG: the first is written` });
      let roles: Array<readonly [number, Obj | null]>;
      if (eventDecision !== null) {
        // The event's decision and modified service: its HCR, UM and HSD from the addItem.
        roles = [[ROLE.ResponseItem, ledger.copyOf({ ...eventDecision.item, adjudication: eventDecision.addItem!.adjudication }, eventDecision.item)], [ROLE.AddItem, eventDecision.addItem], [ROLE.Service, eventDecision.service], [ROLE.Note, note]];
      } else if (lines) roles = [[ROLE.ResponseItem, first === undefined ? null : claimDecision !== null ? ledger.copyOf({ ...first.item, adjudication: claimDecision }, first.item) : first.item], [ROLE.Note, note]];
      else roles = first !== undefined ? [...decisionRoles(claimDecision !== null && actionOf(first.item) === '' ? { ...first, item: ledger.copyOf({ ...first.item, adjudication: claimDecision }, first.item) } : first), [ROLE.Note, ledger.copyOf({ ...note, ...first.note }, ledger.originOf(first.note.text !== undefined ? first.note : note))]] : [[ROLE.Note, note]];
      loop(def, ctxOf(roles), hl, '2000E', eventProviders, lines);
    } else loop(def, ctxOf([]), hl, id, [], false);
    parent = n;
  });
  if (lines) {
    const serviceLoop = level('2000F');
    items.forEach((d, k) => {
      const [hl] = hlOf(serviceLoop, parent, false);
      const roles = decisionRoles(d);
      // The event's modified service was written at the 2000E.
      if (d === eventDecision) roles.push([ROLE.AddItem, null], [ROLE.Service, null]);
      loop(serviceLoop, ctxOf(roles), hl, `2000F#${k}`, lineProviders(d), false);
    });
  }
  for (const [where, errs] of errorsAt) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: `${errs.length} error(s) of ${where}: the 278 written has no such loop` });
  for (const n of processNotes) if (ledger.has(n, 'text')) written.notes.add(n);
  for (const u of responseUnconsumed(source, ledger, written, out.some((els) => els[0]?.[0] === 'SV2'))) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', path: u.path, message: `${u.what}: the 278 response does not carry it` });
  return { segments: out, source, findings };
}
