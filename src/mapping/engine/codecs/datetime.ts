import { INVALID, type Codec, type Invalid } from './codec.js';
import { d8 } from './date.js';

/**
 * An X12 date (CCYYMMDD) and time (HHMM or HHMMSS) pair, e.g. BHT04/BHT05, <-> a FHIR instant.
 * X12 carries no time zone. Choice (see mappings/request/header.json): the wall-clock time is
 * written with `Z`, so the instant is well formed (PAS requires a zone) and the X12 digits come
 * back unchanged; a partner whose clock is not UTC gets its own digits back, not a shifted time.
 * HHMM reads as HH:MM:00 and writes back as HHMM; HHMMSS keeps its seconds; decimal seconds
 * (HHMMSSD, HHMMSSDD: X12 TM allows four to eight digits) become the instant's fraction, written
 * back with as many digits as they came.
 */
export const dateTimeUtc: Codec<readonly [date: string, time: string], string> = {
  name: 'datetime-d8-tm',
  read([date, time]) {
    const d = d8.read(date);
    if (d === INVALID) return INVALID;
    const t = readTime(time);
    if (t === INVALID) return INVALID;
    return `${d}T${t}Z`;
  },
  write(f) {
    // YYYY-MM-DDThh:mm:ssZ, or with one or two digits of fraction (X12 TM's decimal seconds).
    const n = f.length;
    const frac = n === 22 || n === 23 ? f.slice(20, n - 1) : '';
    if ((n !== 20 && frac === '') || f[10] !== 'T' || f[13] !== ':' || f[16] !== ':' || f[n - 1] !== 'Z' || (frac !== '' && f[19] !== '.')) return INVALID;
    const date = d8.write(f.slice(0, 10));
    if (date === INVALID) return INVALID;
    const hh = f.slice(11, 13);
    const mm = f.slice(14, 16);
    const ss = f.slice(17, 19);
    const time = ss === '00' && frac === '' ? hh + mm : hh + mm + ss + frac;
    return readTime(time) === INVALID ? INVALID : [date, time];
  },
  why: ([date, time]) => `${JSON.stringify(date)} ${JSON.stringify(time)} is not a CCYYMMDD date with an HHMM, HHMMSS or HHMMSSD(D) time`,
  writeLossy(f) {
    // An instant with an offset or fractions of a second: the wall-clock digits as given; the zone (and fraction) is what X12 cannot carry.
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(f);
    if (m === null) return INVALID;
    const date = d8.write(m[1]!);
    if (date === INVALID) return INVALID;
    const ss = m[4] ?? '00';
    // Tenths and hundredths X12 holds; a longer fraction is cut to hundredths.
    const frac = m[5] === undefined ? '' : m[5].slice(1, 3);
    const time = ss === '00' && frac === '' ? m[2]! + m[3]! : m[2]! + m[3]! + ss + frac;
    if (readTime(time) === INVALID) return INVALID;
    const lost = [m[5] !== undefined && m[5].length > 3 ? `fraction ${m[5]} (hundredths kept)` : '', m[6] !== 'Z' ? `time zone ${m[6]!}` : ''].filter((x) => x !== '').join(' and ');
    return { x: [date, time], lost };
  },
};

function readTime(x: string): string | Invalid {
  if (x.length < 4 || x.length > 8 || x.length === 5) return INVALID;
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return INVALID;
  }
  const h = Number(x.slice(0, 2));
  const m = Number(x.slice(2, 4));
  const s = x.length >= 6 ? Number(x.slice(4, 6)) : 0;
  if (h > 23 || m > 59 || s > 59) return INVALID;
  return `${x.slice(0, 2)}:${x.slice(2, 4)}:${x.length >= 6 ? x.slice(4, 6) : '00'}${x.length > 6 ? `.${x.slice(6)}` : ''}`;
}

/** Any non-empty X12 string <-> the same FHIR string (names, identifiers, codes whose system is a row constant). */
export const text: Codec<string, string> = {
  name: 'string',
  read: (x) => (x === '' ? INVALID : x),
  write: (f) => (f === '' ? INVALID : f),
  why: () => 'an empty value',
};
