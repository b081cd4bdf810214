import { INVALID, type Codec } from './codec.js';

/**
 * ICD-9-CM diagnosis codes (HI qualifiers BK, BJ, BF): X12 writes them without the decimal point
 * (`41090`), FHIR's icd9cm system with it (`410.90`). Where the point goes depends on the first
 * character, so it can always be put back:
 * - numeric codes: three-digit category, then up to two digits (`410`, `410.9`, `410.90`);
 * - V codes (supplementary factors): `V` and two digits, then up to two digits (`V10.3`, `V10.46`);
 * - E codes (external causes): `E` and three digits, then at most one digit (`E880.9`).
 * Anything else (lowercase letters, a point in the X12 value, a point with nothing after it,
 * too many digits after the point, the two-digit-category procedure codes of volume 3) is
 * refused on either side rather than guessed, so every value read comes back as it was.
 */
const X12_FORM = /^(?:[0-9]{3}[0-9]{0,2}|V[0-9]{2}[0-9]{0,2}|E[0-9]{3}[0-9]?)$/;
const FHIR_FORM = /^(?:[0-9]{3}(?:\.[0-9]{1,2})?|V[0-9]{2}(?:\.[0-9]{1,2})?|E[0-9]{3}(?:\.[0-9])?)$/;

/** Characters before the point: 4 for E codes, 3 otherwise. */
const head = (code: string): number => (code.charCodeAt(0) === 0x45 /* E */ ? 4 : 3);

export const icd9: Codec<string, string> = {
  name: 'icd9-dotted',
  read(x) {
    if (!X12_FORM.test(x)) return INVALID;
    const n = head(x);
    return x.length > n ? `${x.slice(0, n)}.${x.slice(n)}` : x;
  },
  write(f) {
    if (!FHIR_FORM.test(f)) return INVALID;
    const n = head(f);
    return f.length > n ? f.slice(0, n) + f.slice(n + 1) : f;
  },
  why: (x) =>
    `${JSON.stringify(x)} is not an ICD-9-CM diagnosis code as X12 writes it (3-5 digits, V and 2-4 digits, or E and 3-4 digits; no point)`,
};
