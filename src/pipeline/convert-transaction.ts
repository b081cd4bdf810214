import { analyzeTransaction } from '../grammar/validate.js';
import { requestToBundle } from '../mapping/request.js';
import { roundTripRequest } from '../mapping/round-trip.js';
import type { PasVersion } from '../pas/versions.js';
import { hasErrors, type Finding, type TransactionSet } from '../x12/index.js';

/** How transaction sets are converted (the same for every transaction of a run). */
export interface ConvertOptions {
  readonly pasVersion: PasVersion;
  /** Carry what PAS has no place for in the Claim's residue extension. */
  readonly lossless: boolean;
}

/** What became of one transaction set. */
export interface TransactionOutcome {
  /** The PAS Request Bundle as one NDJSON line (no newline); null when the set is rejected. */
  readonly line: string | null;
  /** Every finding: the framer's, the grammar check's and the mapping's. */
  readonly findings: Finding[];
  /** The grammar check's findings alone (the acknowledgment adds them to the framer's). */
  readonly validation: Finding[];
}

/** The per-transaction step of `convert`: one call, so a faster one can take its place. */
export type TransactionConverter = (tx: TransactionSet, options: ConvertOptions) => TransactionOutcome;

/**
 * X12 278 request -> PAS Request Bundle line, for one framed transaction set: grammar check,
 * mapping rows, JSON. A set with errors (envelope, syntax, structure, mapping) or of a kind not
 * converted yet is rejected with its findings.
 */
export const convertTransaction: TransactionConverter = (tx, options) => {
  const v = analyzeTransaction(tx);
  const findings: Finding[] = [...tx.findings, ...v.findings];
  let line: string | null = null;
  if (!hasErrors(findings)) {
    if (v.tree?.grammar.id !== '278-x217-request') {
      findings.push({ severity: 'error', code: 'NOT_CONVERTED_YET', message: `${v.tree?.grammar.label ?? `transaction set ${tx.type} ${tx.implementation}`}: conversion to PAS is not available yet` });
    } else {
      const r = options.lossless ? roundTripRequest(tx, { pasVersion: options.pasVersion, lossless: true, tree: v.tree }) : requestToBundle(tx, { pasVersion: options.pasVersion, tree: v.tree });
      let mappingError = false;
      for (const m of r.findings) {
        if (m.severity === 'error') mappingError = true;
        findings.push({ severity: m.severity, code: m.code, message: m.message, segment: m.segment, position: m.position, ...(m.loop ? { loop: m.loop } : {}) });
      }
      if (r.bundle !== null && !mappingError) line = JSON.stringify(r.bundle);
    }
  }
  return { line, findings, validation: v.findings };
};

