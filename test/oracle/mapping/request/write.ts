// Oracle: src/mapping/request/write.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { Bundle } from '@medplum/fhirtypes';
import type { LoopDef, SegmentRow } from '../../../../src/grammar/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION } from '../../../../src/pas/constants.js';
import { RESIDUE_EXTENSION } from '../../../../src/mapping/engine/residue.js';
import { serviceSegmentOf } from '../../../../src/mapping/request/claim-type.js';
import { viableSegment } from '../../../../src/mapping/engine/viable.js';
import { acceptParties, requestUnconsumed } from './ledger.js';
import { fieldIn } from '../../../../src/mapping/request/requested-kind.js';
import { Ledger } from '../engine/ledger.js';
import { disassembleRequest, isInquiryRequest, type RequestSource, type SourceProvider } from '../../../../src/mapping/request/disassemble.js';
import { inquiryTablesCompiled, requestTablesCompiled, ROLE, ROLES, type CompiledTables } from '../../../../src/mapping/engine/table.js';
import { compileWritePlans, get, needsServiceLevel, newSliceCache, put, segmentRows, sharedValues, type Elements, type SegmentWritePlan, type WriteContext, type WritePlans, type WriteProblem } from '../engine/write-rows.js';
import { repeatable } from '../../../../src/mapping/engine/repeats.js';
import { repeatCache } from '../engine/repeat-write.js';
import type { WrittenSegment } from '../engine/write-rows.js';
import type { WriteFinding } from '../../../../src/mapping/request/write-finding.js';
export type { WriteFinding } from '../../../../src/mapping/request/write-finding.js';
export type { WrittenSegment } from '../engine/write-rows.js';

/**
 * A PAS Request Bundle -> the segments of one X217 278 request (BHT to the last 2000F; the
 * envelope and ST/SE are the caller's). Every value comes from a row of `mappings/request/`,
 * the same rows that read the 278, written in the grammar's loop and segment order.
 */

type Obj = Record<string, unknown>;



export interface WrittenRequest {
  /** Segments from BHT to the end of the last loop, elements as components (`els[e][c - 1]`). Null when the bundle cannot be written. */
  readonly segments: WrittenSegment[] | null;
  readonly source: RequestSource | null;
  readonly findings: WriteFinding[];
}

export interface BundleWriteOptions {
  /** Default: the request tables, or the inquiry tables (X215) for a PAS Inquiry Request Bundle. */
  tables?: CompiledTables;
  /**
   * Original segments of loop instances (by loop key) that the rows do not reproduce, as carried
   * by `--lossless`: written in place of what the rows would write for that instance.
   */
  residue?: ReadonlyMap<string, readonly Elements[]>;
  /**
   * false: the caller wants the segments and the errors only (the write-back check of `convert`):
   * what the rows carry is not marked, so the NOT_WRITTEN report is left out, and findings are
   * made without their bundle path (`path`). The segments and the errors are the same either way.
   */
  unwritten?: boolean;
}

/** A write context, with its quiet twin once asked for. */
interface Ctx extends WriteContext {
  quiet?: Ctx;
}

/** The FHIR places (by keyId) a loop instance has written: 1 where written. */
type Done = Array<number | undefined>;

/** A plain array (a typed array costs more to make than a loop instance uses it). */
function newDone(wp: WritePlans): Done {
  return new Array<number | undefined>(wp.keys);
}

let defaultPlans: WritePlans | undefined;
const plansFor = new WeakMap<CompiledTables, WritePlans>();

function plans(tables: CompiledTables | undefined): WritePlans {
  if (tables === undefined) return (defaultPlans ??= compileWritePlans(requestTablesCompiled()));
  let p = plansFor.get(tables);
  if (p === undefined) plansFor.set(tables, (p = compileWritePlans(tables)));
  return p;
}

/** A slot of a loop as the writer walks it: a segment use (with its alternatives) or a name loop. */
type LoopStep =
  | { readonly kind: 'segment'; readonly row: SegmentRow; readonly plan: SegmentWritePlan | undefined; readonly alts: ReadonlyArray<readonly [SegmentRow, SegmentWritePlan | undefined]> | null }
  | { readonly kind: 'loop'; readonly def: LoopDef };

interface PlanExtras {
  readonly steps: Map<LoopDef, readonly LoopStep[]>;
  readonly hasRows: Map<LoopDef, boolean>;
}

const extrasFor = new WeakMap<WritePlans, PlanExtras>();

function extras(wp: WritePlans): PlanExtras {
  let x = extrasFor.get(wp);
  if (x === undefined) extrasFor.set(wp, (x = { steps: new Map(), hasRows: new Map() }));
  return x;
}

/** The slots of a loop the writer visits, in order: HL and the alternatives after the first of their group left out. */
function stepsOf(wp: WritePlans, x: PlanExtras, def: LoopDef): readonly LoopStep[] {
  let steps = x.steps.get(def);
  if (steps !== undefined) return steps;
  const list: LoopStep[] = [];
  const skip = new Set<SegmentRow>();
  for (const slot of def.slots) {
    if (slot.kind === 'segment') {
      if (slot.segment === 'HL' || skip.has(slot)) continue;
      const alts = wp.alternatives.get(slot);
      if (alts !== undefined) for (const a of alts) skip.add(a);
      list.push({ kind: 'segment', row: slot, plan: wp.bySegment.get(slot), alts: alts === undefined ? null : alts.map((a) => [a, wp.bySegment.get(a)] as const) });
    } else list.push({ kind: 'loop', def: slot });
  }
  x.steps.set(def, (steps = list));
  return steps;
}

/** A care-team member's NM101: the code of its role's coding in the X12 code system (other systems' roles are the row's to map). */
function roleCode(careTeam: Obj): string | undefined {
  const role = careTeam.role;
  if (typeof role !== 'object' || role === null || !Array.isArray((role as Obj).coding)) return undefined;
  for (const c of (role as Obj).coding as unknown[]) {
    if (typeof c === 'object' && c !== null && (c as Obj).system === X12_ROLE_SYSTEM && typeof (c as Obj).code === 'string') return (c as Obj).code as string;
  }
  return undefined;
}

const X12_ROLE_SYSTEM = 'https://codesystem.x12.org/005010/98';

/** Whether an item's certification type (UM02) is 3, cancel. */
function isCancelled(item: Obj | null | undefined): boolean {
  if (item === null || item === undefined || !Array.isArray(item.extension)) return false;
  return (item.extension as unknown[]).some((x) => {
    if (typeof x !== 'object' || x === null || (x as Obj).url !== PAS_EXTENSION.certificationType) return false;
    const cc = (x as Obj).valueCodeableConcept as { coding?: Array<{ code?: unknown }> } | undefined;
    return cc?.coding?.some((c) => c.code === '3') === true;
  });
}

export function bundleToRequest(bundle: Bundle | Obj, options: BundleWriteOptions = {}): WrittenRequest {
  const findings: WriteFinding[] = [];
  const ledger = new Ledger();
  const report = options.unwritten !== false;
  /** The ledger the rows mark (none when nothing unwritten is reported). */
  const marks = report ? { ledger } : {};
  const { source: taken, problems } = disassembleRequest(bundle, ledger);
  for (const p of problems) findings.push({ severity: p.severity, code: p.code, message: p.message, ...(p.path !== undefined ? { path: p.path } : {}) });
  if (taken === null || problems.some((p) => p.severity === 'error')) return { segments: null, source: taken, findings };
  const source = acceptParties(taken, ledger, findings);
  if (findings.some((f) => f.severity === 'error')) return { segments: null, source, findings };
  const wp = plans(options.tables ?? (isInquiryRequest(bundle) ? inquiryTablesCompiled() : undefined));
  const g = wp.tables.grammar;

  const roles: Array<Obj | null> = ROLES.map(() => null);
  roles[ROLE.Bundle] = source.bundle;
  roles[ROLE.Claim] = source.claim;
  /** The service segment Claim.type names. */
  const typeSegment = serviceSegmentOf(source.claim);
  roles[ROLE.Insurer] = source.insurer;
  roles[ROLE.Requester] = source.requester;
  roles[ROLE.Subscriber] = source.subscriber;
  roles[ROLE.Dependent] = source.dependent;
  roles[ROLE.Coverage] = source.coverage;
  roles[ROLE.Encounter] = source.encounter;
  const px = extras(wp);
  const ctx: Ctx = {
    roles,
    ...marks,
    slices: newSliceCache(),
    problem: (p) => {
      const at = p.res !== undefined && report ? ledger.pathIn(source.bundle, p.res) : null;
      findings.push({ severity: p.code === 'UNWRITABLE_VALUE' || p.code === 'OVER_LIMIT' ? 'error' : 'warning', code: p.code, message: p.message, row: p.rowId, ...(at !== null ? { path: p.field !== undefined ? `${at}.${fieldIn(p.res!, p.field)}` : at } : {}) });
    },
  };
  const silent = (): undefined => undefined;
  /** The context reporting nothing (for trials and shared values), made once per context. */
  const quietOf = (c: Ctx): Ctx => (c.quiet ??= { roles: c.roles, slices: c.slices, problem: silent });
  const out: WrittenSegment[] = [];
  const residue = options.residue;

  const items = source.items;
  const itemRoles = [ROLE.Item, ROLE.Service];
  /** One context per item (made once: the writers look them up many times). */
  const itemCtxs: Ctx[] = [];
  const itemCtxOf = (i: number): Ctx => {
    let x = itemCtxs[i];
    if (x === undefined) {
      const r = roles.slice();
      r[ROLE.Item] = items[i]?.item ?? null;
      r[ROLE.Service] = items[i]?.service ?? null;
      itemCtxs[i] = x = { roles: r, slices: ctx.slices, problem: ctx.problem, ...marks };
    }
    return x;
  };
  // An item needs its own 2000F when there are several, or when a row only 2000F has gives it a value.
  const serviceLoop = g.loops.get('2000F');
  const needItems = items.length > 1 || source.providers.some((p) => p.itemScoped) || [...(residue?.keys() ?? [])].some((k) => k.includes('/2000F[')) || (items.length === 1 && needsServiceLevel(wp, items[0]!.item, items[0]!.service));
  const defaulted = new Set<string>();
  /** Per segment use of the event level: what every item shares (computed once). */
  const eventSharedCache = new Map<SegmentWritePlan, Map<string, string>>();
  const eventShared = (plan: SegmentWritePlan): Map<string, string> => {
    let m = eventSharedCache.get(plan);
    if (m === undefined) {
      m = sharedValues(
        plan,
        (w) =>
          items.map((_, i) => {
            const ic = quietOf(itemCtxOf(i));
            const res = ic.roles[w.role];
            return res === null || res === undefined ? null : w.value.encode(res, ic);
          }),
        itemRoles,
      );
      eventSharedCache.set(plan, m);
    }
    return m;
  };
  /** Item values the 2000E gives every 2000F (by keyId: the encoded value). */
  const shared: Array<string | undefined> = new Array<string | undefined>(wp.keys);

  /**
   * Writes one segment use; `done` marks the FHIR places (keyId) this loop instance has written
   * already (each is written once). A trial (choosing among alternatives) reports nothing and
   * leaves `done` as it is.
   */
  const segment = (plan: SegmentWritePlan | undefined, seg: SegmentRow, c0: Ctx, mode: 'plain' | 'event' | 'service', done: Done, quiet = false): { els: Elements; count: number } | null => {
    if (plan === undefined) return null;
    const c: Ctx = quiet ? quietOf(c0) : c0;
    const els: Elements = [[seg.segment]];
    let wrote = false;
    let count = 0;
    /** FHIR places this segment wrote (each place is written once per loop instance). */
    const mine: number[] = [];
    let deferred: Array<(typeof plan.writers)[number]> | null = null;
    /** Rows whose value the event level gives: no default for them. */
    let inherited: Set<string> | null = null;
    // A cancelled service says so in its own UM (UM01, UM02 3 on every service, as the guide does), whatever the event level gives.
    const ownUm = mode === 'service' && seg.segment === 'UM' && isCancelled(c.roles[ROLE.Item]);
    for (const w of plan.writers) {
      if (done[w.keyId] === 1 && !mine.includes(w.keyId)) continue;
      if (mode !== 'plain' && w.item) {
        if (mode === 'event') {
          // The event level carries an item value when every item has it (sharedValues), or the guide requires it there: the first item's.
          const here = eventShared(plan);
          const v = here.get(w.fhirKey);
          if (v === undefined && !w.required) continue;
          // Items that differ on a required value: the row's default speaks for the event (a certification type of I, not one item's cancel).
          if (v === undefined && w.spec.default !== null && w.spec.component === 0 && items.length > 1) {
            put(els, w.spec.positions[0]!, 0, w.spec.default);
            // No item gives one at all: the default is the items' value too (reported, once per row).
            if (!quiet && !defaulted.has(w.id) && items.every((_, i) => { const r = itemCtxOf(i).roles[w.role]; return r === null || r === undefined || w.value.encode(r, quietOf(itemCtxOf(i))) === null; })) {
              defaulted.add(w.id);
              const at = items[0] !== undefined ? ledger.pathIn(source.bundle, items[0].item) : null;
              findings.push({ severity: 'warning', code: 'DEFAULTED', row: w.id, ...(at !== null ? { path: `${at.replace(/\[0\]$/, '')}` } : {}), message: `${seg.name} element ${w.spec.positions[0]!}: no item gives a value X12 can hold (${w.spec.role} ${w.spec.path.map((x) => x.prop).join('.')}); wrote the default ${JSON.stringify(w.spec.default)}` });
            }
            wrote = true;
            count++;
            mine.push(w.keyId);
            continue;
          }
          if (w.write(els, quiet ? quietOf(itemCtxOf(0)) : itemCtxOf(0))) {
            wrote = true;
            count++;
            mine.push(w.keyId);
            if (v !== undefined) shared[w.keyId] = v;
          }
          continue;
        }
        // service: leave out what the event level already gives; a required one only with values of the item's own.
        const res = c.roles[w.role];
        if (res !== null && res !== undefined && shared[w.keyId] === w.value.encode(res, c)) {
          // Carried by the event level.
          if (!quiet) w.consume(res, c);
          if (w.required) (deferred ??= []).push(w);
          (inherited ??= new Set()).add(w.id);
          continue;
        }
      }
      if (w.write(els, c)) {
        wrote = true;
        count++;
        mine.push(w.keyId);
      }
    }
    if ((wrote || ownUm) && deferred !== null) {
      for (const w of deferred) {
        if (!w.write(els, c)) continue;
        wrote = true;
        mine.push(w.keyId);
      }
    }
    if (plan.each.length > 0) {
      const ec = mode === 'event' ? (quiet ? quietOf(itemCtxOf(0)) : itemCtxOf(0)) : c;
      for (const e of plan.each) if (e.write(els, ec)) wrote = true;
    }
    if (!quiet) for (const k of mine) done[k] = 1;
    if (!wrote && !(seg.usage === 'required' && plan.loop.trigger === seg)) return null;
    // Defaults: a row with nothing to write fills its element when the segment is written anyway
    // (reported below, unless the segment's pair rules take it out again).
    const defaults: Array<[number, (typeof plan.writers)[number]]> = [];
    for (const w of plan.defaulting) {
      const d = w.spec.default!;
      const e = w.spec.positions[0]!;
      if (get(els, e, w.spec.component) !== '' || inherited?.has(w.id) === true) continue;
      const wh = w.spec.when;
      if (wh !== null && wh.element !== e && get(els, wh.element, wh.component) !== '' && !wh.values.includes(get(els, wh.element, wh.component))) continue;
      put(els, e, w.spec.component, d);
      if (wh !== null && wh.element !== e && get(els, wh.element, wh.component) === '') put(els, wh.element, wh.component, wh.values[0]!);
      if (w.spec.component === 0) defaults.push([e, w]);
    }
    const filled: number[] = defaults.map(([e]) => e);
    for (const [e, comp, v] of plan.constants) {
      if (get(els, e, comp) !== '') continue;
      put(els, e, comp, v);
      if (comp === 0) filled.push(e);
    }
    // Free text longer than X12 allows (a description, a name) is cut to the limit, and the cut reported.
    for (const [e, max] of plan.textMax) {
      const v = els[e]?.[0];
      if (v === undefined || v.length <= max) continue;
      els[e] = [v.slice(0, max)];
      const by = plan.writers.find((w) => w.spec.positions.includes(e));
      const byRes = by !== undefined ? (c.roles[by.role] ?? itemCtxOf(0).roles[by.role]) : null;
      const at = by !== undefined && byRes !== null && byRes !== undefined ? ledger.pathIn(source.bundle, byRes) : null;
      if (!quiet) findings.push({ severity: 'warning', code: 'LOSSY_VALUE', ...(at !== null ? { path: `${at}.${by!.spec.path[0]!.prop}` } : {}), message: `${seg.name} element ${e}: ${v.length} characters, X12 holds ${max}; the end (${JSON.stringify(v.slice(max))}) is not written` });
    }
    // A constant that the segment's pair rules (DMG01 with DMG02) do not allow alone is left out.
    if (filled.length > 0) {
      for (const pos of plan.pairs) {
        if (pos.some((e) => get(els, e, 0) === '' && (els[e]?.length ?? 0) <= 1)) for (const e of pos) if (filled.includes(e)) els[e] = [];
      }
    }
    for (const [e, w] of defaults) {
      if (quiet || get(els, e, 0) === '' || done[w.keyId] === 1 || defaulted.has(w.id)) continue;
      defaulted.add(w.id);
      const res = c.roles[w.role] ?? itemCtxOf(0).roles[w.role];
      const at = res !== null && res !== undefined ? ledger.pathIn(source.bundle, res) : null;
      findings.push({ severity: 'warning', code: 'DEFAULTED', row: w.id, ...(at !== null ? { path: `${at}.${w.spec.path[0]!.prop}` } : {}), message: `${seg.name} element ${e}: the resource gives no value X12 can hold (${w.spec.role} ${w.spec.codec.name}); wrote the default ${JSON.stringify(w.spec.default)}` });
    }
    return { els, count };
  };

  /** Writes a loop instance's segments and name loops (not its child HL levels). */
  const loop = (def: LoopDef, key: string, c: Ctx, mode: 'plain' | 'event' | 'service', hl: Elements | null): void => {
    const kept = residue?.get(key);
    if (kept !== undefined) for (const els of kept) out.push({ key, els });
    else if (hl !== null) out.push({ key, els: hl });
    const done = newDone(wp);
    for (const step of stepsOf(wp, px, def)) {
      if (step.kind === 'segment') {
        let pick = step.row;
        let pickPlan = step.plan;
        if (step.alts !== null) {
          // Of segment uses that say the same thing, the one Claim.type names (SV1 professional, SV2 institutional, SV3 oral) when it
          // can carry the item, else the one that carries the most of the resource.
          // A use X12 would refuse as written (SV1 without SV101, SV2 without SV201 or SV202) is never chosen.
          let best = -1;
          let dropped = 0;
          for (const [a, ap] of step.alts) {
            const trial = segment(ap, a, c, mode, done, true);
            if (trial !== null && !viableSegment(trial.els)) {
              dropped = Math.max(dropped, trial.count);
              continue;
            }
            const n = (trial?.count ?? 0) + (trial !== null && a.segment === typeSegment ? 1000 : 0);
            if (n > best) {
              best = n;
              pick = a;
              pickPlan = ap;
            }
          }
          if (best <= 0 && dropped > 0) {
            const item = c.roles[ROLE.Item];
            const at = item !== null && item !== undefined ? ledger.pathIn(source.bundle, item) : null;
            findings.push({ severity: 'warning', code: 'NOT_WRITTEN', ...(at !== null ? { path: `${at}.productOrService` } : {}), message: `${key}: ${step.alts.map(([a]) => a.segment).join('/')} not written: the item's values for it lack what X12 requires there (a procedure or revenue code)` });
            continue;
          }
        }
        // Written even when the residue stands in for this instance: the event level decides what its items inherit.
        const r = segment(pickPlan, pick, c, mode, done);
        if (r !== null && kept === undefined) out.push({ key, els: r.els });
        // Repeats (a second TRN, PWK, REF*EI): each from the next entry of the repeating element its rows write (engine/repeats.ts).
        if (r !== null && kept === undefined && pick.max > 1 && repeatable(wp.tables, pick)) {
          const caches = [c.slices];
          for (let k = 1; k < pick.max; k++) {
            // A fresh context (no quiet twin of the earlier cache), built whole: `delete` would slow every later access to it.
            const slices = repeatCache(caches);
            const ck: Ctx = c.ledger !== undefined ? { roles: c.roles, slices, problem: c.problem, ledger: c.ledger } : { roles: c.roles, slices, problem: c.problem };
            const rk = segment(pickPlan, pick, ck, mode, newDone(wp));
            if (rk === null) break;
            out.push({ key, els: rk.els });
            caches.push(ck.slices);
          }
        }
        continue;
      }
      const slot = step.def;
      nameLoopInstances(slot, c, key).forEach((inst, k) => loop(slot, `${key}/${slot.id}[${k}]`, inst, mode, null));
    }
  };

  const nameLoopInstances = (def: LoopDef, c: Ctx, parentKey: string): Ctx[] => {
    if (def.id === '2010EA' || def.id === '2010F') {
      const max = def.max;
      const mine = def.id === '2010EA' ? source.providers.filter((p) => !p.itemScoped) : itemProviders(def, c);
      if (mine.length > max) {
        findings.push({ severity: 'error', code: 'OVER_LIMIT', message: `Claim.careTeam has ${mine.length} members for ${parentKey}; a 278 request holds ${max} providers (${def.id}) there: members ${max + 1} and later are not written` });
      }
      return mine.slice(0, max).map((p) => {
        const r = c.roles.slice();
        r[ROLE.CareTeam] = p.careTeam;
        r[ROLE.Provider] = p.resource;
        return { roles: r, slices: c.slices, problem: c.problem, ...marks };
      });
    }
    if (def.id === '2010D' && source.dependent === null) return [];
    // Other name loops: written when any of their rows has something to write, or the residue holds them.
    const kept = residueCount(parentKey, def.id);
    if (kept > 0) return Array.from({ length: kept }, () => c);
    return hasRows(def) ? [c] : [];
  };
  /**
   * The item-scoped members the current item names (careTeamSequence), in the team's order. One whose
   * role 2010F does not allow (NM101) is reported and left out: never moved to 2010EA.
   */
  const itemProviders = (def: LoopDef, c: Ctx): SourceProvider[] => {
    const item = c.roles[ROLE.Item];
    const named = item !== null && item !== undefined && Array.isArray(item.careTeamSequence) ? (item.careTeamSequence as unknown[]) : [];
    const allowed = def.trigger.key?.values ?? [];
    return source.providers.filter((p) => {
      if (!p.itemScoped || !named.includes(p.careTeam.sequence)) return false;
      const role = roleCode(p.careTeam);
      if (role === undefined || allowed.length === 0 || allowed.includes(role)) return true;
      if (!refusedRoles.has(p)) {
        refusedRoles.add(p);
        const at = ledger.pathIn(source.bundle, p.careTeam);
        findings.push({ severity: 'warning', code: 'NOT_WRITTEN', ...(at !== null ? { path: `${at}.role` } : {}), message: `Claim.careTeam member ${String(p.careTeam.sequence)} is scoped to items, but its role ${role} is not one a service provider (2010F NM101) may have: not written` });
      }
      return false;
    });
  };
  const refusedRoles = new Set<SourceProvider>();
  /** Instances of loop `id` under `parentKey` the residue holds. */
  const residueCount = (parentKey: string, id: string): number => {
    let n = 0;
    while (residue?.has(`${parentKey}/${id}[${n}]`) === true) n++;
    return n;
  };
  const hasRows = (def: LoopDef): boolean => {
    let h = px.hasRows.get(def);
    if (h === undefined) px.hasRows.set(def, (h = segmentRows(def, g.loops).some((s) => wp.bySegment.has(s))));
    return h;
  };

  // Header: BHT (ST is the envelope's).
  const headerKept = residue?.get('');
  if (headerKept !== undefined) for (const els of headerKept) out.push({ key: '', els });
  else {
    const done = newDone(wp);
    for (const slot of g.header.slots) {
      if (slot.kind !== 'segment' || slot.segment === 'ST') continue;
      const r = segment(wp.bySegment.get(slot), slot, ctx, 'plain', done);
      if (r !== null) out.push({ key: '', els: r.els });
    }
  }
  let hlCount = 0;
  const hlOf = (def: LoopDef, parent: number, children: boolean): [Elements, number] => {
    const id = ++hlCount;
    return [[['HL'], [String(id)], [parent === 0 ? '' : String(parent)], [def.level ?? ''], [children ? '1' : '0']], id];
  };
  const level = (id: string): LoopDef => {
    const d = g.loops.get(id);
    if (d === undefined) throw new Error(`grammar ${g.id} has no loop ${id}`);
    return d;
  };
  const chain = ['2000A', '2000B', '2000C', ...(source.dependent !== null ? ['2000D'] : []), '2000E'];
  let parent = 0;
  let key = '';
  for (const id of chain) {
    const def = level(id);
    const last = id === '2000E';
    const [hl, n] = hlOf(def, parent, last ? needItems : true);
    key = key === '' ? `${id}[0]` : `${key}/${id}[0]`;
    if (last) {
      const c = needItems ? ctx : itemCtxOf(0);
      loop(def, key, c, needItems ? 'event' : 'plain', hl);
    } else loop(def, key, ctx, 'plain', hl);
    parent = n;
  }
  if (needItems && serviceLoop !== undefined) {
    items.forEach((_, i) => {
      const [hl] = hlOf(serviceLoop, parent, false);
      loop(serviceLoop, `${key}/2000F[${i}]`, itemCtxOf(i), 'service', hl);
    });
  }
  // Second readings of a place written above (Claim.created from BHT04...): carried when they say the same.
  for (const { echo, writer } of wp.echoes) {
    const er = roles[echo.role];
    const wr = roles[writer.role];
    if (er === null || er === undefined || wr === null || wr === undefined) continue;
    const v = echo.value.encode(er, ctx);
    if (v !== null && v === writer.value.encode(wr, quietOf(ctx))) echo.consume(er, ctx);
  }
  if (report) for (const u of requestUnconsumed(source, ledger, needItems)) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', path: u.path, message: `${u.what}: the 278 does not carry it` });
  // A value written at the event level and by its item says the same thing twice: once is enough.
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const k = `${f.code}|${f.path ?? ''}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { segments: out, source, findings: unique };
}

