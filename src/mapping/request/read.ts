import type { Bundle } from '@medplum/fhirtypes';
import type { LoopNode, LoopTree } from '../../grammar/index.js';
import { PAS_VERSION_INFO, type PasVersion } from '../../pas/versions.js';
import { analyzeTransaction } from '../../grammar/validate.js';
import type { TransactionSet } from '../../x12/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION, X12_CODE_SYSTEM } from '../../pas/constants.js';
import { copy } from '../engine/path.js';
import { inheritanceLosses } from '../engine/inheritance.js';
import { assemble, type Provider, type RequestKind } from './assemble.js';
import { claimTypeOf, serviceSegmentOf } from './claim-type.js';
import { inquiryTablesCompiled, ROLE, ROLES, requestTablesCompiled, type CompiledTables, type ReadTarget } from '../engine/table.js';
import { repeatable, repeatIndex } from '../engine/repeats.js';
import type { MappingFinding } from '../engine/finding.js';
export type { MappingFinding } from '../engine/finding.js';

/** What the mapping found: an X12 place no row read, or a value a codec could not read. */
const DATA_ABSENT = OTHER_EXTENSION.dataAbsentReason;

/** An item's (or the event template's) certification type code (UM02). */
function certificationOf(o: Record<string, unknown>): unknown {
  const ext = Array.isArray(o.extension) ? (o.extension as unknown[]) : [];
  for (const x of ext) {
    if (typeof x !== 'object' || x === null || (x as Record<string, unknown>).url !== PAS_EXTENSION.certificationType) continue;
    const cc = (x as Record<string, unknown>).valueCodeableConcept as { coding?: Array<{ code?: unknown }> } | undefined;
    return cc?.coding?.[0]?.code;
  }
  return undefined;
}


export interface RequestOptions {
  pasVersion: PasVersion;
  /** Tables to use (default: mappings/request/, compiled once). */
  tables?: CompiledTables;
  /**
   * The transaction's loop tree when the caller has already built it (`analyzeTransaction(tx).tree`),
   * so it is not built again; null means the set has none. Left out, requestToBundle analyzes the set.
   */
  tree?: LoopTree | null;
  /**
   * Report values the way back writes at another level than they came (a 2000E value every
   * item overrides, a 2000F value every item shares): a round trip does not put them where they
   * were. On by default, so `convert` reports every change a round trip makes; `false` skips the
   * analysis (only for callers that never write the bundle back).
   */
  layout?: boolean;
  /**
   * `inquiry`: the set is an X215 inquiry, read with `inquiryTablesCompiled()` and made a PAS
   * Inquiry Request Bundle. Default: `inquiry` when the loop tree is of the X215 grammar, else `request`.
   */
  kind?: RequestKind;
}

export interface RequestResult {
  /** Null when the transaction has no loop tree (not a whole, well-formed 278 request). */
  readonly bundle: Bundle | null;
  readonly findings: MappingFinding[];
}

type Obj = Record<string, unknown>;

/** The grammar of X217 requests (mappings/grammar/278-x217-request.json). */
export const REQUEST_GRAMMAR = '278-x217-request';

/** The grammar of X215 inquiries (mappings/grammar/278-x215-request.json). */
export const INQUIRY_GRAMMAR = '278-x215-request';

/** Fields of the 2000E template an item lacks (extensions merged by url). */
function inherit(item: Obj, template: Obj): void {
  for (const k in template) {
    const v = template[k];
    if (k === 'extension' && Array.isArray(v)) {
      const own = (item.extension as Obj[] | undefined) ?? [];
      let add: unknown[] | null = null;
      for (const e of v as Obj[]) {
        let known = false;
        for (const o of own) if (o.url === e.url) known = true;
        if (!known) (add ??= []).push(copy(e));
      }
      if (add !== null) item.extension = [...own, ...add];
    } else if (item[k] === undefined) item[k] = copy(v);
  }
}

const ITEM = ROLE.Item;
const SERVICE = ROLE.Service;
const CARE_TEAM = ROLE.CareTeam;
const PROVIDER = ROLE.Provider;

/** Where the reading is, and what it has read so far: one per transaction. */
class ReadState implements ReadTarget {
  readonly roles: Array<Obj | null>;
  readonly slices = new Map<unknown[], Map<string, Obj>>();
  rep = 0;
  readonly findings: MappingFinding[] = [];
  readonly items: Obj[] = [];
  /** Each item's requested service (HSD): becomes a ServiceRequest when a row wrote into it. */
  readonly services = new Map<Obj, Obj>();
  readonly providers: Provider[] = [];
  readonly serviceNodes: LoopNode[] = [];
  template: Obj | null = null;
  templateService: Obj = {};
  sawDependent = false;
  readonly serviceSegments = new Set<string>();
  /** Where the event's UM is (for a finding about UM05). */
  eventUmLoop = '';
  eventUmPosition = 0;
  // Where the reading is (for findings): loop path, segment use, position.
  hereLoop = '';
  hereSegment = '';
  herePosition = 0;

  constructor(
    readonly tables: CompiledTables,
    readonly plans: CompiledTables['plans'],
    readonly compSep: string,
    readonly options: RequestOptions,
  ) {
    const roles: Array<Obj | null> = ROLES.map(() => ({}));
    roles[ITEM] = roles[SERVICE] = roles[CARE_TEAM] = roles[PROVIDER] = null;
    this.roles = roles;
  }

  invalid(rowId: string, element: number, why: string): void {
    const hereLoop = this.hereLoop;
    this.findings.push({
      severity: 'error',
      code: 'INVALID_VALUE',
      loop: hereLoop,
      segment: this.hereSegment,
      position: this.herePosition,
      element,
      message: `${hereLoop || 'header'} ${this.hereSegment} element ${element} (segment ${this.herePosition}, row ${rowId}): ${why}`,
    });
  }
}

function two(e: number): string {
  return e < 10 ? `0${e}` : String(e);
}

/** The components of composite `x` no row reads (SV101 procedure read, not its description): reported. */
function unreadComponents(st: ReadState, x: string, comps: number, loopPath: string, name: string, id: string, position: number, e: number): void {
  const compSep = st.compSep;
  let to = x.indexOf(compSep);
  if (to < 0) return;
  // Component c is x[from, to): walked by separator, nothing split.
  for (let c = 1, from = 0; ; c++) {
    const end = to < 0 ? x.length : to;
    if (end > from && (comps & (1 << c)) === 0) {
      st.findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: loopPath, segment: name, position, element: e, message: `${loopPath || 'header'} ${id}${two(e)}-${c} (segment ${position}): no row reads this component` });
    }
    if (to < 0) break;
    from = to + 1;
    to = x.indexOf(compSep, from);
  }
}

/** Reads the segments of one loop instance. */
function readSegments(st: ReadState, node: LoopNode, loopPath: string): void {
  const nodeId = node.id;
  const plans = st.plans;
  const findings = st.findings;
  const segments = node.segments;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const seg = s.segment;
    const id = seg.id;
    if (id === 'HL' || id === 'ST' || id === 'SE') continue; // structure and envelope
    if (id === 'SV1' || id === 'SV2' || id === 'SV3') st.serviceSegments.add(id);
    else if (id === 'UM' && nodeId === '2000E') {
      st.eventUmLoop = loopPath;
      st.eventUmPosition = s.position;
    }
    const row = s.row;
    const name = row !== null ? row.name : id;
    const position = s.position;
    st.hereLoop = loopPath;
    st.hereSegment = name;
    st.herePosition = position;
    const plan = row === null ? undefined : plans.get(row);
    // A second use of one segment row in a loop instance (a second TRN, PWK) gets its own entry of the repeating element its rows write (engine/repeats.ts); without one it would overwrite the first: reported, not read.
    const rep = plan !== undefined && row!.max > 1 ? repeatIndex(segments, i) : 0;
    if (rep > 0 && !repeatable(st.tables, row!, PAS_VERSION_INFO[st.options.pasVersion].singleElements)) {
      findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: loopPath, segment: name, position, message: `${loopPath || 'header'} ${name} (segment ${position}): its rows have no repeating place in PAS ${st.options.pasVersion}; this repeat is not carried` });
      continue;
    }
    const els = seg.elements();
    let mask = 0;
    if (plan !== undefined) {
      st.rep = rep;
      mask = plan.read(els, st.compSep, st);
      st.rep = 0;
    }
    const keyMask = row !== null && row.key !== null ? 1 << row.key.element : 0;
    // A consumed or key element the way back writes as a constant: another value there is not carried.
    if (plan !== undefined && plan.fixed.length > 0) {
      for (const [e, v] of plan.fixed) {
        const x = els[e];
        if (x !== undefined && x !== '' && x !== v) {
          findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: loopPath, segment: name, position, element: e, message: `${loopPath || 'header'} ${id}${two(e)} (segment ${position}): ${JSON.stringify(x)} has no place in PAS (written back as ${JSON.stringify(v)})` });
        }
      }
    }
    if ((mask & ~keyMask) === 0) {
      findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: loopPath, segment: name, position, message: `${loopPath || 'header'} ${name} (segment ${position}): no row reads it` });
      continue;
    }
    // Composites read in part (SV101 procedure, not its description): the components no row reads.
    if (plan !== undefined && plan.partial.length > 0) {
      for (const [e, comps] of plan.partial) {
        const x = els[e];
        if (x === undefined || (mask & (1 << e)) === 0) continue;
        unreadComponents(st, x, comps, loopPath, name, id, position, e);
      }
    }
    for (let e = 1; e < els.length; e++) {
      if (els[e] !== '' && (mask & (1 << e)) === 0) {
        findings.push({
          severity: 'warning',
          code: 'UNMAPPED_ELEMENT',
          loop: loopPath,
          segment: name,
          position,
          element: e,
          message: `${loopPath || 'header'} ${id}${two(e)} (segment ${position}): no row reads it`,
        });
      }
    }
  }
}

/** After the event level's items are read: each takes what it lacks of the event level; what the split does not carry back is reported. */
function closeEvent(st: ReadState, node: LoopNode, template: Obj): void {
  const items = st.items;
  const services = st.services;
  if (items.length === 0) {
    items.push(template);
    services.set(template, st.templateService);
    return;
  }
  for (const it of items) {
    inherit(it, template);
    inherit(services.get(it)!, st.templateService);
  }
  // What the split between event and items does not carry back to the same level (the writer's own rules): asked for by round trips.
  const typeSegment = serviceSegmentOf({ type: { coding: [{ code: claimTypeOf(st.serviceSegments, items) }] } });
  if (st.options.layout === false) return;
  const findings = st.findings;
  // Each loss's loop path, worked out once per loop instance.
  let lastNode: LoopNode | null = null;
  let lastPath = '';
  for (const l of inheritanceLosses(st.tables, st.compSep, node, template, st.templateService, st.serviceNodes, items, items.map((it) => services.get(it)!), typeSegment)) {
    if (l.node !== lastNode) {
      lastNode = l.node;
      lastPath = l.node.path;
    }
    if (l.element === 0) findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: lastPath, segment: l.segment, position: l.position, message: l.message });
    else findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: lastPath, segment: l.segment, position: l.position, element: l.element, message: l.message });
  }
}

/** Reads one loop instance and those under it. */
function visit(st: ReadState, node: LoopNode, loopPath: string): void {
  const roles = st.roles;
  const item0 = roles[ITEM] ?? null;
  const service0 = roles[SERVICE] ?? null;
  const careTeam0 = roles[CARE_TEAM] ?? null;
  const provider0 = roles[PROVIDER] ?? null;
  const nodeId = node.id;
  if (nodeId === '2000F') {
    st.serviceNodes.push(node);
    const item: Obj = {};
    const service: Obj = {};
    st.items.push(item);
    st.services.set(item, service);
    roles[ITEM] = item;
    roles[SERVICE] = service;
  } else if (nodeId === '2000E') {
    st.template = {};
    st.templateService = {};
    roles[ITEM] = st.template;
    roles[SERVICE] = st.templateService;
  } else if (nodeId === '2010EA' || nodeId === '2010F') {
    // One provider: a Claim.careTeam entry (claim scope for 2010EA; for 2010F scoped to the current item) and the resource it names.
    const p: Provider = nodeId === '2010F' && item0 !== null ? { careTeam: {}, resource: {}, item: item0 } : { careTeam: {}, resource: {} };
    st.providers.push(p);
    roles[CARE_TEAM] = p.careTeam;
    roles[PROVIDER] = p.resource;
  } else if (nodeId === '2000D') st.sawDependent = true;
  readSegments(st, node, loopPath);
  const children = node.children;
  for (let c = 0; c < children.length; c++) {
    const child = children[c]!;
    visit(st, child, loopPath === '' ? child.id : `${loopPath}/${child.id}`);
  }
  if (nodeId === '2000E' && st.template !== null) closeEvent(st, node, st.template);
  roles[ITEM] = item0;
  roles[SERVICE] = service0;
  roles[CARE_TEAM] = careTeam0;
  roles[PROVIDER] = provider0;
}

/**
 * An X217 278 request -> a PAS Request Bundle. Every element of the transaction is read by a row
 * of `mappings/request/`, or by the assembler (envelope, structure), or reported in `findings`.
 */
export function requestToBundle(tx: TransactionSet, options: RequestOptions): RequestResult {
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  if (tree === null) {
    return { bundle: null, findings: [{ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: 'the transaction set has no 278 loop tree (not whole, or no grammar fits)' }] };
  }
  // An X215 inquiry is read by the same rows against its own grammar, and becomes an Inquiry Request Bundle.
  const kind: RequestKind = options.kind ?? (tree.grammar.id === INQUIRY_GRAMMAR ? 'inquiry' : 'request');
  const tables = options.tables ?? (kind === 'inquiry' ? inquiryTablesCompiled() : requestTablesCompiled());
  // A response (or any set the tables' grammar did not build) is not read as a request.
  if (tree.grammar !== tables.grammar) {
    return { bundle: null, findings: [{ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: `the transaction set is a ${tree.grammar.label} (${tree.grammar.id}); these tables read ${tables.grammar.label}s (${tables.grammar.id})` }] };
  }
  const st = new ReadState(tables, tables.plans, String.fromCharCode(tx.interchange.delimiters.component), options);
  const roles = st.roles;
  const findings = st.findings;
  const items = st.items;
  visit(st, tree.root, tree.root.path);
  const claimRole = roles[ROLE.Claim];
  // UM02 3 at the event level and on every service: the whole request is cancelled, as a Claim-level certification type 3 says.
  const event = st.template;
  if (event !== null && claimRole !== null && claimRole !== undefined && certificationOf(event) === '3' && items.every((it) => certificationOf(it) === '3')) {
    claimRole.extension = [...((claimRole.extension as Obj[] | undefined) ?? []), { url: PAS_EXTENSION.certificationType, valueCodeableConcept: { coding: [{ system: X12_CODE_SYSTEM.certificationType, code: '3' }] } }];
  }
  // UM05 related causes without DTP*439: R4 requires Claim.accident.date; marked data-absent (unknown), not guessed.
  const accident = claimRole?.accident;
  if (accident !== undefined && accident !== null && typeof accident === 'object' && (accident as Obj).date === undefined) {
    (accident as Obj)._date = { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] };
    const umLoop = st.eventUmLoop;
    const umPosition = st.eventUmPosition;
    findings.push({ severity: 'warning', code: 'DEFAULTED', loop: umLoop, segment: 'UM', position: umPosition, element: 5, message: `${umLoop} UM05 (segment ${umPosition}): related causes with no accident date (DTP*439); Claim.accident.date, which FHIR requires, is marked data-absent (unknown)` });
  }
  const { services, providers, sawDependent, serviceSegments } = st;

  return { bundle: assemble(tx, { roles, items, services, providers, sawDependent, serviceSegments }, options.pasVersion, kind), findings };
}
