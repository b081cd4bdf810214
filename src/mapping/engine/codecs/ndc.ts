import { INVALID, type Codec } from './codec.js';

/** The three ways FHIR's NDC system writes a 10-digit code with dashes, and the zero each pads to 5-4-2. */
const TEN: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^(\d{4})-(\d{4})-(\d{2})$/, (m) => `0${m[1]}${m[2]}${m[3]}`],
  [/^(\d{5})-(\d{3})-(\d{2})$/, (m) => `${m[1]}0${m[2]}${m[3]}`],
  [/^(\d{5})-(\d{4})-(\d)$/, (m) => `${m[1]}${m[2]}0${m[3]}`],
];

/**
 * A National Drug Code as X12 writes it with qualifier N4 (eleven digits, 5-4-2, no dashes) <->
 * as FHIR's `http://hl7.org/fhir/sid/ndc` writes it, read as `5-4-2` with dashes. A 10-digit
 * dashed code (4-4-2, 5-3-2, 5-4-1) or eleven bare digits are written padded to 5-4-2, reported
 * (they read back in the 5-4-2 dashed form).
 */
export const ndc: Codec<string, string> = {
  name: 'ndc11',
  read: (x) => (/^\d{11}$/.test(x) ? `${x.slice(0, 5)}-${x.slice(5, 9)}-${x.slice(9)}` : INVALID),
  write(f) {
    const m = /^(\d{5})-(\d{4})-(\d{2})$/.exec(f);
    return m === null ? INVALID : `${m[1]}${m[2]}${m[3]}`;
  },
  writeLossy(f) {
    if (/^\d{11}$/.test(f)) return { x: f, lost: 'form without dashes (reads back as 5-4-2 with dashes)' };
    for (const [re, pad] of TEN) {
      const m = re.exec(f);
      if (m !== null) return { x: pad(m), lost: '10-digit form (written padded to 11 digits, 5-4-2)' };
    }
    return INVALID;
  },
  why: (x) => `${JSON.stringify(x)} is not an 11-digit NDC`,
};
