/**
 * Random valid 278s driven by the grammar data (mappings/grammar/*.json) and the segment dictionary
 * (mappings/x12/segments.json): for any grammar (X217 request and response, X215 inquiry and
 * response), every HL level, name loop and segment use may appear, each with all of its elements
 * that the use does not mark `N` (not only the mapped ones), repeats of repeatable uses, and the
 * guide's code values where the grammar lists them. A new segment use or element in the grammar
 * files is covered without a change here.
 *
 * Values follow the element's type and length (X12 `DT`, `TM`, `R`, `N0`, `ID`, `AN`) and, where the
 * element means more than its syntax, a domain by data element number or by its neighbour (a DTP03
 * after `RD8` is a range, an NM109 after `XX` an NPI, an HI code after an ICD-10 qualifier an
 * ICD-10-CM code, a PER number after `EM` an address). The standard's syntax notes (paired,
 * conditional, exclusive, required, list) and the grammar's `pairs` are then satisfied. Guide
 * rules that no table states are applied by name in `guideRules` (one of SV1/SV2/SV3 per line,
 * NM104-NM107 only for a person, the subscriber's INS `Y 18`).
 *
 * The arbitrary draws a seed and builds the whole transaction from it (fast-check reports the seed
 * of a failure; shrinking is by fewer lines and repeats through `size`).
 */
import fc from 'fast-check';
import { grammarSet, type Grammar, type LoopDef, type SegmentRow } from '../../src/grammar/index.js';
import { dictionary, type ElementDef, type SegmentDef } from '../../src/x12/dictionary.js';
import { X12Writer } from '../../src/x12/index.js';
import { npiCheckDigit } from './x217-arbitrary.js';

export type Seg = string[];

export interface GeneratedTransaction {
  grammar: string;
  /** BHT ... the last segment before SE, as `[id, e01, ...]` (composites joined by `:`). */
  segments: Seg[];
}

export interface GrammarArbOptions {
  /** Leaf HL loops (2000F) per transaction: default 1..20 (0 one time in ten when the level is situational). */
  maxLines?: number;
  /** Repeats of a repeatable use or name loop: default up to 3. */
  maxRepeat?: number;
}

// ---------------------------------------------------------------------------------------------
// A small seeded generator (mulberry32)

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)]!;
  }
  chars(set: string, min: number, max: number): string {
    let out = '';
    for (let n = this.int(min, max); n > 0; n--) out += set[Math.floor(this.next() * set.length)];
    return out;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = UPPER + DIGITS;

// ---------------------------------------------------------------------------------------------
// Code values by data element number, where the grammar gives none (X12 code values; labels are
// not copied). Used only when the use has no list of its own.

const CODES: Readonly<Record<string, readonly string[]>> = {
  '640': ['RU'],
  '1069': ['01', '04', '05', '07', '09', '10', '15', '17', '19', '20', '21', '23', '24', '29', '32', '33', '34', '36', '39', '40', '41', '43', '53', 'G8'],
  '875': ['001', '021', '024', '025', '030'],
  '1203': ['25', '28', 'AI', 'EC', 'XN'],
  '1216': ['A', 'C', 'S', 'T'],
  '1219': ['1', '2', '3'],
  '584': ['AC', 'AO', 'AU', 'FT', 'L1', 'PT', 'RT', 'TE'],
  '1220': ['F', 'N', 'P'],
  '1165': ['F', 'R'],
  '1068': ['A', 'B', 'D', 'I', 'M', 'R', 'S', 'U', 'W', 'X'],
  '1067': ['B', 'D', 'I', 'K', 'M', 'R', 'S', 'U', 'W', 'X'],
  '1066': ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'],
  '659': ['2', '3', '4'],
  '1270': ['D8'],
  '1365': ['1', '2', '3', '4', '42', '44', '48', '56', 'A4', 'AE', 'AF', 'BY', 'CQ', 'MH', 'PT'],
  '1338': ['03', 'E', 'U'],
  '1213': ['1', '2', '3', '4', '5'],
  '923': ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C'],
  '1363': ['U', 'W', 'Y', 'Z'],
  '1514': ['1', '2', '3', '4', '5', '6', '7'],
  '1332': ['A', 'B'],
  '1325': ['1', '7', '8'],
  '1321': ['AL', 'NU', 'P1', 'P2', 'P3', 'P4', 'ZV', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', 'L1', 'L2', 'L3', 'L4', 'L5'],
  '1136': ['07', '08', '09', '11', '75', '76', '77'],
  '673': ['DY', 'FL', 'HS', 'MN', 'VS'],
  '615': ['6', '7', '21', '34', '35'],
  '678': ['1', '2', '3', '4', '5', '6', '7', 'A', 'B', 'C', 'D', 'SA', 'SB', 'W'],
  '679': ['1', '2', '3', 'A', 'B', 'D', 'E', 'Y'],
  '1315': ['1', '2', '3', '4', '5', '9'],
  '1314': ['1', '2', '4', '5', '6', '8', '9', 'D', 'E', 'F'],
  '1352': ['01', '02', '03', '06', '30'],
  '1345': ['1', '2', '3', '4', '5', '6'],
  '1316': ['A', 'B', 'C', 'D', 'E', 'F'],
  '1317': ['A', 'B', 'C', 'D', 'E'],
  '1367': ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'M'],
  '1342': ['A', 'C', 'D', 'E', 'F', 'G', 'M', 'N'],
  '1348': ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K'],
  '1349': ['A', 'B', 'C', 'D', 'E'],
  '1350': ['A', 'B', 'C', 'D', 'E'],
  '1382': ['B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K'],
  '1384': ['E', 'P', 'S'],
  '755': ['03', '04', '05', '06', '07', '08', '09', '10', '11', '13', '15', '21', 'A3', 'A4', 'AM', 'AS', 'B2', 'B3', 'B4', 'BR', 'BS', 'BT', 'CB', 'CK', 'CT', 'D2', 'DA', 'DB', 'DG', 'DJ', 'DS', 'EB', 'HC', 'HR', 'I5', 'IR', 'LA', 'M1', 'MT', 'NN', 'OB', 'OC', 'OD', 'OE', 'OX', 'OZ', 'P4', 'P5', 'PE', 'PN', 'PO', 'PQ', 'PY', 'PZ', 'RB', 'RR', 'RT', 'RX', 'SG', 'V5', 'XP'],
  '756': ['AA', 'BM', 'EL', 'EM', 'FT', 'FX'],
  '704': ['1', '2', '3', '4', '5'],
  '1331': ['02', '10', '11', '12', '21', '22', '23', '31', '32', '81'],
  '1340': ['Y', 'N'],
  '1364': ['01', '02', '03'],
  '1327': ['N', 'Y'],
  '1334': ['0', '1', '2', '3', '4', '5'],
  '1337': ['1', '2', '3'],
  '1360': ['A', 'B', 'C', 'D'],
  '1358': ['A', 'B', 'C', 'D', 'E'],
  '1369': ['B', 'D', 'F', 'I', 'L', 'M', 'O'],
  '1221': ['AD', 'AT', 'BI', 'CO', 'CV', 'H', 'HH', 'LA', 'OR', 'OT', 'P1', 'P2', 'PC', 'PE', 'RF', 'SK', 'SU'],
  '559': ['AA', 'CI', 'NA'],
  '901': ['04', '15', '33', '35', '41', '42', '43', '44', '45', '46', '47', '49', '51', '52', '56', '57', '58', '60', '61', '62', '64', '65', '66', '67', '68', '71', '72', '73', '75', '76', '77', '78', '79', '80', '97', 'AA', 'AF', 'AG', 'AO', 'CI', 'E8', 'IA', 'MA', 'T4'],
  '889': ['C', 'N', 'R', 'S', 'W', 'X', 'Y'],
  '306': ['A1', 'A2', 'A3', 'A4', 'A6', 'C', 'CT', 'D', 'NA'],
  '1250': ['D8'],
  '235': ['HC'],
  '355': ['UN', 'DA', 'MJ'],
  '309': ['A', 'B', 'C', 'D', 'E', 'F'],
  '1715': ['A', 'B', 'C', 'D', 'E'],
  '156': ['OR', 'WA', 'CA', 'NY', 'TX', 'IL', 'MA', 'FL'],
  '26': ['US', 'CA', 'MX'],
  '706': ['01', '02', '27', '48', '65'],
  '934': ['AA', 'LC', 'NP'],
  '1362': ['AA', 'AP', 'EM', 'OA'],
  '1073': ['Y', 'N'],
  '1322': ['1', '2', '3', '4', 'I', 'R', 'S'],
  '1525': ['AR', 'HS', 'IN', 'SC'],
  '98': ['1P', '2B', '36', 'FA', 'PR', 'X3'],
  '66': ['24', '34', '46', 'XX'],
  '128': ['EI', 'SY', 'ZH', 'N5', 'N7', '1G', '1J'],
  '1223': ['A', 'B'],
};

/** An ICD-10-CM code as X12 writes it (no dot). */
const icd10 = (r: Rng): string => r.chars(UPPER, 1, 1) + r.chars(DIGITS, 1, 1) + r.chars(ALNUM, 1, 1) + r.chars(ALNUM, 0, 4);
/** An ICD-9-CM code as X12 writes it: three digits and up to two more, or V/E codes. */
const icd9 = (r: Rng): string => (r.chance(0.8) ? r.chars(DIGITS, 3, 5) : r.chance(0.5) ? `V${r.chars(DIGITS, 2, 4)}` : `E${r.chars(DIGITS, 3, 4)}`);
const npi = (r: Rng): string => {
  const nine = r.pick(['1', '2']) + r.chars(DIGITS, 8, 8);
  return nine + npiCheckDigit(nine);
};
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const dayOf = (y: number): number => Math.floor(Date.UTC(y, 0, 1) / 86_400_000);
const ymd = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
const date = (r: Rng, from = 2020, to = 2030): string => ymd(r.int(dayOf(from), dayOf(to + 1) - 1));
const range = (r: Rng): string => {
  const d = r.int(dayOf(2020), dayOf(2030));
  return `${ymd(d)}-${ymd(d + r.int(0, 400))}`;
};
const time = (r: Rng, max: number): string => {
  const hm = two(r.int(0, 23)) + two(r.int(0, 59));
  return max >= 6 && r.chance(0.3) ? hm + two(r.int(0, 59)) : hm;
};
/** A decimal X12 writes canonically (no leading or trailing zero, no `.` at the end). */
const decimal = (r: Rng, maxLen: number): string => {
  const whole = String(r.int(1, Math.min(99_999, 10 ** Math.min(5, Math.max(1, maxLen - 1)) - 1)));
  if (maxLen < whole.length + 2 || r.chance(0.7)) return whole;
  const cents = r.int(1, 99);
  return `${whole}.${cents % 10 === 0 ? String(cents / 10) : two(cents)}`.replace(/0+$/, '');
};
/** Words of upper-case letters and digits joined by single spaces, within `max` characters. */
const text = (r: Rng, min: number, max: number): string => {
  const limit = Math.min(max, 30);
  let out = r.chars(UPPER, Math.min(min, limit) || 1, Math.min(limit, 10));
  while (out.length < limit - 3 && r.chance(0.4)) out += ` ${r.chars(ALNUM, 1, Math.min(8, limit - out.length - 1))}`;
  return out.length < min ? out + r.chars(ALNUM, min - out.length, min - out.length) : out;
};

// ---------------------------------------------------------------------------------------------
// One segment

interface Place {
  def: ElementDef;
  use: number;
  codes: readonly string[] | null;
}

/** What a segment knows about its neighbours while its values are drawn. */
interface Context {
  loop: string;
  grammar: Grammar;
}

/** 0 situational, 1 required, 2 not used (src/grammar/usage.ts). */
const SITUATIONAL = 0;
const REQUIRED = 1;
const NOT_USED = 2;

function places(row: SegmentRow, seg: SegmentDef): Place[] {
  const out: Place[] = [];
  const rules = row.elements;
  for (let i = 1; i <= seg.elements.length; i++) {
    const def = seg.elements[i - 1]!;
    const use = rules === null ? (def.req === 'M' ? REQUIRED : SITUATIONAL) : rules.use[i]!;
    out.push({ def, use, codes: rules?.lists[i] ?? null });
  }
  return out;
}

/** A simple element's value by its type, length and code list. */
function simpleValue(r: Rng, def: { ref: string; type: string | null; min: number; max: number }, codes: readonly string[] | null): string {
  const list = codes ?? CODES[def.ref];
  if (list !== undefined && list !== null) {
    const fit = list.filter((c) => c.length >= def.min && c.length <= def.max);
    if (fit.length > 0) return r.pick(fit);
  }
  switch (def.type) {
    case 'DT':
      return def.max === 6 ? date(r).slice(2) : date(r);
    case 'TM':
      return time(r, def.max);
    case 'R':
      return decimal(r, def.max);
    case 'ID':
      return r.chars(UPPER, def.min, Math.min(def.max, def.min + 1));
    default:
      if (def.type !== null && def.type.startsWith('N')) return String(r.int(1, 10 ** Math.min(def.max, 4) - 1));
      return text(r, def.min, def.max);
  }
}

/** A composite's components: required ones, situational ones at random; trailing empties dropped. */
function compositeValue(r: Rng, row: SegmentRow, position: number, def: ElementDef): string[] {
  const comps = def.composite?.components ?? [];
  const rules = row.elements?.components[position] ?? null;
  const out: string[] = [];
  for (let j = 1; j <= comps.length; j++) {
    const c = comps[j - 1]!;
    const use = rules === null ? (c.req === 'M' ? REQUIRED : SITUATIONAL) : rules.use[j]!;
    if (use === NOT_USED || (use === SITUATIONAL && c.req !== 'M' && !r.chance(0.5))) {
      out.push('');
      continue;
    }
    out.push(simpleValue(r, c, rules?.lists[j] ?? null));
  }
  return out;
}

const present = (v: string | string[] | undefined): boolean => v !== undefined && v !== '' && !(Array.isArray(v) && v.every((x) => x === ''));

/** Draws a segment use: qualifier from its key, every element it uses, then syntax and guide rules. */
function segmentOf(r: Rng, row: SegmentRow, seg: SegmentDef, ctx: Context): Seg {
  const ps = places(row, seg);
  const values: Array<string | string[]> = [];
  for (let i = 1; i <= ps.length; i++) {
    const p = ps[i - 1]!;
    if (row.key !== null && row.key.element === i && row.key.component === 0) {
      values.push(r.pick(row.key.values));
      continue;
    }
    const keep = p.use === REQUIRED || p.def.req === 'M' || (p.use === SITUATIONAL && r.chance(0.6));
    if (p.use === NOT_USED || !keep) values.push('');
    else values.push(p.def.composite !== null ? compositeValue(r, row, i, p.def) : simpleValue(r, p.def, p.codes));
  }
  // A run of one repeated element (HI01-HI12, CRC03-CRC07): how many of its situational places are sent is drawn uniformly.
  for (let i = 0; i < ps.length; ) {
    let j = i + 1;
    while (j < ps.length && ps[j]!.def.ref === ps[i]!.def.ref && ps[j]!.use === SITUATIONAL) j++;
    if (j - i >= 3) {
      const k = r.int(0, j - i - 1);
      for (let x = i + 1; x < j; x++) if (x - i > k) values[x] = '';
      else if (!present(values[x])) values[x] = ps[x]!.def.composite !== null ? compositeValue(r, row, x + 1, ps[x]!.def) : simpleValue(r, ps[x]!.def, ps[x]!.codes);
    }
    i = j;
  }
  const fill = (i: number): boolean => {
    const p = ps[i - 1];
    if (p === undefined || p.use === NOT_USED) return false;
    if (!present(values[i - 1])) values[i - 1] = p.def.composite !== null ? compositeValue(r, row, i, p.def) : simpleValue(r, p.def, p.codes);
    return true;
  };
  const clear = (i: number): boolean => {
    const p = ps[i - 1]!;
    if (p.use === REQUIRED || p.def.req === 'M' || (row.key?.element === i)) return false;
    values[i - 1] = '';
    return true;
  };
  // A segment needs one value at least: the first element it uses.
  if (!values.some(present)) ps.some((_, k) => fill(k + 1));
  // The standard's syntax notes, then the guide's pairs, applied until nothing changes (twice is enough here).
  for (let pass = 0; pass < 3; pass++) {
    for (const note of seg.syntax) {
      const els = note.indexes.map((x) => x + 1);
      const on = els.map((e) => present(values[e - 1]));
      switch (note.rule) {
        case 0: // P
          if (on.some((x) => x) && !on.every((x) => x)) if (!els.every(fill)) els.forEach(clear);
          break;
        case 1: // R
          if (!on.some((x) => x)) els.some(fill);
          break;
        case 2: // C
          if (on[0] && !on.slice(1).every((x) => x)) if (!els.slice(1).every(fill)) clear(els[0]!);
          break;
        case 3: // E
          for (let k = on.indexOf(true) + 1; k > 0 && k < els.length; k++) if (on[k]) clear(els[k]!);
          break;
        case 4: // L
          if (on[0] && !on.slice(1).some((x) => x)) if (!els.slice(1).some(fill)) clear(els[0]!);
          break;
      }
    }
    for (const pair of row.elements?.pairs ?? []) {
      const on = pair.elements.map((e, k) => {
        const v = values[e - 1];
        const c = pair.components[k]!;
        return c === 0 ? present(v) : Array.isArray(v) && (v[c - 1] ?? '') !== '';
      });
      if (on.some((x) => x) && !on.every((x) => x)) pair.elements.forEach((e) => (pair.components.every((c) => c === 0) ? fill(e) : undefined));
    }
  }
  const out: Seg = [seg.id, ...values.map((v) => (Array.isArray(v) ? joinComponents(v) : v))];
  guideRules(r, out, ctx);
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

function joinComponents(v: string[]): string {
  let n = v.length;
  while (n > 1 && v[n - 1] === '') n--;
  return v.slice(0, n).join(':');
}

/** Values whose meaning depends on a neighbour, and guide rules no table states. */
function guideRules(r: Rng, s: Seg, ctx: Context): void {
  const set = (i: number, v: string): void => {
    while (s.length <= i) s.push('');
    s[i] = v;
  };
  switch (s[0]) {
    case 'NM1': {
      if (s[2] === '2') for (let i = 4; i <= 7; i++) if (s[i] !== undefined) s[i] = '';
      // A person has a last name (the guide requires NM103 when NM102 is 1).
      if (s[2] === '1' && (s[3] ?? '') === '') set(3, r.chars(UPPER, 2, 12));
      if (s[2] === '1' && (s[4] ?? '') === '' && (s[5] ?? '') !== '') s[5] = '';
      if (s[8] === 'XX') s[9] = npi(r);
      else if ((s[8] ?? '') !== '') s[9] = r.chars(ALNUM, 2, 15);
      if (/2010C$/.test(ctx.loop) && s[8] !== undefined && s[8] !== '' && s[9] !== undefined) s[9] = r.chars(ALNUM, 4, 15);
      break;
    }
    case 'DTP':
      if (s[2] === 'RD8') s[3] = range(r);
      else if (s[2] === 'D8') s[3] = date(r);
      break;
    case 'DMG':
      if (s[1] === 'D8') s[2] = date(r, 1930, 2024);
      break;
    case 'INS':
      if (/2010C$/.test(ctx.loop)) {
        s[1] = 'Y';
        s[2] = '18';
      } else if (/2010D$/.test(ctx.loop)) {
        s[1] = 'N';
        if (s[2] === '18') s[2] = '19';
      }
      if (s[11] === 'D8' || s[11] === 'RD8') s[12] = s[11] === 'D8' ? date(r) : range(r);
      break;
    case 'TRN':
      set(3, `${r.pick(['1', '9'])}${r.chars(DIGITS, 9, 9)}`);
      break;
    case 'N4':
      if ((s[3] ?? '') !== '') s[3] = r.chance(0.5) ? r.chars(DIGITS, 5, 5) : r.chars(DIGITS, 9, 9);
      if (s[4] !== undefined && s[4] !== '' && s[4] !== 'US' && (s[2] ?? '') !== '') s[4] = 'US';
      if ((s[7] ?? '') !== '' && (s[4] ?? '') === '') s[7] = '';
      break;
    case 'PER':
      for (const q of [3, 5, 7]) {
        const v = s[q] ?? '';
        if (v === '') continue;
        s[q + 1] = v === 'EM' ? `${r.chars(UPPER, 1, 8)}@${r.chars(UPPER, 1, 8)}.COM` : v === 'UR' ? `WWW.${r.chars(UPPER, 2, 10)}.ORG` : r.chars(DIGITS, 10, 10);
      }
      break;
    case 'PRV':
      if (s[2] === 'PXC') s[3] = r.pick(['207X00000X', '207Q00000X', '208D00000X', '261QA1903X', '282N00000X', '363L00000X']);
      break;
    case 'HI':
      for (let i = 1; i < s.length; i++) s[i] = diagnosis(r, s[i] ?? '');
      break;
    case 'UM':
      if ((s[4] ?? '') !== '') {
        const c = s[4]!.split(':');
        c[0] = c[1] === 'A' ? r.pick(['11', '12', '13', '21', '22', '32', '83', '86']) : r.pick(['02', '10', '11', '12', '21', '22', '23', '31', '81']);
        s[4] = joinComponents(c);
      }
      if ((s[5] ?? '') !== '') {
        const c = s[5]!.split(':');
        if ((c[3] ?? '') !== '' && (c[4] ?? '') === '') c[4] = 'US';
        s[5] = joinComponents(c.map((x, i) => (i === 3 ? (x === '' ? x : r.pick(['OR', 'WA', 'CA'])) : x)));
      }
      break;
    case 'SV1':
    case 'SV3': {
      if ((s[1] ?? '') !== '') s[1] = procedure(r, s[1]!);
      break;
    }
    case 'SV2':
      if ((s[1] ?? '') !== '') s[1] = `0${r.chars(DIGITS, 3, 3)}`;
      if ((s[2] ?? '') !== '') s[2] = procedure(r, s[2]!);
      break;
    case 'TOO':
      if ((s[2] ?? '') !== '') s[2] = String(r.int(1, 32));
      break;
    case 'CR6':
      if (s[3] === 'RD8') s[4] = range(r);
      else if (s[3] === 'D8') s[4] = date(r);
      if (s[15] === 'RD8') s[16] = range(r);
      else if (s[15] === 'D8') s[16] = date(r);
      break;
    case 'HSD':
      if ((s[4] ?? '') !== '') s[4] = String(r.int(1, 99));
      break;
  }
}

/** An HI composite: a code fitting its qualifier (ICD-10-CM, ICD-9-CM, DRG, LOINC), a date after D8. */
function diagnosis(r: Rng, v: string): string {
  if (v === '') return v;
  const c = v.split(':');
  const q = c[0]!;
  c[1] = ['ABK', 'ABJ', 'ABF', 'ABN', 'APR'].includes(q) ? icd10(r) : ['BK', 'BJ', 'BF', 'BN', 'PR'].includes(q) ? icd9(r) : q === 'DR' ? r.chars(DIGITS, 3, 3) : q === 'LOI' ? `${r.int(1000, 99999)}-${r.int(0, 9)}` : c[1]!;
  if ((c[2] ?? '') !== '') c[3] = date(r);
  else if (c.length > 3) c[3] = '';
  return joinComponents(c);
}

/** A C003 procedure: HC and a HCPCS code, modifiers of two characters, a description. */
function procedure(r: Rng, v: string): string {
  const c = v.split(':');
  c[0] = 'HC';
  c[1] = r.chance(0.5) ? r.chars(DIGITS, 5, 5) : r.chars('ABCEGHJKLPQRSTV', 1, 1) + r.chars(DIGITS, 4, 4);
  for (let i = 2; i <= 5; i++) if ((c[i] ?? '') !== '') c[i] = r.pick(['25', '26', '59', 'GT', 'HO', 'LT', 'RT', 'TC', 'QW', '95']);
  // Modifiers are positional: no gap before a present one.
  const mods = c.slice(2, 6).filter((x) => x !== '');
  for (let i = 2; i <= 5; i++) c[i] = mods[i - 2] ?? '';
  while (c.length < 8) c.push('');
  return joinComponents(c);
}

// ---------------------------------------------------------------------------------------------
// Loops

/** Segment uses that exclude one another within a loop instance (the guide: one service per line). */
const EXCLUSIVE: readonly (readonly string[])[] = [['SV1', 'SV2', 'SV3']];

interface Builder {
  r: Rng;
  grammar: Grammar;
  dict: ReadonlyMap<string, SegmentDef>;
  out: Seg[];
  hl: number;
  maxLines: number;
  maxRepeat: number;
  linesLeft: number;
}

function repeats(b: Builder, usage: string, max: number, trigger = false): number {
  if (usage === 'not-used') return 0;
  const cap = Math.min(max, b.maxRepeat);
  if (usage === 'required' || trigger) return b.r.chance(0.75) || cap === 1 ? 1 : b.r.int(1, cap);
  if (!b.r.chance(0.55)) return 0;
  return cap === 1 || b.r.chance(0.6) ? 1 : b.r.int(2, cap);
}

/** A loop instance's segments (its trigger is written by the caller for HL levels). */
function loopBody(b: Builder, loop: LoopDef, path: string, skipTrigger: boolean): void {
  const chosen = new Map<string, string>();
  for (const group of EXCLUSIVE) chosen.set(group.join(), b.r.pick(group));
  for (const slot of loop.slots) {
    if (slot.kind === 'loop') {
      const n = repeats(b, slot.usage, slot.max);
      for (let k = 0; k < n; k++) loopBody(b, slot, `${path}/${slot.id}`, false);
      continue;
    }
    if (skipTrigger && slot === loop.trigger) continue;
    const group = EXCLUSIVE.find((g) => g.includes(slot.segment));
    if (group !== undefined && chosen.get(group.join()) !== slot.segment) continue;
    const n = slot === loop.trigger ? 1 : repeats(b, slot.usage, slot.max);
    const def = b.dict.get(slot.segment);
    if (def === undefined) continue;
    for (let k = 0; k < n; k++) b.out.push(segmentOf(b.r, slot, def, { loop: path, grammar: b.grammar }));
  }
}

/** An HL level and, under it, one branch of its child levels (a dependent or not; 2000F lines). */
function level(b: Builder, def: LoopDef, parent: number, path: string): void {
  const id = ++b.hl;
  const hl: Seg = ['HL', String(id), parent === 0 ? '' : String(parent), def.level!, '0'];
  b.out.push(hl);
  loopBody(b, def, `${path}${def.id}`, true);
  const kids = b.grammar.childLevels[def.index] ?? [];
  if (kids.length === 0) return;
  // One branch: the child levels are alternatives (2000C: a dependent 2000D, or straight to the event 2000E).
  const pick = b.r.pick(kids);
  let count: number;
  if (pick.max === 1) count = pick.usage === 'required' || def.needsChild || b.r.chance(0.9) ? 1 : 0;
  else if (b.grammar.childLevels[pick.index]!.length > 0) count = b.r.int(1, Math.min(pick.max, b.maxRepeat));
  else {
    // Leaf levels (2000F) share one budget of 1..maxLines per transaction.
    count = !def.needsChild && pick.usage !== 'required' && b.r.chance(0.1) ? 0 : Math.min(pick.max, b.r.chance(0.5) ? b.linesLeft : b.r.int(0, b.linesLeft));
    b.linesLeft -= count;
  }
  for (let k = 0; k < count; k++) level(b, pick, id, `${path}${def.id}/`);
  if (count > 0) hl[4] = '1';
}

/** One transaction body (BHT ... last segment) of a grammar, from a seed. */
export function generateTransaction(grammarId: string, seed: number, options: GrammarArbOptions = {}): GeneratedTransaction {
  const grammar = grammarSet().byId(grammarId);
  if (grammar === undefined) throw new Error(`no grammar ${grammarId}`);
  const b: Builder = { r: new Rng(seed), grammar, dict: dictionary(), out: [], hl: 0, maxLines: options.maxLines ?? 20, maxRepeat: options.maxRepeat ?? 3, linesLeft: 0 };
  b.linesLeft = b.r.int(1, b.maxLines);
  for (const slot of grammar.header.slots) {
    if (slot.kind !== 'segment' || slot.segment === 'ST') continue;
    const s = segmentOf(b.r, slot, b.dict.get(slot.segment)!, { loop: 'header', grammar });
    if (slot.segment === grammar.purpose.segment) s[grammar.purpose.element] = b.r.pick(grammar.purpose.values.filter((v) => v !== '01' || b.r.chance(0.1)));
    b.out.push(s);
  }
  for (const root of grammar.levels.filter((l) => l.parents.length === 0)) level(b, root, 0, '');
  return { grammar: grammarId, segments: b.out };
}

/** Random valid transactions of a grammar (see the file comment). */
export function grammarTransactionArb(grammarId: string, options: GrammarArbOptions = {}): fc.Arbitrary<GeneratedTransaction> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((seed) => generateTransaction(grammarId, seed, options));
}

/** The transaction as one interchange (ST03 and GS08 the grammar's guide). */
export function renderTransaction(t: GeneratedTransaction): Buffer {
  const grammar = grammarSet().byId(t.grammar)!;
  const version = grammar.implementations[0]!;
  const w = new X12Writer({ lineEnding: '\n', now: () => new Date(Date.UTC(2026, 10, 24, 10, 15)) });
  w.beginInterchange({ senderQualifier: 'ZZ', sender: 'SENDER', receiverQualifier: 'ZZ', receiver: 'RECEIVER', control: '000000777', usage: 'T' });
  w.beginGroup({ functionalId: 'HI', sender: 'SENDER', receiver: 'RECEIVER', version, control: '777' });
  w.beginTransaction(grammar.transactionSet, version, '0001');
  for (const s of t.segments) w.segment(s);
  w.endInterchange();
  return Buffer.from(w.toString(), 'latin1');
}
