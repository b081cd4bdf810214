import { getSegmentDef, RuleKind } from '../../x12/dictionary.js';
import type { Elements } from './write-rows.js';

/**
 * Whether a segment as written has what X12 cannot do without: every mandatory element, and one of
 * the elements of each "at least one" (R) syntax note. A writer choosing among segment uses that
 * say the same thing (SV1, SV2) takes a viable one, so an optional value alone (SV120 without a
 * procedure) never makes a segment X12 refuses.
 */
export function viableSegment(els: Elements): boolean {
  const def = getSegmentDef(els[0]?.[0] ?? '');
  if (def === undefined) return true;
  const present = (p: number): boolean => (els[p] ?? []).some((c) => c !== '');
  for (const e of def.elements) if (e.mandatory && !present(e.position)) return false;
  for (const n of def.syntax) if (n.rule === RuleKind.R && !n.indexes.some((i) => present(i + 1))) return false;
  return true;
}
