// Oracle: src/mapping/engine/silent.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { MappingFinding } from '../../../../src/mapping/engine/finding.js';
import type { RoundTripDifference } from '../../../../src/mapping/engine/residue.js';

/**
 * Element by element: which changes of a round trip X12 -> PAS -> X12 no finding of the way in
 * names. A changed element must be named by a finding at its segment position (the element, or
 * the whole segment); a lost segment by a finding at its position; an added segment (a value
 * the way back writes at another level) by a finding in its loop instance (its HL position, or
 * the instance key for an instance the original lacks).
 */

/** Splits segment text (`*` elements, `:` components, as `segmentText` writes it) into elements. */
function elementsOf(text: string): string[] {
  return text === '' ? [] : text.split('*');
}

export interface SilentChange {
  readonly loop: string;
  /** The segment's id (`DTP`, `HCR`). */
  readonly segment: string;
  readonly position: number | null;
  /** Element number (1-based), 0 for a whole segment lost or added. */
  readonly element: number;
  readonly original: string;
  readonly written: string;
}

type Named = Pick<MappingFinding, 'position' | 'element' | 'code'> & { readonly loop?: string };

export function silentChanges(differences: readonly RoundTripDifference[], findings: readonly Named[]): SilentChange[] {
  const whole = new Set<number>();
  const elements = new Set<string>();
  for (const f of findings) {
    if (f.code === 'NO_TREE') continue;
    if (f.element === undefined) whole.add(f.position);
    else elements.add(`${f.position}:${f.element}`);
  }
  const named = (pos: number | undefined, e: number): boolean => pos !== undefined && (whole.has(pos) || elements.has(`${pos}:${e}`));
  const out: SilentChange[] = [];
  for (const d of differences) {
    const at = d.position ?? null;
    const segment = (d.original || d.written).split('*')[0] ?? '';
    if (d.original === '') {
      // Added: a finding anywhere in its loop instance's first segment (the HL) or the whole loop.
      const lp = d.loopPosition;
      const any = findings.some((f) => (lp !== undefined && f.position === lp) || f.loop === d.loop);
      if (!any) out.push({ loop: d.loop, segment, position: lp ?? null, element: 0, original: '', written: d.written });
      continue;
    }
    if (d.written === '') {
      if (named(d.position, 0)) continue;
      const a = elementsOf(d.original);
      for (let e = 1; e < a.length; e++) if (a[e] !== '' && !named(d.position, e)) out.push({ loop: d.loop, segment, position: at, element: e, original: a[e]!, written: '' });
      if (a.length <= 1 && !named(d.position, 0)) out.push({ loop: d.loop, segment, position: at, element: 0, original: d.original, written: '' });
      continue;
    }
    const a = elementsOf(d.original);
    const b = elementsOf(d.written);
    if (a[0] !== b[0]) {
      if (!named(d.position, 0)) out.push({ loop: d.loop, segment, position: at, element: 0, original: d.original, written: d.written });
      continue;
    }
    for (let e = 1; e < Math.max(a.length, b.length); e++) {
      const x = a[e] ?? '';
      const y = b[e] ?? '';
      if (x !== y && !named(d.position, e)) out.push({ loop: d.loop, segment, position: at, element: e, original: x, written: y });
    }
  }
  return out;
}

/** A finding for each change of a round trip the way in did not name (convert's safety net: nothing changes unreported). */
export function roundTripFindings(changes: readonly SilentChange[]): MappingFinding[] {
  return changes.map((c) => {
    const loop = c.loop;
    const where = c.position !== null ? `segment ${c.position}` : 'a segment the way back adds';
    const seg = c.segment;
    const message =
      c.element === 0
        ? c.original === ''
          ? `${loop}: the way back adds ${c.written} (the value is carried at another level or place than it came)`
          : c.written === ''
            ? `${loop} ${seg} (${where}): not written back as it was`
            : `${loop} (${where}): ${c.original} is written back as ${c.written}`
        : `${loop} ${seg}${String(c.element).padStart(2, '0')} (${where}): ${JSON.stringify(c.original)} is written back as ${c.written === '' ? 'nothing' : JSON.stringify(c.written)}`;
    return {
      severity: 'warning' as const,
      code: 'ROUND_TRIP' as const,
      loop,
      segment: seg,
      position: c.position ?? 0,
      ...(c.element !== 0 ? { element: c.element } : {}),
      message,
    };
  });
}
