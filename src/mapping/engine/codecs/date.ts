import { INVALID, type Codec, type Invalid } from './codec.js';

/** A FHIR period of whole days. */
export interface DatePeriod {
  start: string;
  end: string;
}

function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** X12 date CCYYMMDD -> FHIR date YYYY-MM-DD. */
function d8Read(x: string): string | Invalid {
  if (x.length !== 8) return INVALID;
  const y = digits(x, 0, 4);
  const m = digits(x, 4, 2);
  const d = digits(x, 6, 2);
  if (y < 0 || m < 0 || d < 0 || !validYmd(y, m, d)) return INVALID;
  return `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}`;
}

/** FHIR date YYYY-MM-DD (a full date; partial dates cannot be written as D8) -> CCYYMMDD. */
function d8Write(f: string): string | Invalid {
  if (f.length !== 10 || f[4] !== '-' || f[7] !== '-') return INVALID;
  const x = f.slice(0, 4) + f.slice(5, 7) + f.slice(8, 10);
  return d8Read(x) === INVALID ? INVALID : x;
}

/** DTP/HI date format D8: one full date. */
export const d8: Codec<string, string> = {
  name: 'date-d8',
  read: d8Read,
  write: d8Write,
  why: (x) => `${JSON.stringify(x)} is not a date in CCYYMMDD form`,
};

/** Date format RD8: CCYYMMDD-CCYYMMDD <-> Period with start and end (start not after end). */
export const rd8: Codec<string, Partial<DatePeriod>> = {
  name: 'date-rd8',
  read(x) {
    if (x.length !== 17 || x[8] !== '-') return INVALID;
    const start = d8Read(x.slice(0, 8));
    const end = d8Read(x.slice(9));
    if (start === INVALID || end === INVALID || start > end) return INVALID;
    return { start, end };
  },
  write(f) {
    if (typeof f.start !== 'string' || typeof f.end !== 'string') return INVALID;
    const a = d8Write(f.start);
    const b = d8Write(f.end);
    if (a === INVALID || b === INVALID || a > b) return INVALID;
    return `${a}-${b}`;
  },
  // A period open at one end: the date it has, as one date (D8); the open end is what X12 cannot say.
  writeLossy(f) {
    const one = typeof f.start === 'string' && f.end === undefined ? f.start : typeof f.end === 'string' && f.start === undefined ? f.end : null;
    if (one === null) return INVALID;
    const x = d8Write(one);
    return x === INVALID ? INVALID : { x, lost: f.start !== undefined ? 'open end (a start only: written as one date, D8)' : 'open start (an end only: written as one date, D8)' };
  },
  qualifier: (x) => (x.length === 8 ? 'D8' : 'RD8'),
  why: (x) => `${JSON.stringify(x)} is not a date range in CCYYMMDD-CCYYMMDD form (start not after end)`,
};
