// Oracle: src/grammar/validate.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import { checkStructure } from '../../../src/grammar/select.js';
import { checkSegmentUsage } from '../../../src/grammar/usage.js';
import type { LoopTree } from '../../../src/grammar/types.js';
import type { Finding, TransactionSet } from '../../../src/x12/index.js';
import { dictionary } from '../../../src/x12/dictionary.js';
import { checkSegmentFrom, separatorCode } from '../../../src/x12/syntax.js';

export interface Validation {
  readonly findings: Finding[];
  /** The loop tree under the transaction's grammar; null when the set is not whole or no grammar fits. */
  readonly tree: LoopTree | null;
}

/**
 * Checks a framed transaction set beyond its envelope: element syntax of every segment (against
 * the segment dictionary) and, for the 278, its loop structure against the transaction grammar
 * (mappings/grammar/). Returns the new findings; the transaction's own list is left as the framer
 * made it.
 */
export function validateTransaction(tx: TransactionSet): Finding[] {
  return analyzeTransaction(tx).findings;
}

/** validateTransaction, also returning the loop tree so later layers need not build it again. */
export function analyzeTransaction(tx: TransactionSet): Validation {
  const out: Finding[] = [];
  if (tx.type !== '278') return { findings: out, tree: null };
  const d = tx.interchange.delimiters;
  // The separators as character codes, made the way checkSegmentSyntax makes them from one-character strings.
  const component = separatorCode(String.fromCharCode(d.component));
  const repetition = d.repetition < 0 ? -1 : separatorCode(String.fromCharCode(d.repetition));
  const defs = dictionary();
  const segs = tx.segments;
  const whole = segs.length === tx.segmentCount;
  // The loop tree first, so that each segment's element usage is checked while the syntax loop holds it.
  const s = whole ? checkStructure(tx) : null;
  const nodes = s?.tree?.segments ?? null;
  const grammar = s?.tree?.grammar ?? null;
  const usage: Finding[] = [];
  const compText = String.fromCharCode(d.component);
  // Segments the framer reported, or found not to be 278 segments at all: not reported again as unexpected.
  let reported: Set<number> | null = null;
  for (const f of tx.findings) if (f.ordinal !== undefined) (reported ??= new Set()).add(f.ordinal);
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const def = defs.get(seg.id);
    const r = def === undefined ? null : checkSegmentFrom(def, seg.elements(), 1, component, repetition);
    if (r !== null && r.errors.length === 0) {
      // Element usage of the segment's use; a segment already in error (its syntax, or the framer's) is not checked again.
      const sn = nodes !== null ? nodes[i] : undefined;
      if (sn !== undefined && sn.row !== null && sn.row.elements !== null && reported?.has(seg.ordinal) !== true) checkSegmentUsage(grammar!, sn, compText, usage);
      continue;
    }
    const position = whole ? i + 1 : undefined;
    const at = { segment: seg.id, offset: seg.offset, ordinal: seg.ordinal, ...(position ? { position } : {}) };
    if (r === null) {
      if (seg.id !== '' && !reported?.has(seg.ordinal)) {
        out.push({ severity: 'error', code: 'SEGMENT_NOT_IN_SET', message: `segment ${seg.id} is not part of the 278`, ...at, ack: { level: 'segment', code: '6' } });
      }
      (reported ??= new Set()).add(seg.ordinal);
      continue;
    }
    for (const e of r.errors) {
      out.push({
        severity: 'error',
        code: 'ELEMENT_SYNTAX',
        message: `${seg.id}${String(e.element).padStart(2, '0')}: ${e.message}`,
        ...at,
        ack: {
          level: 'element',
          code: e.code,
          element: e.element,
          elementRef: e.elementRef,
          ...(e.component !== undefined ? { component: e.component } : {}),
          ...(e.repetition !== undefined ? { repetition: e.repetition } : {}),
          ...(e.value !== undefined ? { value: e.value } : {}),
        },
      });
    }
  }
  if (s === null) return { findings: out, tree: null };
  for (const f of s.findings) {
    // An unknown segment id is reported once (SEGMENT_NOT_IN_SET or by the framer), not again as unexpected.
    if (f.code === 'SEGMENT_UNEXPECTED' && f.ordinal !== undefined && reported?.has(f.ordinal) === true) continue;
    out.push(f);
  }
  for (const f of usage) out.push(f);
  return { findings: out, tree: s.tree };
}
