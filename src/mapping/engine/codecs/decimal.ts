import { INVALID, type Codec } from './codec.js';

/**
 * X12 decimal (type R: optional minus, digits, optional point) <-> a JSON number. Reading
 * normalizes (`1.50` and `1.5` are the same X12 value); writing gives the shortest form, with no
 * exponent (X12 has none). Values beyond 15 significant digits are refused, not rounded.
 */
export const decimal: Codec<string, number> = {
  name: 'decimal',
  read(x) {
    if (!isX12Decimal(x)) return INVALID;
    const v = Number(x);
    if (!Number.isFinite(v) || significantDigits(x) > 15) return INVALID;
    return v === 0 ? 0 : v;
  },
  write(f) {
    if (!Number.isFinite(f)) return INVALID;
    const s = plain(f);
    if (s === null || significantDigits(s) > 15) return INVALID;
    return s;
  },
  why: (x) => `${JSON.stringify(x)} is not a decimal number`,
};

/** Non-negative whole numbers (counts, quantities in N0). */
export const count: Codec<string, number> = {
  name: 'count',
  read(x) {
    if (x.length === 0 || x.length > 15) return INVALID;
    for (let i = 0; i < x.length; i++) {
      const c = x.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return INVALID;
    }
    return Number(x);
  },
  write(f) {
    return Number.isSafeInteger(f) && f >= 0 ? String(f) : INVALID;
  },
  why: (x) => `${JSON.stringify(x)} is not a whole number`,
};

function isX12Decimal(x: string): boolean {
  let i = x.startsWith('-') ? 1 : 0;
  let digits = 0;
  let point = false;
  for (; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c === 0x2e) {
      if (point) return false;
      point = true;
    } else if (c >= 0x30 && c <= 0x39) digits++;
    else return false;
  }
  return digits > 0;
}

function significantDigits(s: string): number {
  const d = s.replace(/[-.]/g, '').replace(/^0+/, '');
  return d.replace(/0+$/, '').length;
}

/** The number in plain decimal notation (no exponent), or null when JS cannot give one exactly. */
function plain(f: number): string | null {
  if (f === 0) return '0';
  const s = String(f);
  if (!/e/i.test(s)) return s;
  const fixed = Math.abs(f) < 1 ? f.toFixed(20).replace(/0+$/, '') : null;
  if (fixed === null || Number(fixed) !== f) return null;
  return fixed;
}
