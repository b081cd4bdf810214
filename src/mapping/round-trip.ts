import type { Bundle } from '@medplum/fhirtypes';
import type { LoopTree } from '../grammar/index.js';
import { analyzeTransaction } from '../grammar/validate.js';
import type { PasVersion } from '../pas/versions.js';
import type { TransactionSet } from '../x12/index.js';
import { bundleToRequest, type WriteFinding, type WrittenSegment } from './bundle-to-request.js';
import { requestToBundle, type MappingFinding } from './request.js';
import { compareByLoop, decodeResidue, encodeResidue, originalByLoop, residueOf, RESIDUE_EXTENSION, writtenByLoop, type RoundTripDifference } from './residue.js';
import type { CompiledTables } from './table.js';

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
}

/** The residue carried by a bundle's Claim (see residue.ts), if any. */
export function residueIn(bundle: Bundle | Obj): ReturnType<typeof decodeResidue> {
  const entries = (bundle as Obj).entry;
  if (!Array.isArray(entries)) return null;
  for (const e of entries) {
    const r = (e as Obj | null)?.resource as Obj | undefined;
    if (r?.resourceType !== 'Claim' || !Array.isArray(r.extension)) continue;
    const x = (r.extension as Obj[]).find((x) => x.url === RESIDUE_EXTENSION);
    if (x !== undefined && typeof x.valueString === 'string') return decodeResidue(x.valueString);
  }
  return null;
}

/**
 * X12 -> PAS -> X12 for one X217 request: the bundle (with the residue extension when lossless),
 * and every segment the way back does not reproduce.
 */
export function roundTripRequest(tx: TransactionSet, options: RoundTripOptions): RoundTripResult {
  const tables = options.tables !== undefined ? { tables: options.tables } : {};
  // One analysis serves the way in and the comparison (a caller that has one passes it).
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const r = requestToBundle(tx, { pasVersion: options.pasVersion, layout: true, tree, ...tables });
  if (r.bundle === null) return { bundle: null, findings: r.findings, writeFindings: [], written: null, differences: [] };
  const positions = new Map<string, number[]>();
  const original = originalByLoop(tx, tree!.root, positions);
  let back = bundleToRequest(r.bundle, tables);
  let differences = back.segments === null ? [] : compareByLoop(original, writtenByLoop(back.segments), positions);
  if (options.lossless === true && differences.length > 0) {
    const residue = residueOf(differences, original);
    const claim = r.bundle.entry![0]!.resource as unknown as Obj;
    claim.extension = [...((claim.extension as Obj[] | undefined) ?? []), { url: RESIDUE_EXTENSION, valueString: encodeResidue(residue) }];
    back = bundleToRequest(r.bundle, { ...tables, residue });
    differences = back.segments === null ? [] : compareByLoop(original, writtenByLoop(back.segments), positions);
  }
  return { bundle: r.bundle, findings: r.findings, writeFindings: back.findings, written: back.segments, differences };
}
