import { checkHlStructure } from '../grammar/index.js';
import type { Finding, TransactionSet } from '../x12/index.js';
import { checkSegmentSyntax } from '../x12/syntax.js';

/**
 * Checks a framed transaction set beyond its envelope: element syntax of every segment (against
 * the segment dictionary) and, for the 278, the HL hierarchy. Returns the new findings; the
 * transaction's own list is left as the framer made it.
 */
export function validateTransaction(tx: TransactionSet): Finding[] {
  const out: Finding[] = [];
  if (tx.type !== '278') return out;
  const d = tx.interchange.delimiters;
  const component = String.fromCharCode(d.component);
  const repetition = d.repetition < 0 ? null : String.fromCharCode(d.repetition);
  const segs = tx.segments;
  const whole = segs.length === tx.segmentCount;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const position = whole ? i + 1 : undefined;
    const at = { segment: seg.id, offset: seg.offset, ordinal: seg.ordinal, ...(position ? { position } : {}) };
    const el = seg.elements();
    const r = checkSegmentSyntax(seg.id, el.slice(1), component, repetition);
    if (!r.known) {
      if (seg.id !== '' && tx.findings.every((f) => f.ordinal !== seg.ordinal)) {
        out.push({ severity: 'error', code: 'SEGMENT_NOT_IN_SET', message: `segment ${seg.id} is not part of the 278`, ...at, ack: { level: 'segment', code: '6' } });
      }
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
  if (whole) out.push(...checkHlStructure(tx));
  return out;
}
