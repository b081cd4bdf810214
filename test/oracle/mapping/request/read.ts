// Oracle: src/mapping/request/read.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { Bundle } from '@medplum/fhirtypes';
import type { LoopNode, LoopTree } from '../../../../src/grammar/index.js';
import { PAS_VERSION_INFO, type PasVersion } from '../../../../src/pas/versions.js';
import { analyzeTransaction } from '../../../../src/grammar/validate.js';
import type { TransactionSet } from '../../../../src/x12/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION, X12_CODE_SYSTEM } from '../../../../src/pas/constants.js';
import { copy } from '../../../../src/mapping/engine/path.js';
import { inheritanceLosses } from '../engine/inheritance.js';
import { assemble, type Provider, type RequestKind } from '../../../../src/mapping/request/assemble.js';
import { claimTypeOf, serviceSegmentOf } from '../../../../src/mapping/request/claim-type.js';
import { inquiryTablesCompiled, ROLE, ROLES, requestTablesCompiled, type CompiledTables, type ReadTarget } from '../../../../src/mapping/engine/table.js';
import { repeatable, repeatIndex } from '../../../../src/mapping/engine/repeats.js';
import type { MappingFinding } from '../../../../src/mapping/engine/finding.js';
export type { MappingFinding } from '../../../../src/mapping/engine/finding.js';

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

/**
 * An X217 278 request -> a PAS Request Bundle. Every element of the transaction is read by a row
 * of `mappings/request/`, or by the assembler (envelope, structure), or reported in `findings`.
 */
export function requestToBundle(tx: TransactionSet, options: RequestOptions): RequestResult {
  const findings: MappingFinding[] = [];
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  if (tree === null) {
    findings.push({ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: 'the transaction set has no 278 loop tree (not whole, or no grammar fits)' });
    return { bundle: null, findings };
  }
  // An X215 inquiry is read by the same rows against its own grammar, and becomes an Inquiry Request Bundle.
  const kind: RequestKind = options.kind ?? (tree.grammar.id === INQUIRY_GRAMMAR ? 'inquiry' : 'request');
  const tables = options.tables ?? (kind === 'inquiry' ? inquiryTablesCompiled() : requestTablesCompiled());
  // A response (or any set the tables' grammar did not build) is not read as a request.
  if (tree.grammar !== tables.grammar) {
    findings.push({ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: `the transaction set is a ${tree.grammar.label} (${tree.grammar.id}); these tables read ${tables.grammar.label}s (${tables.grammar.id})` });
    return { bundle: null, findings };
  }
  const plans = tables.plans;
  const compSep = String.fromCharCode(tx.interchange.delimiters.component);

  const roles: Array<Obj | null> = ROLES.map(() => ({}));
  roles[ROLE.Item] = roles[ROLE.Service] = roles[ROLE.CareTeam] = roles[ROLE.Provider] = null;
  const items: Obj[] = [];
  /** Each item's requested service (HSD): becomes a ServiceRequest when a row wrote into it. */
  const services = new Map<Obj, Obj>();
  const providers: Provider[] = [];
  const serviceNodes: LoopNode[] = [];
  let template: Obj | null = null;
  let templateService: Obj = {};
  let sawDependent = false;
  const serviceSegments = new Set<string>();
  /** Where the event's UM is (for a finding about UM05). */
  let eventUm: [string, number] = ['', 0];
  // Where the reading is (for findings): loop path, segment use, position.
  let hereLoop = '';
  let hereSegment = '';
  let herePosition = 0;
  const target: ReadTarget = {
    roles,
    slices: new Map(),
    invalid(rowId, element, why) {
      findings.push({
        severity: 'error',
        code: 'INVALID_VALUE',
        loop: hereLoop,
        segment: hereSegment,
        position: herePosition,
        element,
        message: `${hereLoop || 'header'} ${hereSegment} element ${element} (segment ${herePosition}, row ${rowId}): ${why}`,
      });
    },
  };

  const visit = (node: LoopNode, loopPath: string): void => {
    const item0 = roles[ROLE.Item] ?? null;
    const service0 = roles[ROLE.Service] ?? null;
    const careTeam0 = roles[ROLE.CareTeam] ?? null;
    const provider0 = roles[ROLE.Provider] ?? null;
    const nodeId = node.id;
    if (nodeId === '2000F') {
      serviceNodes.push(node);
      const item: Obj = {};
      const service: Obj = {};
      items.push(item);
      services.set(item, service);
      roles[ROLE.Item] = item;
      roles[ROLE.Service] = service;
    } else if (nodeId === '2000E') {
      template = {};
      templateService = {};
      roles[ROLE.Item] = template;
      roles[ROLE.Service] = templateService;
    } else if (nodeId === '2010EA' || nodeId === '2010F') {
      // One provider: a Claim.careTeam entry (claim scope for 2010EA; for 2010F scoped to the current item) and the resource it names.
      const p: Provider = nodeId === '2010F' && item0 !== null ? { careTeam: {}, resource: {}, item: item0 } : { careTeam: {}, resource: {} };
      providers.push(p);
      roles[ROLE.CareTeam] = p.careTeam;
      roles[ROLE.Provider] = p.resource;
    } else if (nodeId === '2000D') sawDependent = true;
    const segments = node.segments;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const seg = s.segment;
      const id = seg.id;
      if (id === 'HL' || id === 'ST' || id === 'SE') continue; // structure and envelope
      if (id === 'SV1' || id === 'SV2' || id === 'SV3') serviceSegments.add(id);
      else if (id === 'UM' && nodeId === '2000E') eventUm = [loopPath, s.position];
      const row = s.row;
      const name = row !== null ? row.name : id;
      hereLoop = loopPath;
      hereSegment = name;
      herePosition = s.position;
      const plan = row === null ? undefined : plans.get(row);
      // A second use of one segment row in a loop instance (a second TRN, PWK) gets its own entry of the repeating element its rows write (engine/repeats.ts); without one it would overwrite the first: reported, not read.
      const rep = plan !== undefined && row!.max > 1 ? repeatIndex(segments, i) : 0;
      if (rep > 0 && !repeatable(tables, row!, PAS_VERSION_INFO[options.pasVersion].singleElements)) {
        findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: loopPath, segment: name, position: s.position, message: `${loopPath || 'header'} ${name} (segment ${s.position}): its rows have no repeating place in PAS ${options.pasVersion}; this repeat is not carried` });
        continue;
      }
      const els = seg.elements();
      target.rep = rep;
      const mask = plan !== undefined ? plan.read(els, compSep, target) : 0;
      target.rep = 0;
      const keyMask = row !== null && row.key !== null ? 1 << row.key.element : 0;
      // A consumed or key element the way back writes as a constant: another value there is not carried.
      if (plan !== undefined && plan.fixed.length > 0) {
        for (const [e, v] of plan.fixed) {
          const x = els[e];
          if (x !== undefined && x !== '' && x !== v) {
            findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: loopPath, segment: name, position: s.position, element: e, message: `${loopPath || 'header'} ${id}${String(e).padStart(2, '0')} (segment ${s.position}): ${JSON.stringify(x)} has no place in PAS (written back as ${JSON.stringify(v)})` });
          }
        }
      }
      if ((mask & ~keyMask) === 0) {
        findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: loopPath, segment: name, position: s.position, message: `${loopPath || 'header'} ${name} (segment ${s.position}): no row reads it` });
        continue;
      }
      // Composites read in part (SV101 procedure, not its description): the components no row reads.
      if (plan !== undefined && plan.partial.length > 0) {
        for (const [e, comps] of plan.partial) {
          const x = els[e];
          if (x === undefined || (mask & (1 << e)) === 0) continue;
          let to = x.indexOf(compSep);
          if (to < 0) continue;
          // Component c is x[from, to): walked by separator, nothing split.
          for (let c = 1, from = 0; ; c++) {
            const end = to < 0 ? x.length : to;
            if (end > from && (comps & (1 << c)) === 0) {
              findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: loopPath, segment: name, position: s.position, element: e, message: `${loopPath || 'header'} ${id}${String(e).padStart(2, '0')}-${c} (segment ${s.position}): no row reads this component` });
            }
            if (to < 0) break;
            from = to + 1;
            to = x.indexOf(compSep, from);
          }
        }
      }
      for (let e = 1; e < els.length; e++) {
        if (els[e] !== '' && (mask & (1 << e)) === 0) {
          findings.push({
            severity: 'warning',
            code: 'UNMAPPED_ELEMENT',
            loop: loopPath,
            segment: name,
            position: s.position,
            element: e,
            message: `${loopPath || 'header'} ${id}${String(e).padStart(2, '0')} (segment ${s.position}): no row reads it`,
          });
        }
      }
    }
    const children = node.children;
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      visit(child, loopPath === '' ? child.id : `${loopPath}/${child.id}`);
    }
    if (nodeId === '2000E' && template !== null) {
      if (items.length === 0) {
        items.push(template);
        services.set(template, templateService);
      } else {
        for (const it of items) {
          inherit(it, template);
          inherit(services.get(it)!, templateService);
        }
        // What the split between event and items does not carry back to the same level (the writer's own rules): asked for by round trips.
        const typeSegment = serviceSegmentOf({ type: { coding: [{ code: claimTypeOf(serviceSegments, items) }] } });
        if (options.layout !== false) for (const l of inheritanceLosses(tables, compSep, node, template, templateService, serviceNodes, items, items.map((it) => services.get(it)!), typeSegment)) {
          if (l.element === 0) findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: l.node.path, segment: l.segment, position: l.position, message: l.message });
          else findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: l.node.path, segment: l.segment, position: l.position, element: l.element, message: l.message });
        }
      }
    }
    roles[ROLE.Item] = item0;
    roles[ROLE.Service] = service0;
    roles[ROLE.CareTeam] = careTeam0;
    roles[ROLE.Provider] = provider0;
  };
  visit(tree.root, tree.root.path);
  const claimRole = roles[ROLE.Claim];
  // UM02 3 at the event level and on every service: the whole request is cancelled, as a Claim-level certification type 3 says.
  const event = template as Obj | null;
  if (event !== null && claimRole !== null && claimRole !== undefined && certificationOf(event) === '3' && items.every((it) => certificationOf(it) === '3')) {
    claimRole.extension = [...((claimRole.extension as Obj[] | undefined) ?? []), { url: PAS_EXTENSION.certificationType, valueCodeableConcept: { coding: [{ system: X12_CODE_SYSTEM.certificationType, code: '3' }] } }];
  }
  // UM05 related causes without DTP*439: R4 requires Claim.accident.date; marked data-absent (unknown), not guessed.
  const accident = claimRole?.accident;
  if (accident !== undefined && accident !== null && typeof accident === 'object' && (accident as Obj).date === undefined) {
    (accident as Obj)._date = { extension: [{ url: DATA_ABSENT, valueCode: 'unknown' }] };
    findings.push({ severity: 'warning', code: 'DEFAULTED', loop: eventUm[0], segment: 'UM', position: eventUm[1], element: 5, message: `${eventUm[0]} UM05 (segment ${eventUm[1]}): related causes with no accident date (DTP*439); Claim.accident.date, which FHIR requires, is marked data-absent (unknown)` });
  }

  return { bundle: assemble(tx, { roles, items, services, providers, sawDependent, serviceSegments }, options.pasVersion, kind), findings };
}
