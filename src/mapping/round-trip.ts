import type { Bundle } from '@medplum/fhirtypes';
import type { LoopTree } from '../grammar/index.js';
import { analyzeTransaction } from '../grammar/validate.js';
import type { PasVersion } from '../pas/versions.js';
import type { TransactionSet } from '../x12/index.js';
import { bundleToRequest, type WriteFinding, type WrittenSegment } from './request/write.js';
import { requestToBundle, type MappingFinding } from './request/read.js';
import { compareByLoop, encodeResidue, originalByLoop, residueIn, residueOf, RESIDUE_EXTENSION, WHOLE_RESIDUE, writtenByLoop, type RoundTripDifference } from './engine/residue.js';
import { MemoryControlNumbers, readX12Buffer } from '../x12/index.js';
import { INQUIRY_RESPONSE_GRAMMAR, inquiryResponseToBundle } from './inquiry/response.js';
import { responseToBundle } from './response/read.js';
import { responseBundleToX12 } from './response/x12.js';
import type { ResponseWriteFinding } from './response/write.js';
import type { Elements } from './engine/write-rows.js';
import { roundTripFindings, silentChanges } from './engine/silent.js';
import { applyTimezone } from './engine/timezone.js';
import { RESPONSE_GRAMMAR } from './response/tables.js';

export { residueIn };
import type { CompiledTables } from './engine/table.js';

type Obj = Record<string, unknown>;

export interface RoundTripResult {
  readonly bundle: Bundle | null;
  /** Findings of the way in (X12 -> PAS). */
  readonly findings: MappingFinding[];
  /** Findings of the way back (PAS -> X12). */
  readonly writeFindings: WriteFinding[];
  /** Segments written back (BHT to the last loop). */
  readonly written: WrittenSegment[] | null;
  /** Every segment the way back does not reproduce (empty with `lossless`, unless something is wrong). */
  readonly differences: RoundTripDifference[];
}

export interface RoundTripOptions {
  pasVersion: PasVersion;
  /** Carry what the rows do not reproduce in the Claim's residue extension (and write it back). */
  lossless?: boolean;
  tables?: CompiledTables;
  /** The transaction's loop tree when the caller has analysed it already. */
  tree?: LoopTree | null;
  /** false: `writeFindings` are wanted for their errors (and messages) only; see BundleWriteOptions.unwritten. */
  unwritten?: boolean;
}

/**
 * X12 -> PAS -> X12 for one X217 request: the bundle (with the residue extension when lossless),
 * and every segment the way back does not reproduce.
 */
export function roundTripRequest(tx: TransactionSet, options: RoundTripOptions): RoundTripResult {
  const tables = options.tables !== undefined ? { tables: options.tables } : {};
  const write = options.unwritten === false ? { ...tables, unwritten: false } : tables;
  // One analysis serves the way in and the comparison (a caller that has one passes it).
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const r = requestToBundle(tx, { pasVersion: options.pasVersion, layout: true, tree, ...tables });
  if (r.bundle === null) return { bundle: null, findings: r.findings, writeFindings: [], written: null, differences: [] };
  const positions = new Map<string, number[]>();
  const original = originalByLoop(tx, tree!.root, positions);
  let back = bundleToRequest(r.bundle, write);
  let differences = back.segments === null ? [] : compareByLoop(original, writtenByLoop(back.segments), positions);
  if (options.lossless === true && differences.length > 0) {
    const residue = residueOf(differences, original);
    const claim = r.bundle.entry![0]!.resource as unknown as Obj;
    claim.extension = [...((claim.extension as Obj[] | undefined) ?? []), { url: RESIDUE_EXTENSION, valueString: encodeResidue(residue) }];
    back = bundleToRequest(r.bundle, { ...write, residue });
    differences = back.segments === null ? [] : compareByLoop(original, writtenByLoop(back.segments), positions);
  }
  return { bundle: r.bundle, findings: r.findings, writeFindings: back.findings, written: back.segments, differences };
}

/** The transaction of an interchange text (the first). */
function firstTransaction(text: string): TransactionSet | null {
  for (const e of readX12Buffer(Buffer.from(text, 'utf8'))) if (e.kind === 'transaction') return e.transaction;
  return null;
}

export interface ResponseRoundTripResult {
  readonly bundle: Bundle | null;
  /** Findings of the way in (X12 -> PAS). */
  readonly findings: MappingFinding[];
  /** Findings of the way back (PAS -> X12). */
  readonly writeFindings: ResponseWriteFinding[];
  /** The interchange written back, or null. */
  readonly text: string | null;
  readonly differences: RoundTripDifference[];
}

/**
 * X12 -> PAS -> X12 for one X217 response or X215 inquiry response: the bundle (with the residue
 * extension on its ClaimResponse when lossless), and every segment the way back does not
 * reproduce, compared loop instance by loop instance as for requests.
 */
export function roundTripResponse(tx: TransactionSet, options: Omit<RoundTripOptions, 'tables'> & { request?: Bundle }): ResponseRoundTripResult {
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const inquiry = tree?.grammar.id === INQUIRY_RESPONSE_GRAMMAR;
  const opts = { pasVersion: options.pasVersion, tree, ...(options.request !== undefined ? { request: options.request } : {}) };
  const r = inquiry ? inquiryResponseToBundle(tx, opts) : responseToBundle(tx, opts);
  if (r.bundle === null || tree === null) return { bundle: null, findings: r.findings, writeFindings: [], text: null, differences: [] };
  const positions = new Map<string, number[]>();
  const original = originalByLoop(tx, tree.root, positions);
  const fixed = { now: () => new Date(0), controlNumbers: new MemoryControlNumbers() };
  const compare = (text: string | null): RoundTripDifference[] => {
    const back = text === null ? null : firstTransaction(text);
    const backTree = back === null ? null : analyzeTransaction(back).tree;
    return back === null || backTree === null ? [] : compareByLoop(original, originalByLoop(back, backTree.root), positions);
  };
  let back = responseBundleToX12(r.bundle, fixed);
  let differences = compare(back.text);
  if (options.lossless === true && back.text !== null && differences.length > 0) {
    const cr = r.bundle.entry![0]!.resource as unknown as Obj;
    const base = (cr.extension as Obj[] | undefined) ?? [];
    const carry = (residue: Map<string, Elements[]>): void => {
      cr.extension = [...base, { url: RESIDUE_EXTENSION, valueString: encodeResidue(residue) }];
      back = responseBundleToX12(r.bundle!, fixed);
      differences = compare(back.text);
    };
    carry(residueOf(differences, original));
    // Loop instances that do not line up (a level the writer lays out otherwise): the whole transaction rides along.
    if (differences.length > 0 || back.text === null) carry(new Map([[WHOLE_RESIDUE, [...original.values()].flat()]]));
  }
  return { bundle: r.bundle, findings: r.findings, writeFindings: back.findings, text: back.text, differences };
}

export interface X12ToBundleOptions {
  pasVersion: PasVersion;
  lossless?: boolean;
  tree?: LoopTree | null;
  /** For a response: the request bundle it answers. */
  request?: Bundle;
  /** The zone of the X12 times (`Z` or `+hh:mm`; engine/timezone.ts); default `Z`. */
  timezone?: string;
}

/**
 * Any 278 (X217 request or response, X215 inquiry or response) -> its PAS bundle, as `convert`
 * does it: the way in, then the way back, so that every change a round trip makes is named by a
 * finding (the rows' and the layout analysis's, and a ROUND_TRIP finding for any other; with
 * `lossless` the residue carries them instead). A bundle the way back cannot write is said so.
 */
export function x12ToBundle(tx: TransactionSet, options: X12ToBundleOptions): { bundle: Bundle | null; findings: MappingFinding[] } {
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const response = tree !== null && (tree.grammar.id === INQUIRY_RESPONSE_GRAMMAR || tree.grammar.id === RESPONSE_GRAMMAR);
  const o = { pasVersion: options.pasVersion, lossless: options.lossless === true, tree, ...(options.request !== undefined ? { request: options.request } : {}) };
  // Only the way back's errors are used here: its report of what it leaves out is not made.
  const r = response ? roundTripResponse(tx, o) : roundTripRequest(tx, { ...o, unwritten: false });
  if (r.bundle === null) return { bundle: null, findings: r.findings };
  const findings = [...r.findings, ...roundTripFindings(silentChanges(r.differences, r.findings))];
  // The zone is given after the round trip: the digits are what X12 carries, the zone is the caller's.
  if (options.timezone !== undefined) applyTimezone(r.bundle, options.timezone);
  const failed = r.writeFindings.filter((f) => f.severity === 'error');
  if (failed.length > 0) {
    findings.push({ severity: 'warning', code: 'ROUND_TRIP', loop: '', segment: 'ST', position: 1, message: `the bundle cannot be written back as a 278: ${failed.map((f) => f.message).join('; ')}` });
  }
  return { bundle: r.bundle, findings };
}
