#!/usr/bin/env node
// Deterministic generator of a synthetic X12 278 request file (005010X217) for the benchmarks.
//
//   node bench/generate.js OUT SIZE_MB [SEED]
//
// Writes OUT (streamed, constant memory) and the sidecar OUT.json:
//   { generator, version, seed, requestedBytes, bytes, interchanges, groups, transactions, segments,
//     lineEndings, segmentIds: { HL: n, NM1: n, ... } }
//
// The content imitates a clearinghouse batch: many interchanges from a dozen submitters to a
// handful of payers, 50-500 transaction sets per interchange (sometimes split in two functional
// groups), each set a well-formed X217 request (UMO / requester / subscriber / optional dependent /
// patient event / 1-20 services) with correct SE01, GE01, IEA01 counts and control numbers that
// never repeat. Most interchanges have no line breaks; some put '\n' (a few '\r\n') after every
// terminator. All randomness comes from a seeded PRNG: the same (size, seed) gives the same bytes.

import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

/** Bump when the output for a given (size, seed) changes: run.js regenerates cached files then. */
export const GENERATOR_VERSION = 3;
export const DEFAULT_SEED = 0x278_5010;

const MB = 1_000_000;
const FLUSH_BYTES = 1 << 20;

// ---------------------------------------------------------------------------------------------
// PRNG (sfc32 seeded through splitmix32): fast, good enough, and fully deterministic.

export class Rng {
  /** @param {number} seed */
  constructor(seed) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** @returns {number} uniform 32-bit unsigned integer */
  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** @returns {number} uniform in [0, 1) */
  next() {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** @template T @param {readonly T[]} arr @returns {T} */
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }

  /** @param {number} p probability of true */
  chance(p) {
    return this.next() < p;
  }

  /** A string of `n` decimal digits (leading zeros allowed). */
  digits(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + Math.floor(this.next() * 10));
    return s;
  }

  /** A string of `n` upper-case letters. */
  letters(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(65 + Math.floor(this.next() * 26));
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Reference data (synthetic, but shaped like the real thing).

const LAST = [
  'SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ',
  'HERNANDEZ', 'LOPEZ', 'GONZALEZ', 'WILSON', 'ANDERSON', 'THOMAS', 'TAYLOR', 'MOORE', 'JACKSON', 'MARTIN',
  'LEE', 'PEREZ', 'THOMPSON', 'WHITE', 'HARRIS', 'SANCHEZ', 'CLARK', 'RAMIREZ', 'LEWIS', 'ROBINSON',
  'WALKER', 'YOUNG', 'ALLEN', 'KING', 'WRIGHT', 'SCOTT', 'TORRES', 'NGUYEN', 'HILL', 'FLORES',
  'OKAFOR', 'PATEL', 'KOWALSKI', 'OBRIEN', 'DUBOIS', 'TANAKA', 'MUELLER', 'ROSSI', 'SILVA', 'KIM',
];
const FIRST = [
  'JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'ELIZABETH',
  'WILLIAM', 'BARBARA', 'RICHARD', 'SUSAN', 'JOSEPH', 'JESSICA', 'THOMAS', 'SARAH', 'CARLOS', 'KAREN',
  'ANA', 'TOM', 'LENA', 'RAJ', 'MEI', 'OMAR', 'FATIMA', 'IVAN', 'SOFIA', 'DIEGO',
  'GRACE', 'HENRY', 'CHLOE', 'NOAH', 'EMMA', 'LIAM', 'OLIVIA', 'ELIJAH', 'AVA', 'LUCAS',
];
const MIDDLE = ['A', 'B', 'C', 'D', 'E', 'J', 'K', 'L', 'M', 'R', 'S', 'T'];
const STREETS = ['MAIN ST', 'OAK AVE', 'RIVER ROAD', 'PARK BLVD', 'CEDAR LN', 'HIGHLAND DR', 'MARKET ST', 'LAKE SHORE DR', 'ELM ST', 'MEDICAL CENTER PKWY', 'UNIVERSITY AVE', 'WASHINGTON ST'];
const SUITES = ['SUITE 100', 'SUITE 210', 'STE 4B', 'BLDG C', 'FLOOR 3', 'UNIT 12'];
const CITIES = [
  ['PORTLAND', 'OR', '972'], ['SEATTLE', 'WA', '981'], ['BOISE', 'ID', '837'], ['DENVER', 'CO', '802'], ['PHOENIX', 'AZ', '850'],
  ['AUSTIN', 'TX', '787'], ['CHICAGO', 'IL', '606'], ['COLUMBUS', 'OH', '432'], ['ATLANTA', 'GA', '303'], ['NASHVILLE', 'TN', '372'],
  ['RALEIGH', 'NC', '276'], ['RICHMOND', 'VA', '232'], ['BOSTON', 'MA', '021'], ['ALBANY', 'NY', '122'], ['MADISON', 'WI', '537'],
];
const FACILITY_WORDS = ['GENERAL', 'MEMORIAL', 'REGIONAL', 'COMMUNITY', 'ST LUKES', 'MERCY', 'PROVIDENCE', 'VALLEY', 'SUMMIT', 'LAKESIDE'];
const FACILITY_KINDS = ['HOSPITAL', 'MEDICAL CENTER', 'SURGERY CENTER', 'IMAGING', 'REHAB CENTER', 'HEALTH SYSTEM', 'ORTHOPEDICS', 'CLINIC'];
const PAYERS = [
  ['ACME HEALTH PLAN', '60054', 'ACMEHEALTH'],
  ['NORTHWIND MUTUAL', '87726', 'NORTHWIND'],
  ['BLUE HARBOR HEALTH', '00590', 'BLUEHARBOR'],
  ['CONTOSO CARE', '62308', 'CONTOSOCARE'],
  ['FABRIKAM MEDICAID', 'SKCO0', 'FABRIKAMMCD'],
  ['LITWARE ADVANTAGE', '39026', 'LITWAREMA'],
  ['TAILSPIN HMO', '94265', 'TAILSPINHMO'],
  ['WOODGROVE BENEFITS', '25133', 'WOODGROVE'],
];
const SUBMITTERS = [
  'CLEARHOUSE01', 'CLINICSUBMIT01', 'RIVERSIDEGEN', 'SUMMITORTHO', 'VALLEYIMAGING', 'MERCYHEALTH',
  'LAKESIDEREHAB', 'PROVIDENCEMG', 'HIGHLANDPEDS', 'CEDARSURGERY', 'NWCLEARING', 'MEDIBRIDGE',
];
const TAXONOMY = ['207X00000X', '207Q00000X', '208D00000X', '207R00000X', '2085R0202X', '225100000X', '207RC0000X', '282N00000X', '261QM1300X', '207L00000X', '2084N0400X', '363LF0000X'];
const CONTACTS = ['UM OFFICE', 'FRONT DESK', 'AUTH DEPT', 'INTAKE', 'CARE MANAGEMENT', 'REFERRALS', 'PRECERT LINE'];
// ICD-10-CM codes as sent in HI (no dot).
const ICD10 = [
  'M5416', 'M5126', 'M1711', 'M1712', 'M25561', 'M545', 'G8929', 'E119', 'E1165', 'I10', 'I214', 'I2510', 'I480', 'J449', 'J45909',
  'N184', 'C50911', 'C3490', 'K219', 'K5090', 'R0789', 'R1013', 'S83511A', 'S72001A', 'Z96651', 'F329', 'F411', 'G4733', 'M6281', 'R262',
];
const CPT_PROF = ['97110', '97140', '97530', '97112', '99213', '99214', '72148', '73721', '70553', '74177', '95810', '29881', '27447', '63030', '43239', '45378', '20610', '64483', 'E0601', 'J1745', 'G0283', 'A4253'];
const CPT_INST = ['99223', '99222', '27130', '27447', '33533', '47562', '49505', '0FT44ZZ', '36415', '85025', '80053', '93306', '71046'];
const REV = ['0120', '0121', '0128', '0206', '0250', '0300', '0320', '0360', '0420', '0424', '0430', '0450', '0610', '0636', '0710'];
const MODIFIERS = ['GP', 'GO', 'RT', 'LT', '59', '26', 'TC', 'KX'];
const SVC_TYPE_HS = ['1', '2', '3', '4', '42', '62', '73', 'AD', 'PT', 'BZ', 'A4', 'BS', 'AE', '12'];
const SVC_TYPE_AR = ['48', '1', '2', 'AG', 'BU', '56'];
const POS = ['11', '11', '11', '22', '22', '24', '12', '19', '81'];

/** Luhn check digit of an NPI (computed over 80840 + the first 9 digits). */
function npiFrom(base9) {
  const digits = '80840' + base9;
  let sum = 0;
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return base9 + String((10 - (sum % 10)) % 10);
}

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

/** CCYYMMDD of a UTC epoch-ms value. */
function ymd(ms) {
  const d = new Date(ms);
  return String(d.getUTCFullYear()) + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate());
}

function hhmm(ms) {
  const d = new Date(ms);
  return pad2(d.getUTCHours()) + pad2(d.getUTCMinutes());
}

/** 12500 cents -> "125", 12550 -> "125.5", 12555 -> "125.55" */
function money(cents) {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  if (frac === 0) return String(whole);
  if (frac % 10 === 0) return whole + '.' + frac / 10;
  return whole + '.' + pad2(frac);
}

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The generator proper.

/**
 * Builds transaction sets. Each method returns segments without terminators into `segs`.
 */
class TransactionBuilder {
  /** @param {Rng} rng */
  constructor(rng) {
    this.rng = rng;
    /** Provider pool: repeat providers like a real clearinghouse sees them. */
    this.providers = [];
    for (let i = 0; i < 400; i++) this.providers.push(this.newProvider());
  }

  newProvider() {
    const r = this.rng;
    const [city, state, zip3] = r.pick(CITIES);
    const facility = r.chance(0.35);
    return {
      facility,
      name: facility ? `${r.pick(FACILITY_WORDS)} ${r.pick(FACILITY_KINDS)}` : r.pick(LAST),
      first: facility ? '' : r.pick(FIRST),
      middle: facility || r.chance(0.5) ? '' : r.pick(MIDDLE),
      npi: npiFrom(r.pick(['1', '1', '1', '2']) + r.digits(8)),
      street: `${r.int(1, 9999)} ${r.pick(STREETS)}`,
      suite: r.chance(0.3) ? r.pick(SUITES) : '',
      city,
      state,
      zip: zip3 + r.digits(2) + r.digits(4),
      contact: r.pick(CONTACTS),
      phone: r.pick(['503', '206', '208', '303', '602', '512', '312', '614']) + '555' + r.digits(4),
      fax: r.chance(0.5) ? '800555' + r.digits(4) : '',
      taxonomy: r.pick(TAXONOMY),
    };
  }

  /** NM1 for a provider: facilities are FA (entity type 2); people take `role` (1P, SJ, 71). */
  nm1(role, p) {
    if (p.facility) return `NM1*FA*2*${p.name}*****XX*${p.npi}`;
    return `NM1*${role}*1*${p.name}*${p.first}${p.middle ? '*' + p.middle + '***' : '****'}XX*${p.npi}`;
  }

  /**
   * One transaction set, ST..SE.
   * @param {string[]} segs output
   * @param {string} control ST02
   * @param {{name: string, id: string}} payer
   * @param {number} when epoch ms
   * @returns {number} segment count (ST..SE)
   */
  transaction(segs, control, payer, when) {
    const r = this.rng;
    const start = segs.length;
    const today = ymd(when);
    segs.push(`ST*278*${control}*005010X217`);
    segs.push(`BHT*0007*13*${r.letters(3)}${today.slice(2)}${r.digits(6)}*${today}*${hhmm(when)}`);
    // 2000A UMO
    let hl = 1;
    segs.push(`HL*${hl}**20*1`);
    segs.push(`NM1*X3*2*${payer.name}*****PI*${payer.id}`);
    // 2000B requester
    const req = r.pick(this.providers);
    segs.push(`HL*${++hl}*1*21*1`);
    segs.push(this.nm1('1P', req));
    if (r.chance(0.8)) {
      segs.push(req.suite ? `N3*${req.street}*${req.suite}` : `N3*${req.street}`);
      segs.push(`N4*${req.city}*${req.state}*${req.zip}`);
    }
    segs.push(`PER*IC*${req.contact}*TE*${req.phone}${req.fax ? '*FX*' + req.fax : ''}`);
    if (r.chance(0.6)) segs.push(`PRV*AT*PXC*${req.taxonomy}`);
    // 2000C subscriber
    const subLast = r.pick(LAST);
    const subscriberHl = ++hl;
    segs.push(`HL*${subscriberHl}*2*22*1`);
    const memberId = r.chance(0.5) ? 'W' + r.digits(9) : r.letters(3) + r.digits(9);
    const mid = r.chance(0.4) ? r.pick(MIDDLE) : '';
    segs.push(`NM1*IL*1*${subLast}*${r.pick(FIRST)}${mid ? '*' + mid + '***' : '****'}MI*${memberId}`);
    const subDob = when - r.int(18 * 365, 90 * 365) * DAY;
    segs.push(`DMG*D8*${ymd(subDob)}*${r.chance(0.5) ? 'F' : 'M'}`);
    let parent = subscriberHl;
    // 2000D dependent (sometimes)
    if (r.chance(0.22)) {
      const depHl = ++hl;
      segs.push(`HL*${depHl}*${subscriberHl}*23*1`);
      segs.push(`NM1*QC*1*${r.chance(0.8) ? subLast : r.pick(LAST)}*${r.pick(FIRST)}`);
      segs.push(`DMG*D8*${ymd(when - r.int(1 * 365, 25 * 365) * DAY)}*${r.chance(0.5) ? 'F' : 'M'}`);
      parent = depHl;
    }
    // 2000E patient event
    const evHl = ++hl;
    segs.push(`HL*${evHl}*${parent}*EV*1`);
    const trace = r.letters(2) + today + r.digits(4);
    const traceOrg = '9' + r.digits(9);
    segs.push(`TRN*1*${trace}*${traceOrg}`);
    const u = r.next();
    const category = u < 0.62 ? 'HS' : u < 0.82 ? 'SC' : 'AR';
    const inpatient = category === 'AR';
    const institutional = inpatient || r.chance(0.2);
    if (inpatient) {
      segs.push(`UM*AR*I*${r.pick(SVC_TYPE_AR)}*${r.pick(['11', '21', '18', '83'])}:A${r.chance(0.3) ? '**U' : ''}`);
    } else {
      segs.push(`UM*${category}*I*${r.pick(SVC_TYPE_HS)}*${r.pick(POS)}:B`);
    }
    const from = when + r.int(1, 21) * DAY;
    const to = from + r.int(0, 90) * DAY;
    if (inpatient) segs.push(`DTP*435*D8*${ymd(from)}`);
    else segs.push(`DTP*AAH*RD8*${ymd(from)}-${ymd(to)}`);
    const nDx = r.int(1, 5);
    let hi = `HI*ABK:${r.pick(ICD10)}`;
    for (let i = 1; i < nDx; i++) hi += `*ABF:${r.pick(ICD10)}`;
    segs.push(hi);
    if (inpatient) segs.push(`HSD*DY*${r.int(1, 14)}`);
    else if (r.chance(0.7)) segs.push(r.chance(0.5) ? `HSD*VS*${r.int(1, 24)}` : `HSD*VS*${r.int(1, 12)}*DA*${r.int(30, 180)}`);
    if (inpatient || (institutional && r.chance(0.5))) segs.push(`CL1*${r.int(1, 3)}*${r.pick(['1', '2', '7', '9'])}${r.chance(0.5) ? '*01' : ''}`);
    const svcProv = r.chance(0.3) ? req : r.pick(this.providers);
    segs.push(this.nm1(inpatient ? '71' : 'SJ', svcProv));
    if (r.chance(0.35)) {
      segs.push(svcProv.suite ? `N3*${svcProv.street}*${svcProv.suite}` : `N3*${svcProv.street}`);
      segs.push(`N4*${svcProv.city}*${svcProv.state}*${svcProv.zip}`);
    }
    segs.push(`PRV*${inpatient ? 'SV' : r.pick(['PE', 'SV'])}*PXC*${svcProv.taxonomy}`);
    // 2000F services: 1..20, most requests have a few.
    const v = r.next();
    const nSvc = v < 0.6 ? r.int(1, 3) : v < 0.9 ? r.int(4, 8) : r.int(9, 20);
    for (let i = 1; i <= nSvc; i++) {
      segs.push(`HL*${++hl}*${evHl}*SS*0`);
      segs.push(`TRN*1*${trace}-${i}*${traceOrg}`);
      segs.push(`UM*HS*I*${r.pick(SVC_TYPE_HS)}`);
      const sFrom = from + r.int(0, 14) * DAY;
      segs.push(`DTP*472*RD8*${ymd(sFrom)}-${ymd(sFrom + r.int(0, 60) * DAY)}`);
      const qty = r.int(1, 30);
      const cents = r.chance(0.5) ? r.int(25, 25_000) * 100 : r.int(500, 500_000) * 5;
      if (institutional) {
        segs.push(`SV2*${r.pick(REV)}*HC:${r.pick(CPT_INST)}*${money(cents)}*${r.chance(0.7) ? 'UN' : 'DA'}*${qty}`);
      } else {
        const mod = r.chance(0.3) ? ':' + r.pick(MODIFIERS) : '';
        segs.push(`SV1*HC:${r.pick(CPT_PROF)}${mod}*${money(cents)}*UN*${qty}***1`);
      }
      if (r.chance(0.4)) segs.push(`HSD*VS*${qty}`);
      if (r.chance(0.15)) {
        const p = r.pick(this.providers);
        segs.push(this.nm1('SJ', p));
        segs.push(`PRV*PE*PXC*${p.taxonomy}`);
      }
    }
    const count = segs.length - start + 1;
    segs.push(`SE*${count}*${control}`);
    return count;
  }
}

/**
 * Writes a synthetic X217 278 request file of about `sizeBytes` bytes (stops at the first
 * interchange boundary at or after the size) and its sidecar `<out>.json`.
 *
 * @param {{ out: string, sizeBytes: number, seed?: number, log?: (msg: string) => void }} opts
 * @returns {Promise<{generator: string, version: number, seed: number, requestedBytes: number, bytes: number,
 *   interchanges: number, groups: number, transactions: number, segments: number, lineEndings: Record<string, number>,
 *   segmentIds: Record<string, number>}>}
 */
export async function generate({ out, sizeBytes, seed = DEFAULT_SEED, log = () => {} }) {
  if (!(sizeBytes > 0)) throw new Error(`generate: sizeBytes must be > 0 (got ${sizeBytes})`);
  const rng = new Rng(seed);
  const builder = new TransactionBuilder(rng);
  const ws = createWriteStream(out);
  const failed = new Promise((_, reject) => ws.once('error', reject));
  failed.catch(() => {});

  let written = 0;
  let pending = [];
  let pendingLen = 0;
  const flush = async () => {
    if (pendingLen === 0) return;
    const buf = Buffer.from(pending.join(''), 'latin1');
    pending = [];
    pendingLen = 0;
    written += buf.length;
    if (!ws.write(buf)) await Promise.race([once(ws, 'drain'), failed]);
  };
  const emit = (s) => {
    pending.push(s);
    pendingLen += s.length;
  };

  const stats = { interchanges: 0, groups: 0, transactions: 0, segments: 0 };
  /** Segment id -> count, so that a reader's output can be checked id by id. */
  const ids = new Map();
  const countId = (id, n = 1) => ids.set(id, (ids.get(id) ?? 0) + n);
  const lineEndings = { none: 0, lf: 0, crlf: 0 };
  // Clock: a batch day starting 2025-01-06 08:00 UTC plus a seeded offset; advances per interchange.
  let clock = Date.UTC(2025, 0, 6, 8, 0) + rng.int(0, 300) * DAY;
  let isaControl = rng.int(1, 50_000);
  let gsControl = rng.int(1, 50_000);
  let stControl = 0;
  const segs = [];
  let done = false;

  while (!done) {
    const eolDraw = rng.next();
    const eol = eolDraw < 0.82 ? '' : eolDraw < 0.97 ? '\n' : '\r\n';
    lineEndings[eol === '' ? 'none' : eol === '\n' ? 'lf' : 'crlf']++;
    const term = '~' + eol;
    const [payerName, payerId, payerIsa] = rng.pick(PAYERS);
    const payer = { name: payerName, id: payerId };
    const sender = rng.pick(SUBMITTERS);
    clock += rng.int(1, 45) * 60_000;
    const icn = String(++isaControl).padStart(9, '0');
    const isaDate = ymd(clock);
    const isa =
      `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*${payerIsa.padEnd(15)}*` +
      `${isaDate.slice(2)}*${hhmm(clock)}*^*00501*${icn}*${rng.chance(0.3) ? '1' : '0'}*${rng.chance(0.9) ? 'P' : 'T'}*:`;
    if (isa.length !== 105) throw new Error(`ISA is ${isa.length + 1} chars: ${isa}`);
    emit(isa + term);
    stats.interchanges++;
    stats.segments++;
    countId('ISA');
    const total = rng.int(50, 500);
    const nGroups = total >= 100 && rng.chance(0.1) ? 2 : 1;
    const perGroup = [Math.ceil(total / nGroups), total - Math.ceil(total / nGroups)];
    let groupsHere = 0;
    for (let g = 0; g < nGroups && !done; g++) {
      const gcn = String(++gsControl);
      emit(`GS*HI*${sender}*${payerIsa}*${isaDate}*${hhmm(clock)}*${gcn}*X*005010X217${term}`);
      groupsHere++;
      stats.groups++;
      stats.segments++;
      countId('GS');
      let inGroup = 0;
      for (let t = 0; t < perGroup[g]; t++) {
        // Stop once the file (with what is pending) reaches the size; close the envelopes.
        if (written + pendingLen >= sizeBytes && inGroup > 0) {
          done = true;
          break;
        }
        segs.length = 0;
        const control = String(++stControl).padStart(4, '0');
        const n = builder.transaction(segs, control, payer, clock + t * 1000);
        emit(segs.join(term) + term);
        for (const seg of segs) countId(seg.slice(0, seg.indexOf('*')));
        inGroup++;
        stats.transactions++;
        stats.segments += n;
        if (pendingLen >= FLUSH_BYTES) await flush();
      }
      emit(`GE*${inGroup}*${gcn}${term}`);
      stats.segments++;
      countId('GE');
    }
    emit(`IEA*${groupsHere}*${icn}${term}`);
    stats.segments++;
    countId('IEA');
    if (written + pendingLen >= sizeBytes) done = true;
    if (stats.interchanges % 500 === 0) log(`  ${((written + pendingLen) / MB).toFixed(0)} MB, ${stats.transactions} transactions`);
  }
  await flush();
  ws.end();
  await Promise.race([once(ws, 'finish'), failed]);
  await new Promise((resolve) => ws.close(resolve));

  const meta = {
    generator: 'x12pas-bench-278-request',
    version: GENERATOR_VERSION,
    seed,
    requestedBytes: sizeBytes,
    bytes: written,
    ...stats,
    lineEndings,
    segmentIds: Object.fromEntries([...ids.entries()].sort((a, b) => b[1] - a[1])),
  };
  await writeFile(out + '.json', JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

async function main(argv) {
  const [out, sizeMb, seedArg] = argv;
  if (!out || !sizeMb || !(Number(sizeMb) > 0)) {
    console.error('usage: node bench/generate.js OUT SIZE_MB [SEED]   (MB = 10^6 bytes)');
    process.exit(2);
  }
  const sizeBytes = Math.round(Number(sizeMb) * MB);
  const seed = seedArg === undefined ? DEFAULT_SEED : Number(seedArg);
  const t0 = performance.now();
  const meta = await generate({ out, sizeBytes, seed, log: (m) => console.error(m) });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `wrote ${out}: ${meta.bytes} bytes, ${meta.interchanges} interchanges, ${meta.groups} groups, ` +
      `${meta.transactions} transactions, ${meta.segments} segments ` +
      `(avg ${(meta.bytes / meta.transactions).toFixed(0)} bytes/transaction) in ${s.toFixed(1)} s`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
