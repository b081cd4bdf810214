// Oracle: src/mapping/response/unread.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * What a response segment leaves unread, as findings with their place: the whole segment, an
 * element, a component of a composite read in part, or a consumed element holding another value
 * than the one written back. The same rules as the request reader, in a function of its own.
 */
import type { SegmentPlan } from '../../../../src/mapping/engine/table.js';
import type { MappingFinding } from '../../../../src/mapping/engine/finding.js';

/** Where a segment sits, for findings. */
export interface SegmentPlace {
  /** Loop path (`2000A/2000B/2000C/2000E`), '' for the header. */
  readonly loop: string;
  /** Segment use as the grammar names it (`DTP*435`), or the segment id. */
  readonly segment: string;
  readonly id: string;
  readonly position: number;
}

const where = (p: SegmentPlace): string => p.loop || 'header';
const el = (id: string, e: number): string => `${id}${String(e).padStart(2, '0')}`;

/** The segment as a whole is not carried (no row read an element of it): `why` says why. */
export function unreadSegment(p: SegmentPlace, why: string): MappingFinding {
  return { severity: 'warning', code: 'UNMAPPED_SEGMENT', loop: p.loop, segment: p.segment, position: p.position, message: `${where(p)} ${p.segment} (segment ${p.position}): ${why}` };
}

/**
 * Findings for the elements of a segment some row read (`mask`: bit e for element e): non-empty
 * elements no row read, components of partly read composites, consumed constants with another value.
 */
export function unreadElements(p: SegmentPlace, els: readonly string[], mask: number, plan: SegmentPlan | undefined, compSep: string): MappingFinding[] {
  const out: MappingFinding[] = [];
  const add = (e: number, label: string, why: string): void => {
    out.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', loop: p.loop, segment: p.segment, position: p.position, element: e, message: `${where(p)} ${label} (segment ${p.position}): ${why}` });
  };
  if (plan !== undefined) {
    for (const [e, v] of plan.fixed) {
      const x = els[e];
      if (x !== undefined && x !== '' && x !== v) add(e, el(p.id, e), `${JSON.stringify(x)} has no place in PAS (written back as ${JSON.stringify(v)})`);
    }
    for (const [e, comps] of plan.partial) {
      const x = els[e];
      if (x === undefined || (mask & (1 << e)) === 0 || !x.includes(compSep)) continue;
      x.split(compSep).forEach((c, i) => {
        if (c !== '' && (comps & (1 << (i + 1))) === 0) add(e, `${el(p.id, e)}-${i + 1}`, 'no row reads this component');
      });
    }
  }
  for (let e = 1; e < els.length; e++) {
    if (els[e] !== '' && (mask & (1 << e)) === 0) add(e, el(p.id, e), 'no row reads it');
  }
  return out;
}
