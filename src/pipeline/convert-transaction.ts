import { analyzeTransaction } from '../grammar/validate.js';
import { INQUIRY_RESPONSE_GRAMMAR } from '../mapping/inquiry/response.js';
import { INQUIRY_GRAMMAR, REQUEST_GRAMMAR, type MappingFinding } from '../mapping/request/read.js';
import { RESPONSE_GRAMMAR } from '../mapping/response/tables.js';
import type { Bundle } from '@medplum/fhirtypes';
import { requestFinderFor } from './request-file.js';
import { x12ToBundle } from '../mapping/round-trip.js';
import { DEFAULT_TIMEZONE } from '../mapping/engine/timezone.js';
import type { PasVersion } from '../pas/versions.js';
import { hasErrors, type Finding, type TransactionSet } from '../x12/index.js';
import { characterFindings, type Charset } from '../x12/characters.js';

/** How transaction sets are converted (the same for every transaction of a run). */
export interface ConvertOptions {
  readonly pasVersion: PasVersion;
  /** Carry what PAS has no place for in the Claim's (or ClaimResponse's) residue extension. */
  readonly lossless: boolean;
  /** The zone of the X12 dates and times (`--timezone`: `Z` or `+hh:mm`); left out, `Z` is used and said once per interchange (DEFAULTED). */
  readonly timezone?: string;
  /** Files of request bundles (`--request`): a response that answers one of them references its Claim. */
  readonly requests?: readonly string[];
  /** The characters the partner sends: utf8 (default) or plain ascii; others are reported where read. */
  readonly charset?: Charset;
}

/** What became of one transaction set. */
export interface TransactionOutcome {
  /** The PAS bundle as one NDJSON line (no newline); null when the set is rejected. */
  readonly line: string | null;
  /** Every finding: the framer's, the grammar check's and the mapping's. */
  readonly findings: Finding[];
  /** The grammar check's findings alone (the acknowledgment adds them to the framer's). */
  readonly validation: Finding[];
}

let lastInterchange: object | null = null;

/** The per-transaction step of `convert`: one call, so a faster one can take its place. */
export type TransactionConverter = (tx: TransactionSet, options: ConvertOptions) => TransactionOutcome;

/**
 * One framed 278 -> one PAS bundle line: X217 request -> Request Bundle, X215 inquiry -> Inquiry
 * Request Bundle, X217 response -> Response Bundle, X215 response -> Inquiry Response Bundle
 * (grammar check, mapping rows, JSON). A set with errors (envelope, syntax, structure, mapping) or
 * of a kind not converted yet is rejected with its findings.
 */
export const convertTransaction: TransactionConverter = (tx, options) => {
  const v = analyzeTransaction(tx);
  const findings: Finding[] = [...tx.findings, ...v.findings];
  // Characters the interchange cannot carry are reported where they are (warnings: the set still converts).
  for (const f of characterFindings(tx.segments, options.charset)) findings.push(f);
  let line: string | null = null;
  if (!hasErrors(findings)) {
    const id = v.tree?.grammar.id;
    const pasVersion = options.pasVersion;
    const zone = options.timezone !== undefined ? { timezone: options.timezone } : {};

    let r: { bundle: unknown; findings: readonly MappingFinding[] } | null = null;
    if (id === REQUEST_GRAMMAR || id === INQUIRY_GRAMMAR) {
      r = x12ToBundle(tx, { pasVersion, lossless: options.lossless, tree: v.tree, ...zone });
    } else if (id === RESPONSE_GRAMMAR || id === INQUIRY_RESPONSE_GRAMMAR) {
      let request: Bundle | undefined;
      if (options.requests !== undefined && options.requests.length > 0) {
        const m = requestFinderFor(options.requests).find(tx);
        if (m.bundle !== null) request = m.bundle;
        else findings.push({ severity: 'warning', code: 'REQUEST_NOT_FOUND', message: m.why === 'ambiguous' ? 'two --request bundles have the trace number or BHT03 this response echoes: neither is referenced' : 'no --request bundle has the trace number or BHT03 this response echoes: ClaimResponse.request names the Claim by identifier' });
      }
      r = x12ToBundle(tx, { pasVersion, lossless: options.lossless, tree: v.tree, ...zone, ...(request !== undefined ? { request } : {}) });
    } else {
      findings.push({ severity: 'error', code: 'NOT_CONVERTED_YET', message: `${v.tree?.grammar.label ?? `transaction set ${tx.type} ${tx.implementation}`}: conversion to PAS is not available yet` });
    }
    if (r !== null) {
      let mappingError = false;
      for (const m of r.findings) {
        if (m.severity === 'error') mappingError = true;
        findings.push({ severity: m.severity, code: m.code, message: m.message, segment: m.segment, position: m.position, ...(m.loop ? { loop: m.loop } : {}) });
      }
      if (r.bundle !== null && !mappingError) {
        line = JSON.stringify(r.bundle);
        // X12 times have no zone: the default is said once per interchange (the last one this thread converted from).
        if (options.timezone === undefined && tx.interchange !== lastInterchange) {
          lastInterchange = tx.interchange;
          findings.push({ severity: 'info', code: 'DEFAULTED', message: `X12 dates and times carry no time zone: instants are built with ${DEFAULT_TIMEZONE} (UTC) and the X12 digits unchanged; --timezone sets the zone` });
        }
      }
    }
  }
  return { line, findings, validation: v.findings };
};

