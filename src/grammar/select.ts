/**
 * Chooses the grammar of a transaction set (transaction set id + implementation guide from ST03,
 * then the header purpose code, BHT02: 13 request, 11 response...) and builds its loop tree.
 */
import type { Finding, Segment, TransactionSet } from '../x12/index.js';
import { buildLoopTree } from './build.js';
import { grammarSet, type GrammarSet } from './load.js';
import type { Grammar, LoopTree } from './types.js';

export interface StructureResult {
  /** Null when no grammar describes the transaction set (another set, or an unknown guide). */
  readonly grammar: Grammar | null;
  readonly tree: LoopTree | null;
  readonly findings: Finding[];
}

/**
 * Chooses the grammar for `tx` from `set` and builds the loop tree. When the purpose code names
 * no grammar of the guide, the transaction is read with each of them and the reading with the
 * fewest errors is kept, after a finding on the purpose element.
 */
export function checkStructure(tx: TransactionSet, set: GrammarSet = grammarSet()): StructureResult {
  const candidates = set.forImplementation(tx.type, tx.implementation);
  if (candidates.length === 0) {
    if (!set.hasTransactionSet(tx.type)) return { grammar: null, tree: null, findings: [] };
    const st = tx.segments[0];
    return {
      grammar: null,
      tree: null,
      findings: [
        {
          severity: 'warning',
          code: 'GRAMMAR_UNKNOWN',
          message: `no grammar for ${tx.type} implementation ${JSON.stringify(tx.implementation)}: loop structure not checked`,
          segment: 'ST',
          ...(st !== undefined ? { offset: st.offset, ordinal: st.ordinal, position: 1 } : {}),
        },
      ],
    };
  }
  for (const g of candidates) {
    const header = purposeSegment(tx, g);
    if (header !== undefined && g.purpose.values.includes(header.segment.element(g.purpose.element))) {
      const r = buildLoopTree(tx, g);
      return { grammar: g, tree: r.tree, findings: r.findings };
    }
  }
  // No grammar claims the purpose code: keep the reading with the fewest errors.
  let best: { g: Grammar; tree: LoopTree; findings: Finding[]; errors: number } | undefined;
  for (const g of candidates) {
    const r = buildLoopTree(tx, g);
    const errors = r.findings.filter((f) => f.severity === 'error').length;
    if (best === undefined || errors < best.errors) best = { g, tree: r.tree, findings: r.findings, errors };
  }
  const g = best!.g;
  const findings: Finding[] = [];
  const header = purposeSegment(tx, g);
  if (header !== undefined) {
    const value = header.segment.element(g.purpose.element);
    const known = candidates.map((c) => `${c.purpose.values.join('/')} ${c.label}`).join('; ');
    findings.push({
      severity: 'error',
      code: 'PURPOSE_UNKNOWN',
      message: `${g.purpose.segment}${String(g.purpose.element).padStart(2, '0')} ${JSON.stringify(value)} selects no ${tx.type} ${tx.implementation} grammar (${known}); read as ${g.label}`,
      segment: g.purpose.segment,
      offset: header.segment.offset,
      ordinal: header.segment.ordinal,
      position: header.position,
      ack: { level: 'element', code: value === '' ? '1' : '7', element: g.purpose.element, elementRef: g.purpose.elementRef, value },
    });
  }
  findings.push(...best!.findings);
  return { grammar: g, tree: best!.tree, findings };
}

/** The header segment holding the purpose code (BHT), looked for before the first HL. */
function purposeSegment(tx: TransactionSet, g: Grammar): { segment: Segment; position: number } | undefined {
  const segs = tx.segments;
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.id === g.purpose.segment) return { segment: s, position: i + 1 };
    if (s.id === 'HL') break;
  }
  return undefined;
}
