import type { MappingFinding } from './request.js';
import type { RoundTripDifference } from './residue.js';

/**
 * Element by element: which changes of a round trip X12 -> PAS -> X12 no finding of the way in
 * names. A changed element must be named by a finding at its segment position (the element, or
 * the whole segment); a lost segment by a finding at its position; an added segment (a value
 * the way back writes at another level) by a finding in its loop instance (its HL position).
 */

/** Splits segment text (`*` elements, `:` components, as `segmentText` writes it) into elements. */
function elementsOf(text: string): string[] {
  return text === '' ? [] : text.split('*');
}

export interface SilentChange {
  readonly loop: string;
  readonly position: number | null;
  /** Element number (1-based), 0 for a whole segment lost or added. */
  readonly element: number;
  readonly original: string;
  readonly written: string;
}

type Named = Pick<MappingFinding, 'position' | 'element' | 'code'>;

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
    if (d.original === '') {
      // Added: a finding anywhere in its loop instance's first segment (the HL) or the whole loop.
      const lp = d.loopPosition;
      const any = lp !== undefined && findings.some((f) => f.position === lp);
      if (!any) out.push({ loop: d.loop, position: lp ?? null, element: 0, original: '', written: d.written });
      continue;
    }
    if (d.written === '') {
      if (named(d.position, 0)) continue;
      const a = elementsOf(d.original);
      for (let e = 1; e < a.length; e++) if (a[e] !== '' && !named(d.position, e)) out.push({ loop: d.loop, position: at, element: e, original: a[e]!, written: '' });
      if (a.length <= 1 && !named(d.position, 0)) out.push({ loop: d.loop, position: at, element: 0, original: d.original, written: '' });
      continue;
    }
    const a = elementsOf(d.original);
    const b = elementsOf(d.written);
    if (a[0] !== b[0]) {
      if (!named(d.position, 0)) out.push({ loop: d.loop, position: at, element: 0, original: d.original, written: d.written });
      continue;
    }
    for (let e = 1; e < Math.max(a.length, b.length); e++) {
      const x = a[e] ?? '';
      const y = b[e] ?? '';
      if (x !== y && !named(d.position, e)) out.push({ loop: d.loop, position: at, element: e, original: x, written: y });
    }
  }
  return out;
}
