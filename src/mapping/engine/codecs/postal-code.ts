import { INVALID, type Codec } from './codec.js';

/**
 * US postal codes: X12 writes ZIP+4 as nine digits (N403), FHIR as `12345-6789`. Five-digit
 * codes and non-US codes pass through unchanged (a value with other characters is kept as is).
 */
export const postalCode: Codec<string, string> = {
  name: 'postal-code',
  read(x) {
    if (x === '') return INVALID;
    if (x.length === 9 && isDigits(x)) return `${x.slice(0, 5)}-${x.slice(5)}`;
    return x;
  },
  write(f) {
    if (f === '') return INVALID;
    if (f.length === 10 && f[5] === '-' && isDigits(f.slice(0, 5)) && isDigits(f.slice(6))) return f.slice(0, 5) + f.slice(6);
    // A nine-digit value without the dash would read back with one: not a value we can keep.
    if (f.length === 9 && isDigits(f)) return INVALID;
    return f;
  },
  why: (x) => `${JSON.stringify(x)} is not a postal code`,
};

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
