// Oracle: src/mapping/response/read.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * An X217 278 response -> a PAS Response Bundle. The rows of `mappings/response/` read the loop
 * tree into role objects (the same compiled readers as the request); AAA segments become
 * ClaimResponse.error entries (aaa.ts); assemble.ts makes the bundle. Every element is
 * read by a row, by structure (HL, envelope, AAA), or reported in `findings` with its place.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bundle } from '@medplum/fhirtypes';
import type { LoopNode, LoopTree } from '../../../../src/grammar/index.js';
import { analyzeTransaction } from '../../../../src/grammar/validate.js';
import { PAS_VERSION_INFO, type PasVersion } from '../../../../src/pas/versions.js';
import type { TransactionSet } from '../../../../src/x12/index.js';
import { AAA_READ_MASK, type AaaPlace } from '../../../../src/mapping/response/aaa.js';
import type { MappingFinding } from '../../../../src/mapping/engine/finding.js';
import { assembleResponse, type ResponseRead, type DecisionRead, type ProviderRead, type AaaRead, type CommunicationRead } from '../../../../src/mapping/response/assemble.js';
import { gapOf, responseTablesCompiled } from './tables.js';
import { unreadElements, unreadSegment, type SegmentPlace } from '../../../../src/mapping/response/unread.js';
import { whenHolds } from '../engine/inheritance.js';
import { kindOf, repeatable, repeatIndex } from '../../../../src/mapping/engine/repeats.js';
import { MappingTableError, ROLE, ROLES, type CompiledTables, type ReadTarget } from '../../../../src/mapping/engine/table.js';

export interface ResponseOptions {
  pasVersion: PasVersion;
  /** Tables to use (default: mappings/response/, compiled once). */
  tables?: CompiledTables;
  /** The transaction's loop tree when the caller has built it; null means it has none. Left out, it is built here. */
  tree?: LoopTree | null;
  /**
   * The PAS Request Bundle this response answers (2.2.1 or 2.0.1 shape). When given,
   * ClaimResponse.request references its Claim, each 2000F takes the itemSequence of the request
   * item whose trace number its TRN echoes, and each error gets an errorPath into it.
   */
  request?: Bundle;
}

export interface ResponseResult {
  /** Null when the transaction has no X217 response loop tree. */
  readonly bundle: Bundle | null;
  readonly findings: MappingFinding[];
}

type Obj = Record<string, unknown>;

/** HCR01 of a loop instance, or null when it has no HCR. */
function actionOf(node: LoopNode): string | null {
  for (const s of node.segments) if (s.segment.id === 'HCR') return s.segment.elements()[1] ?? '';
  return null;
}

const ECHO_TABLE = fileURLToPath(new URL('../../../../mappings/response/codes/echo.json', import.meta.url));
let echoes: ReadonlySet<string> | undefined;

/** `loop/segment use` of the request's data a response repeats (`mappings/response/codes/echo.json`), loaded once. */
function echoSet(): ReadonlySet<string> {
  if (echoes !== undefined) return echoes;
  const raw = JSON.parse(readFileSync(ECHO_TABLE, 'utf8')) as { echo?: Array<{ loop?: unknown; segments?: unknown }> };
  const set = new Set<string>();
  (raw.echo ?? []).forEach((e, i) => {
    if (typeof e.loop !== 'string' || !Array.isArray(e.segments)) throw new MappingTableError(`mappings/response/codes/echo.json: echo[${i}]: needs loop and segments`);
    for (const seg of e.segments) set.add(`${e.loop}/${String(seg)}`);
  });
  return (echoes = set);
}

/** Segments that describe the service (written to addItem for a modified decision, otherwise an echo of the request). */
const SERVICE_SEGMENTS = new Set(['UM', 'SV1', 'SV2', 'HSD']);

function newDecision(node: LoopNode, action: string | null): DecisionRead {
  return { node, action, item: {}, addItem: {}, service: {}, note: {}, providers: [] };
}

/** An X217 278 response -> a PAS Response Bundle (see the module comment). */
export function responseToBundle(tx: TransactionSet, options: ResponseOptions): ResponseResult {
  const findings: MappingFinding[] = [];
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const tables = options.tables ?? responseTablesCompiled(options.pasVersion);
  const version = options.pasVersion;
  if (tree === null || tree.grammar !== tables.grammar) {
    const why = tree === null ? 'the transaction set has no 278 loop tree (not whole, or no grammar fits)' : `the transaction set is a ${tree.grammar.label} (${tree.grammar.id}), not an X217 response`;
    findings.push({ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: why });
    return { bundle: null, findings };
  }
  const plans = tables.plans;
  const compSep = String.fromCharCode(tx.interchange.delimiters.component);

  const roles: Array<Obj | null> = ROLES.map(() => null);
  for (const r of [ROLE.Bundle, ROLE.ClaimResponse, ROLE.Insurer, ROLE.Requester, ROLE.Subscriber, ROLE.Dependent]) roles[r] = {};
  const items: DecisionRead[] = [];
  const errors: AaaRead[] = [];
  const requests: CommunicationRead[] = [];
  let event: DecisionRead | null = null;
  let sawDependent = false;
  let here: SegmentPlace = { loop: '', segment: '', id: '', position: 0 };
  const target: ReadTarget = {
    roles,
    slices: new Map(),
    invalid(rowId, element, why) {
      findings.push({ severity: 'error', code: 'INVALID_VALUE', loop: here.loop, segment: here.segment, position: here.position, element, message: `${here.loop || 'header'} ${here.segment} element ${element} (segment ${here.position}, row ${rowId}): ${why}` });
    },
  };
  const setDecision = (d: DecisionRead | null): void => {
    const modified = d !== null && d.action === 'A6';
    roles[ROLE.ResponseItem] = d?.item ?? null;
    roles[ROLE.AddItem] = modified ? d.addItem : null;
    roles[ROLE.Service] = modified ? d.service : null;
    roles[ROLE.Note] = d?.note ?? null;
  };

  const visit = (node: LoopNode, loopPath: string, decision: DecisionRead | null): void => {
    const saved = roles.slice();
    let own = decision;
    const id = node.id;
    if (id === '2000E') {
      own = event = newDecision(node, actionOf(node));
      setDecision(own);
    } else if (id === '2000F') {
      // A line without its own HCR is decided by the event's, unless the UMO rejected it (AAA): then it has no decision.
      own = newDecision(node, actionOf(node) ?? (node.segments.some((x) => x.segment.id === 'AAA') ? null : (event?.action ?? null)));
      items.push(own);
      setDecision(own);
    } else if (id === '2010EA' || id === '2010FA') {
      const p: ProviderRead = { extension: {}, resource: {} };
      (id === '2010FA' && decision !== null ? decision : event)?.providers.push(p);
      roles[ROLE.AuthorizedProvider] = p.extension;
      roles[ROLE.Provider] = p.resource;
    } else if (id === '2000D') sawDependent = true;

    const segments = node.segments;
    const ids = segments.map((s) => s.segment.id);
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const seg = s.segment;
      const segId = seg.id;
      if (segId === 'HL' || segId === 'ST' || segId === 'SE') continue;
      const row = s.row;
      here = { loop: loopPath, segment: row !== null ? row.name : segId, id: segId, position: s.position };
      const els = seg.elements();
      if (segId === 'AAA') {
        const place: AaaPlace = { elements: els, loop: id, loopSegments: ids, index: i };
        errors.push({ place, node, decision: own, position: s.position });
        findings.push(...unreadElements(here, els, AAA_READ_MASK, undefined, compSep));
        // AAA01 (request valid?) is N wherever a UMO rejects; a Y beside a reject reason has no place in PAS.
        const valid = els[1] ?? '';
        if (valid !== '' && valid !== 'N') findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: loopPath, segment: 'AAA', position: s.position, element: 1, message: `${loopPath} AAA01 (segment ${s.position}): ${JSON.stringify(valid)} has no place in PAS (an error is written back as N)` });
        continue;
      }
      // A PWK is a CommunicationRequest of its own (a loop may hold several).
      if (segId === 'PWK') {
        const cr: Obj = {};
        requests.push({ resource: cr, decision: id === '2000F' ? own : null });
        roles[ROLE.CommunicationRequest] = cr;
      } else roles[ROLE.CommunicationRequest] = null;
      const plan = row === null ? undefined : plans.get(row);
      // A repeat of one segment use (a second TRN of the same kind, REF*EI) gets its own entry of the repeating element its rows write (engine/repeats.ts); without one it would overwrite the first: reported, not read.
      let rep = 0;
      if (plan !== undefined && row!.max > 1 && segId !== 'PWK') {
        let kind: string | undefined;
        rep = repeatIndex(segments, i, (j) => kindOf(tables, row!, segments[j]!.segment.elements(), compSep) === (kind ??= kindOf(tables, row!, els, compSep)));
        if (rep > 0 && !repeatable(tables, row!, PAS_VERSION_INFO[version].singleElements, (spec) => whenHolds(els, spec.when, spec.positions[0] ?? 0, spec.component, compSep))) {
          findings.push(unreadSegment(here, `a repeat of the same kind: its rows have no repeating place in PAS ${version}; not carried`));
          continue;
        }
      }
      target.rep = rep;
      const mask = plan !== undefined ? plan.read(els, compSep, target) : 0;
      target.rep = 0;
      const keyMask = row !== null && row.key !== null ? 1 << row.key.element : 0;
      const noPlace = (e: number): boolean => options.tables === undefined && row !== null && gapOf(version, id, row.name, e);
      if ((mask & ~keyMask) === 0) {
        const echo = own !== null && SERVICE_SEGMENTS.has(segId) && roles[ROLE.AddItem] === null;
        let why = 'no row reads it';
        if (echo) why = `the requested service echoed back (decision ${own?.action ?? 'none'}): PAS names it by itemSequence in the request's Claim; only a modified (A6) decision's service goes to addItem`;
        else if (els.some((x, e) => e > 0 && x !== '' && noPlace(e))) why = `PAS ${version} has no place for it`;
        else if (echoSet().has(`${id}/${here.segment}`)) why = "the request's data echoed back: PAS keeps it in the request's Claim, which the response names";
        findings.push(unreadSegment(here, why));
        continue;
      }
      for (const f of unreadElements(here, els, mask, plan, compSep)) {
        findings.push(f.element !== undefined && noPlace(f.element) && f.message.endsWith('no row reads it') ? { ...f, message: f.message.replace(/no row reads it$/, `PAS ${version} has no place for it`) } : f);
      }
    }
    for (const child of node.children) visit(child, loopPath === '' ? child.id : `${loopPath}/${child.id}`, own);
    for (let r = 0; r < saved.length; r++) roles[r] = saved[r]!;
  };
  visit(tree.root, tree.root.path, null);

  const read: ResponseRead = { roles, event, items, errors, requests, sawDependent };
  return { bundle: assembleResponse(tx, read, options, findings), findings };
}
