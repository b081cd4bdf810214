/**
 * X12 dates and times carry no zone. An instant read from one (BHT04-05: Bundle.timestamp,
 * Claim.created, ClaimResponse.created) keeps the X12 wall-clock digits and takes a zone offset:
 * by default `Z` (the digits read as UTC, so they come back unchanged), or the one the caller
 * gives (`--timezone -05:00`): the same digits with that offset, never a shifted time.
 */

/** The zone used when none is given. */
export const DEFAULT_TIMEZONE = 'Z';

/** `Z` or an offset `+hh:mm` / `-hh:mm` (hours 00-14, minutes 00-59). */
export function isTimezone(x: string): boolean {
  const m = /^(?:Z|[+-](\d{2}):(\d{2}))$/.exec(x);
  return m !== null && (m[1] === undefined || (Number(m[1]) <= 14 && Number(m[2]) <= 59));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Gives every instant of the bundle that the X12 reader built (ending in Z) the zone `zone` instead. */
export function applyTimezone(value: unknown, zone: string): void {
  if (zone === 'Z' || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string' && INSTANT.test(v)) value[i] = v.slice(0, -1) + zone;
      else applyTimezone(v, zone);
    }
    return;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string' && INSTANT.test(v)) o[k] = v.slice(0, -1) + zone;
    else applyTimezone(v, zone);
  }
}
