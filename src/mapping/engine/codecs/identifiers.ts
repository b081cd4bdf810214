import { INVALID, type Codec } from './codec.js';

const ICD_X12 = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
const ICD_FHIR = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/**
 * ICD-10-CM code as X12 writes it (no dot: `M5416`) <-> as FHIR's icd-10-cm system writes it
 * (`M54.16`, the dot after the third character).
 */
export const icd10: Codec<string, string> = {
  name: 'icd10-dotted',
  read(x) {
    if (!ICD_X12.test(x)) return INVALID;
    return x.length > 3 ? `${x.slice(0, 3)}.${x.slice(3)}` : x;
  },
  write(f) {
    if (!ICD_FHIR.test(f)) return INVALID;
    return f.length > 3 ? f.slice(0, 3) + f.slice(4) : f;
  },
  why: (x) => `${JSON.stringify(x)} is not an ICD-10-CM code as X12 writes it (letter, digit, then 1-5 characters, no dot)`,
};

const TRN_ORG = 'urn:trnorg:';

/** TRN03 (the organization that assigned a trace number) <-> the identifier system `urn:trnorg:<TRN03>` PAS uses. */
export const trnOrg: Codec<string, string> = {
  name: 'urn-trnorg',
  read: (x) => (x === '' ? INVALID : TRN_ORG + x),
  write: (f) => (f.startsWith(TRN_ORG) && f.length > TRN_ORG.length ? f.slice(TRN_ORG.length) : INVALID),
  why: () => 'an empty trace-number organization',
};

/** Luhn check over `80840` + the first nine digits (the NPI check-digit rule), true when digit ten matches. */
export function npiCheck(x: string): boolean {
  if (x.length !== 10) return false;
  let sum = 24; // the prefix 80840 contributes 24
  for (let i = 0; i < 10; i++) {
    let d = x.charCodeAt(9 - i) - 0x30;
    if (d < 0 || d > 9) return false;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * NPI (NM108 XX): ten digits with a valid check digit, the same string on both sides. A value
 * failing the check is refused (a finding), not written under the NPI system, where US Core's
 * us-core-17 would reject the whole bundle.
 */
export const npi: Codec<string, string> = {
  name: 'npi',
  read: (x) => (npiCheck(x) ? x : INVALID),
  write: (f) => (npiCheck(f) ? f : INVALID),
  why: (x) => `${JSON.stringify(x)} is not an NPI (ten digits with a valid check digit)`,
};
