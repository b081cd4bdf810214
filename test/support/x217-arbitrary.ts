/**
 * A fast-check generator of random, valid 005010X217 278 requests, in two separate parts:
 *
 * - `x217RequestArb(options)`: an arbitrary of `X217Request`, a structured model of one request
 *   (envelope, delimiters, line style, BHT, the 2000A-2000F levels). Every value is one the
 *   mapping rows of `mappings/request/*.json` read and can write back: codes the code tables of
 *   `mappings/codes/` know, numbers in the decimal codec's canonical form (`String(Number(x)) === x`),
 *   NPIs with a valid check digit, ICD-10-CM codes as X12 writes them (no dot), whole calendar
 *   dates, HHMM or HHMMSS times (HHMMSS only with seconds other than 00, which the datetime codec
 *   writes back as HHMM).
 * - `renderX217(request)`: the model -> an X12 interchange (ISA/GS/ST ... SE/GE/IEA) written with
 *   the project's `X12Writer` under the model's delimiters and line style. `x217Segments` gives the
 *   transaction body (BHT ... the last 2000F segment) as element arrays, for comparisons.
 *
 * Data characters are upper-case letters, digits, space, `.`, `@` and `-` (RD8 ranges, decimals,
 * e-mail addresses); delimiters are drawn from the other non-alphanumeric characters, so no value
 * ever holds a delimiter.
 */
import fc from 'fast-check';
import { X12Writer, delimitersFromStrings } from '../../src/x12/index.js';

// ---------------------------------------------------------------------------------------------
// The model

export interface X217Delimiters {
  element: string;
  component: string;
  repetition: string;
  segment: string;
}

/** What is written between segments. */
export type LineStyle = '' | '\n' | '\r\n';

export interface X217Envelope {
  /** ISA06 / GS02 (up to 15 characters). */
  sender: string;
  /** ISA08 / GS03. */
  receiver: string;
  /** ISA13 (nine digits). */
  interchangeControl: string;
  /** GS06. */
  groupControl: string;
  /** ST02 (four digits). */
  transactionControl: string;
  /** ISA09/ISA10, GS04/GS05: CCYYMMDD and HHMM. */
  date: string;
  time: string;
  usage: 'P' | 'T';
}

/** NM103-NM107 of a person. `middle` only with `first` (the person-name codec refuses a middle name alone). */
export interface PersonName {
  last: string;
  first?: string;
  middle?: string;
  prefix?: string;
  suffix?: string;
}

export type Entity = { kind: 'organization'; name: string } | { kind: 'person'; name: PersonName };

export interface Address {
  /** N301, N302 */
  line1: string;
  line2?: string;
  /** N401-N404; postal code as X12 writes it (five or nine digits). */
  city: string;
  state: string;
  postalCode: string;
  country?: string;
}

export type ContactQualifier = 'TE' | 'FX' | 'EM';

/** PER*IC: PER02 (organizations only: a person has no place for it) and 1-3 numbers (PER03-PER08). */
export interface Contact {
  name?: string;
  numbers: Array<{ qualifier: ContactQualifier; value: string }>;
}

/** DTP date: D8 one day, RD8 a range (start not after end), as X12 writes them (CCYYMMDD). */
export type DateValue = { format: 'D8'; date: string } | { format: 'RD8'; start: string; end: string };

export interface Trace {
  /** TRN02 */
  number: string;
  /** TRN03: ten characters. */
  org: string;
}

/** UM04: facility code and its qualifier (B place of service, A facility type of the bill type). */
export interface Facility {
  code: string;
  qualifier: 'A' | 'B';
}

export interface EventUm {
  /** UM01 request category (HS, SC, AR). */
  requestCategory: string;
  /** UM02 certification type. */
  certificationType: string;
  /** UM03 service type. */
  serviceType: string;
  facility: Facility;
  /** UM06 level of service. */
  levelOfService?: string;
}

export interface LineUm {
  requestCategory: string;
  certificationType?: string;
  serviceType?: string;
  facility?: Facility;
}

export type DiagnosisQualifier = 'ABK' | 'ABJ' | 'ABF';

/** HI composite: qualifier and the ICD-10-CM code without its dot. */
export interface Diagnosis {
  qualifier: DiagnosisQualifier;
  code: string;
}

/** CL1 (2000E): admission type, source, patient status, nursing home status. */
export interface Admission {
  type: string;
  source?: string;
  patientStatus?: string;
  nursingHome?: string;
}

/** 2010EA: NM1 (role NM101, entity, NPI), N3/N4, PER, PRV*<function>*PXC*<taxonomy>. */
export interface EventProvider {
  role: string;
  entity: Entity;
  npi?: string;
  address?: Address;
  contact?: Contact;
  specialty?: { function: string; taxonomy: string };
}

export type Service =
  | { kind: 'SV1'; procedure: string; modifiers: string[]; charge?: string; unit: 'UN' | 'MJ'; quantity: string }
  | { kind: 'SV2'; revenue: string; procedure?: string; charge?: string; unit: 'UN' | 'DA'; quantity: string };

/** HSD: quantity (HSD01/02), period (HSD03/04, time units only), bounds (HSD05/06), patterns (HSD07/08). */
export interface Delivery {
  quantityQualifier: string;
  quantity: string;
  period?: { unit: 'DA' | 'WK' | 'MO' | 'YR'; count: string };
  bounds?: { unit: '6' | '7' | '21' | '34' | '35'; count: string };
  calendarPattern?: string;
  deliveryPattern?: string;
}

/** One 2000F loop. */
export interface ServiceLine {
  trace?: Trace;
  um?: LineUm;
  /** DTP*472 */
  serviceDate?: DateValue;
  service?: Service;
  delivery?: Delivery;
}

export interface X217Request {
  delimiters: X217Delimiters;
  lineStyle: LineStyle;
  envelope: X217Envelope;
  /** BHT03, BHT04 (CCYYMMDD), BHT05 (HHMM or HHMMSS). */
  bht: { reference: string; date: string; time: string };
  /** 2010A: NM101 (X3, PR...), NM103, NM109 with NM108 PI. */
  umo: { code: string; name: string; payerId: string };
  /** 2010B */
  requester: { code: string; entity: Entity; npi: string; ein?: string; address?: Address; contact?: Contact };
  /** 2010C; DMG only with a birth date (a gender needs one). */
  subscriber: { name: PersonName; memberId: string; birthDate?: string; gender?: 'F' | 'M' | 'U' };
  /** 2010D: INS*N*<relationship> always present. */
  dependent?: { name: PersonName; birthDate?: string; gender?: 'F' | 'M' | 'U'; relationship: '01' | '19' | 'G8' };
  /** 2000E */
  event: {
    trace: Trace;
    um: EventUm;
    /** DTP*AAH */
    eventDate?: DateValue;
    /** DTP*435 */
    admissionDate?: DateValue;
    /** HI01-HI12 in order: ABK first, then ABJ (admissions only), then ABF. */
    diagnoses: Diagnosis[];
    /** 2000E HSD: the one item's when there is no 2000F, else what a line's own HSD leaves out. */
    delivery?: Delivery;
    admission?: Admission;
    providers: EventProvider[];
  };
  /** 2000F loops, in order. */
  services: ServiceLine[];
}

// ---------------------------------------------------------------------------------------------
// Code values the tables and the X217 know

/** 2010EA NM101 (the grammar's keys; every one is in mappings/codes/care-team-role.json). */
export const PROVIDER_ROLES = ['71', '72', '73', '77', 'AAJ', 'DD', 'DK', 'DN', 'FA', 'G3', 'P3', 'QB', 'QV', 'SJ'] as const;
export const SERVICE_TYPES = ['1', '2', '3', '4', '42', '44', '48', '56', 'A4', 'AE', 'AF', 'BY', 'CQ', 'MH', 'PT'] as const;
export const PLACES_OF_SERVICE = ['02', '10', '11', '12', '21', '22', '23', '31', '32', '81'] as const;
export const FACILITY_TYPES = ['11', '12', '13', '14', '18', '21', '22', '23', '32', '33', '34', '71', '72', '73', '83', '85', '86'] as const;
const REQUEST_CATEGORIES = ['HS', 'SC', 'AR'] as const;
const CERTIFICATION_TYPES = ['I', 'R', 'S', '4'] as const;
const LEVELS_OF_SERVICE = ['03', 'E', 'U'] as const;
const STATES = ['OR', 'WA', 'CA', 'NY', 'TX', 'IL', 'MA', 'FL'] as const;
const TAXONOMIES = ['207X00000X', '207Q00000X', '208D00000X', '261QA1903X', '282N00000X', '363L00000X', '207R00000X', '2084P0800X'] as const;
const PROVIDER_FUNCTIONS = ['AD', 'AT', 'OP', 'OR', 'PC', 'PE', 'RF'] as const;
const MODIFIERS = ['25', '26', '59', 'GT', 'HO', 'LT', 'RT', 'TC', 'QW', '95'] as const;
const HSD_QUANTITY = ['DY', 'FL', 'HS', 'MN', 'VS'] as const;
const HSD_CALENDAR = ['1', '2', '3', '4', '5', '6', '7', 'A', 'B', 'C', 'D', 'SA', 'SB', 'W'] as const;
const HSD_DELIVERY = ['1', '2', '3', 'A', 'B', 'D', 'E', 'Y'] as const;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = UPPER + DIGITS;

// ---------------------------------------------------------------------------------------------
// Small arbitraries

const chars = (set: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });
const digits = (n: number): fc.Arbitrary<string> => chars(DIGITS, n, n);
/** 1 to maxWords words of 1 to maxLen characters, joined by single spaces (no leading, trailing or double space). */
const words = (maxWords: number, maxLen: number, set = UPPER): fc.Arbitrary<string> =>
  fc.array(chars(set, 1, maxLen), { minLength: 1, maxLength: maxWords }).map((w) => w.join(' '));
/** `a` or undefined; undefined one time in `freq` (fast-check's option). */
const opt = <T>(a: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> => fc.option(a, { freq, nil: undefined });
/** `a` one time in four, else undefined. */
const rare = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

/** NPI check digit: Luhn over 80840 + the nine digits (written here, independently of the codec). */
export function npiCheckDigit(nine: string): string {
  const full = `80840${nine}`;
  let sum = 0;
  // Doubling starts at the rightmost digit, since the check digit will stand to its right.
  for (let i = full.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = full.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export const npiArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('1', '2'), digits(8))
  .map(([a, b]) => a + b + npiCheckDigit(a + b));

/** Days since 1970-01-01 -> CCYYMMDD. */
function ymd(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}
const dayOf = (y: number): number => Math.floor(Date.UTC(y, 0, 1) / 86_400_000);
/** A whole calendar date between two years, as CCYYMMDD. */
const dateArb = (fromYear: number, toYear: number): fc.Arbitrary<string> =>
  fc.integer({ min: dayOf(fromYear), max: dayOf(toYear + 1) - 1 }).map(ymd);

const dateValueArb: fc.Arbitrary<DateValue> = fc.oneof(
  dateArb(2020, 2030).map((date): DateValue => ({ format: 'D8', date })),
  fc
    .tuple(fc.integer({ min: dayOf(2020), max: dayOf(2030) }), fc.integer({ min: 0, max: 400 }))
    .map(([d, n]): DateValue => ({ format: 'RD8', start: ymd(d), end: ymd(d + n) })),
);

/** A positive decimal in canonical form: whole, or with one or two decimals that do not end in 0. */
const decimalArb = (maxWhole: number): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: maxWhole }).map(String), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: maxWhole * 100 }).map((c) => String(c / 100)), weight: 1 },
  );

/** ICD-10-CM as X12 writes it: letter, digit, letter or digit, then 0-4 letters or digits. */
const icd10Arb: fc.Arbitrary<string> = fc
  .tuple(chars(UPPER, 1, 1), chars(DIGITS, 1, 1), chars(ALNUM, 1, 1), chars(ALNUM, 0, 4))
  .map((p) => p.join(''));

/** HCPCS level I (five digits) or level II (letter + four digits). */
const procedureArb: fc.Arbitrary<string> = fc.oneof(digits(5), fc.tuple(chars('ABCEGHJKLPQRSTV', 1, 1), digits(4)).map(([a, b]) => a + b));

const personNameArb: fc.Arbitrary<PersonName> = fc
  .record({
    last: words(2, 12),
    first: opt(words(2, 10), 4),
    middle: opt(chars(UPPER, 1, 8)),
    prefix: opt(fc.constantFrom('DR', 'MR', 'MS', 'MRS')),
    suffix: opt(fc.constantFrom('JR', 'SR', 'II', 'III', 'MD')),
  })
  .map((n) => {
    const out: PersonName = { last: n.last };
    if (n.first !== undefined) {
      out.first = n.first;
      if (n.middle !== undefined) out.middle = n.middle;
    }
    if (n.prefix !== undefined) out.prefix = n.prefix;
    if (n.suffix !== undefined) out.suffix = n.suffix;
    return out;
  });

const orgNameArb = words(4, 12, ALNUM);

const entityArb: fc.Arbitrary<Entity> = fc.oneof(
  orgNameArb.map((name): Entity => ({ kind: 'organization', name })),
  personNameArb.map((name): Entity => ({ kind: 'person', name })),
);

const addressArb: fc.Arbitrary<Address> = fc
  .record({
    line1: fc.tuple(fc.integer({ min: 1, max: 99999 }), words(3, 10)).map(([n, w]) => `${n} ${w}`),
    line2: opt(fc.tuple(fc.constantFrom('SUITE', 'APT', 'FLOOR', 'UNIT'), fc.integer({ min: 1, max: 999 })).map(([w, n]) => `${w} ${n}`)),
    city: fc.tuple(chars(UPPER, 2, 12), opt(chars(UPPER, 2, 10))).map(([a, b]) => (b === undefined ? a : `${a} ${b}`)),
    state: fc.constantFrom(...STATES),
    postalCode: fc.oneof(digits(5), digits(9)),
    country: rare(fc.constant('US')),
  })
  .map(dropUndefined);

const contactNumberArb = fc.oneof(
  digits(10).map((value) => ({ qualifier: 'TE' as const, value })),
  digits(10).map((value) => ({ qualifier: 'FX' as const, value })),
  fc.tuple(chars(UPPER, 1, 10), chars(UPPER, 1, 10)).map(([u, h]) => ({ qualifier: 'EM' as const, value: `${u}@${h}.COM` })),
);

/** PER: a contact name only for organizations (a person has no place for PER02). */
const contactArb = (organization: boolean): fc.Arbitrary<Contact> =>
  fc
    .record({
      name: organization ? opt(words(3, 10)) : fc.constant(undefined),
      numbers: fc.array(contactNumberArb, { minLength: 1, maxLength: 3 }),
    })
    .map(dropUndefined);

const traceArb: fc.Arbitrary<Trace> = fc.record({
  number: fc.tuple(chars(ALNUM, 1, 20), opt(chars(ALNUM, 1, 6))).map(([a, b]) => (b === undefined ? a : `${a}-${b}`)),
  org: fc.oneof(digits(9).map((d) => `1${d}`), npiArb),
});

const facilityArb: fc.Arbitrary<Facility> = fc.oneof(
  fc.constantFrom(...PLACES_OF_SERVICE).map((code): Facility => ({ code, qualifier: 'B' })),
  fc.constantFrom(...FACILITY_TYPES).map((code): Facility => ({ code, qualifier: 'A' })),
);

const eventUmArb: fc.Arbitrary<EventUm> = fc
  .record({
    requestCategory: fc.constantFrom(...REQUEST_CATEGORIES),
    certificationType: fc.constantFrom(...CERTIFICATION_TYPES),
    serviceType: fc.constantFrom(...SERVICE_TYPES),
    facility: facilityArb,
    levelOfService: opt(fc.constantFrom(...LEVELS_OF_SERVICE)),
  })
  .map(dropUndefined);

const lineUmArb: fc.Arbitrary<LineUm> = fc
  .record({
    requestCategory: fc.constantFrom(...REQUEST_CATEGORIES),
    certificationType: opt(fc.constantFrom(...CERTIFICATION_TYPES), 4),
    serviceType: opt(fc.constantFrom(...SERVICE_TYPES), 4),
    facility: opt(facilityArb),
  })
  .map(dropUndefined);

/** 1-12 diagnoses: one principal (ABK), an admitting one (ABJ) for admissions, the rest other (ABF). */
const diagnosesArb = (admission: boolean): fc.Arbitrary<Diagnosis[]> =>
  fc.tuple(icd10Arb, admission ? opt(icd10Arb) : fc.constant(undefined), fc.array(icd10Arb, { maxLength: 11, size: 'max' })).map(([principal, admitting, others]) => {
    const out: Diagnosis[] = [{ qualifier: 'ABK', code: principal }];
    if (admitting !== undefined) out.push({ qualifier: 'ABJ', code: admitting });
    for (const code of others) if (out.length < 12) out.push({ qualifier: 'ABF', code });
    return out;
  });

const admissionArb: fc.Arbitrary<Admission> = fc
  .record({
    type: fc.constantFrom('1', '2', '3', '4', '5', '9'),
    source: opt(fc.constantFrom('1', '2', '4', '5', '6', '8', '9', 'D', 'E', 'F'), 4),
    patientStatus: opt(fc.constantFrom('01', '02', '03', '06', '30')),
    nursingHome: opt(fc.constantFrom('1', '2', '3', '4', '5', '6')),
  })
  .map(dropUndefined);

const providerArb = (specialty: boolean): fc.Arbitrary<EventProvider> =>
  entityArb.chain((entity) =>
    fc
      .record({
        role: fc.constantFrom(...PROVIDER_ROLES),
        entity: fc.constant(entity),
        npi: opt(npiArb, 4),
        address: opt(addressArb),
        contact: opt(contactArb(entity.kind === 'organization')),
        specialty: specialty ? opt(fc.record({ function: fc.constantFrom(...PROVIDER_FUNCTIONS), taxonomy: fc.constantFrom(...TAXONOMIES) })) : fc.constant(undefined),
      })
      .map(dropUndefined),
  );

const serviceArb: fc.Arbitrary<Service> = fc.oneof(
  fc
    .record({
      kind: fc.constant('SV1' as const),
      procedure: procedureArb,
      modifiers: fc.array(fc.constantFrom(...MODIFIERS), { maxLength: 4 }),
      charge: opt(decimalArb(99_999), 4),
      unit: fc.constantFrom('UN' as const, 'MJ' as const),
      quantity: decimalArb(999),
    })
    .map((s): Service => dropUndefined(s)),
  fc
    .record({
      kind: fc.constant('SV2' as const),
      revenue: fc.tuple(fc.constant('0'), digits(3)).map(([a, b]) => a + b),
      procedure: opt(procedureArb),
      charge: opt(decimalArb(99_999), 4),
      unit: fc.constantFrom('UN' as const, 'DA' as const),
      quantity: decimalArb(999),
    })
    .map((s): Service => dropUndefined(s)),
);

const deliveryArb: fc.Arbitrary<Delivery> = fc
  .record({
    quantityQualifier: fc.constantFrom(...HSD_QUANTITY),
    quantity: decimalArb(999),
    period: opt(fc.record({ unit: fc.constantFrom('DA' as const, 'WK' as const, 'MO' as const, 'YR' as const), count: fc.integer({ min: 1, max: 99 }).map(String) })),
    bounds: opt(fc.record({ unit: fc.constantFrom('6' as const, '7' as const, '21' as const, '34' as const, '35' as const), count: fc.integer({ min: 1, max: 999 }).map(String) })),
    calendarPattern: opt(fc.constantFrom(...HSD_CALENDAR)),
    deliveryPattern: opt(fc.constantFrom(...HSD_DELIVERY)),
  })
  .map(dropUndefined);

const serviceLineArb: fc.Arbitrary<ServiceLine> = fc
  .record({
    trace: opt(traceArb, 6),
    um: opt(lineUmArb, 6),
    serviceDate: opt(dateValueArb),
    service: opt(serviceArb, 8),
    delivery: opt(deliveryArb),
  })
  .map(dropUndefined);

/** Non-alphanumeric ASCII that is not a data character here (space . @ -) nor TAB/CR/LF. */
const DELIMITER_POOL: string[] = (() => {
  const out: string[] = [];
  for (let c = 1; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9 .@\-\t\r\n]/.test(ch)) continue;
    out.push(ch);
  }
  return out;
})();

/** Four distinct delimiters; sometimes the common `* : ^ ~`; a newline terminator only with no line style. */
export const delimitersArb: fc.Arbitrary<{ delimiters: X217Delimiters; lineStyle: LineStyle }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.uniqueArray(fc.constantFrom(...DELIMITER_POOL), { minLength: 4, maxLength: 4 }), fc.constantFrom<LineStyle>('', '\n', '\r\n'), fc.integer({ min: 0, max: 5 }))
      .map(([[element, component, repetition, segment], lineStyle, nl]) => ({
        delimiters: { element: element!, component: component!, repetition: repetition!, segment: nl === 0 && lineStyle === '' ? '\n' : segment! },
        lineStyle,
      })),
  },
  { weight: 1, arbitrary: fc.constantFrom<LineStyle>('', '\n', '\r\n').map((lineStyle) => ({ delimiters: { element: '*', component: ':', repetition: '^', segment: '~' }, lineStyle })) },
);

const envelopeArb: fc.Arbitrary<X217Envelope> = fc.record({
  sender: chars(ALNUM, 2, 15),
  receiver: chars(ALNUM, 2, 15),
  interchangeControl: digits(9),
  groupControl: fc.integer({ min: 1, max: 999_999_999 }).map(String),
  transactionControl: fc.integer({ min: 1, max: 9999 }).map((n) => String(n).padStart(4, '0')),
  date: dateArb(2020, 2030),
  time: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => two(h) + two(m)),
  usage: fc.constantFrom('P' as const, 'T' as const),
});

/** HHMM, or HHMMSS with seconds 01-59 (the datetime codec writes :00 back as HHMM). */
const bhtTimeArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), opt(fc.integer({ min: 1, max: 59 })))
  .map(([h, m, s]) => two(h) + two(m) + (s === undefined ? '' : two(s)));

export interface X217Options {
  /** Service lines (2000F loops): default 1..20; `minServices: 0` also makes requests whose event is the one item. */
  minServices?: number;
  maxServices?: number;
  /** Event providers (2010EA): default 0..4. */
  maxProviders?: number;
  /**
   * Write PRV*<function>*PXC*<taxonomy> for some event providers (default true). No row reads
   * PRV01 yet, so each such PRV leaves one UNMAPPED_ELEMENT finding (and PRV01 cannot come back
   * from PAS): a round trip should pass false.
   */
  providerSpecialty?: boolean;
}

/** Random valid X217 278 requests (see the file comment for the value rules). */
export function x217RequestArb(options: X217Options = {}): fc.Arbitrary<X217Request> {
  const { minServices = 1, maxServices = 20, maxProviders = 4, providerSpecialty = true } = options;
  return fc
    .record({
      delimiters: delimitersArb,
      envelope: envelopeArb,
      bht: fc.record({ reference: chars(ALNUM, 1, 30), date: dateArb(2020, 2030), time: bhtTimeArb }),
      umo: fc.record({ code: fc.constantFrom('X3', 'PR', '2B', '36'), name: orgNameArb, payerId: chars(ALNUM, 2, 20) }),
      requester: entityArb.chain((entity) =>
        fc
          .record({
            code: entity.kind === 'person' ? fc.constant('1P') : fc.constantFrom('1P', 'FA'),
            entity: fc.constant(entity),
            npi: npiArb,
            ein: opt(digits(9)),
            address: opt(addressArb),
            contact: opt(contactArb(entity.kind === 'organization'), 3),
          })
          .map(dropUndefined),
      ),
      subscriber: fc
        .record({ name: personNameArb, memberId: chars(ALNUM, 2, 20), birthDate: opt(dateArb(1930, 2010), 4), gender: opt(fc.constantFrom('F' as const, 'M' as const, 'U' as const), 4) })
        .map(demographics),
      dependent: opt(
        fc
          .record({
            name: personNameArb,
            birthDate: opt(dateArb(2000, 2025), 4),
            gender: opt(fc.constantFrom('F' as const, 'M' as const, 'U' as const), 4),
            relationship: fc.constantFrom('01' as const, '19' as const, 'G8' as const),
          })
          .map(demographics),
      ),
      um: eventUmArb,
      trace: traceArb,
      eventDate: opt(dateValueArb, 3),
      admissionDate: opt(dateValueArb),
      delivery: rare(deliveryArb),
      admission: opt(admissionArb),
      providers: fc.array(providerArb(providerSpecialty), { maxLength: maxProviders }),
      services: fc.array(serviceLineArb, { minLength: minServices, maxLength: maxServices, size: 'max' }),
    })
    .chain((r) =>
      diagnosesArb(r.um.requestCategory === 'AR').map((diagnoses): X217Request => {
        const event: X217Request['event'] = { trace: r.trace, um: r.um, diagnoses, providers: r.providers };
        if (r.eventDate !== undefined) event.eventDate = r.eventDate;
        if (r.admissionDate !== undefined) event.admissionDate = r.admissionDate;
        if (r.admission !== undefined) event.admission = r.admission;
        if (r.delivery !== undefined) event.delivery = r.delivery;
        const out: X217Request = {
          delimiters: r.delimiters.delimiters,
          lineStyle: r.delimiters.lineStyle,
          envelope: r.envelope,
          bht: r.bht,
          umo: r.umo,
          requester: r.requester,
          subscriber: r.subscriber,
          event,
          services: r.services,
        };
        if (r.dependent !== undefined) out.dependent = r.dependent;
        return out;
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// Rendering

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** DMG is written only with a birth date (DMG01 D8, DMG02); a gender alone is dropped with it. */
function demographics<T extends { birthDate?: string; gender?: string }>(p: T): T {
  if (p.birthDate === undefined) delete p.gender;
  return dropUndefined(p);
}

const date = (d: DateValue): [string, string] => (d.format === 'D8' ? ['D8', d.date] : ['RD8', `${d.start}-${d.end}`]);

function nm1(code: string, entity: Entity, idQualifier = '', id = ''): string[] {
  if (entity.kind === 'organization') return ['NM1', code, '2', entity.name, '', '', '', '', idQualifier, id];
  const n = entity.name;
  return ['NM1', code, '1', n.last, n.first ?? '', n.middle ?? '', n.prefix ?? '', n.suffix ?? '', idQualifier, id];
}

function address(a: Address | undefined): string[][] {
  if (a === undefined) return [];
  return [
    ['N3', a.line1, a.line2 ?? ''],
    ['N4', a.city, a.state, a.postalCode, a.country ?? ''],
  ];
}

function per(c: Contact | undefined): string[][] {
  if (c === undefined) return [];
  return [['PER', 'IC', c.name ?? '', ...c.numbers.flatMap((n) => [n.qualifier, n.value])]];
}

function um(u: LineUm | EventUm, comp: (...c: string[]) => string): string[] {
  const e = u as Partial<EventUm>;
  return ['UM', u.requestCategory, u.certificationType ?? '', u.serviceType ?? '', u.facility ? comp(u.facility.code, u.facility.qualifier) : '', '', e.levelOfService ?? ''];
}

function hsd(h: Delivery): string[] {
  return ['HSD', h.quantityQualifier, h.quantity, h.period?.unit ?? '', h.period?.count ?? '', h.bounds?.unit ?? '', h.bounds?.count ?? '', h.calendarPattern ?? '', h.deliveryPattern ?? ''];
}

/**
 * The transaction body, BHT to the last segment before SE, as `[id, e01, ...]` with composites
 * joined by the model's component separator (trailing empty elements are left for the writer
 * to drop).
 */
export function x217Segments(r: X217Request): string[][] {
  const c = r.delimiters.component;
  const comp = (...parts: string[]): string => {
    let n = parts.length;
    while (n > 1 && parts[n - 1] === '') n--;
    return parts.slice(0, n).join(c);
  };
  const segs: string[][] = [['BHT', '0007', '13', r.bht.reference, r.bht.date, r.bht.time]];
  let hl = 0;
  const level = (parent: number, code: string, child: boolean): number => {
    hl++;
    segs.push(['HL', String(hl), parent === 0 ? '' : String(parent), code, child ? '1' : '0']);
    return hl;
  };
  const a = level(0, '20', true);
  segs.push(nm1(r.umo.code, { kind: 'organization', name: r.umo.name }, 'PI', r.umo.payerId));
  const b = level(a, '21', true);
  const q = r.requester;
  segs.push(nm1(q.code, q.entity, 'XX', q.npi));
  if (q.ein !== undefined) segs.push(['REF', 'EI', q.ein]);
  segs.push(...address(q.address), ...per(q.contact));
  const s = r.subscriber;
  let patient = level(b, '22', true);
  segs.push(nm1('IL', { kind: 'person', name: s.name }, 'MI', s.memberId));
  if (s.birthDate !== undefined) segs.push(['DMG', 'D8', s.birthDate, s.gender ?? '']);
  const d = r.dependent;
  if (d !== undefined) {
    patient = level(patient, '23', true);
    segs.push(nm1('QC', { kind: 'person', name: d.name }));
    if (d.birthDate !== undefined) segs.push(['DMG', 'D8', d.birthDate, d.gender ?? '']);
    segs.push(['INS', 'N', d.relationship]);
  }
  const e = r.event;
  const ev = level(patient, 'EV', r.services.length > 0);
  segs.push(['TRN', '1', e.trace.number, e.trace.org]);
  segs.push(um(e.um, comp));
  if (e.eventDate !== undefined) segs.push(['DTP', 'AAH', ...date(e.eventDate)]);
  if (e.admissionDate !== undefined) segs.push(['DTP', '435', ...date(e.admissionDate)]);
  segs.push(['HI', ...e.diagnoses.map((x) => comp(x.qualifier, x.code))]);
  if (e.delivery !== undefined) segs.push(hsd(e.delivery));
  if (e.admission !== undefined) {
    const x = e.admission;
    segs.push(['CL1', x.type, x.source ?? '', x.patientStatus ?? '', x.nursingHome ?? '']);
  }
  for (const p of e.providers) {
    segs.push(nm1(p.role, p.entity, p.npi === undefined ? '' : 'XX', p.npi ?? ''));
    segs.push(...address(p.address), ...per(p.contact));
    if (p.specialty !== undefined) segs.push(['PRV', p.specialty.function, 'PXC', p.specialty.taxonomy]);
  }
  for (const line of r.services) {
    level(ev, 'SS', false);
    if (line.trace !== undefined) segs.push(['TRN', '1', line.trace.number, line.trace.org]);
    if (line.um !== undefined) segs.push(um(line.um, comp));
    if (line.serviceDate !== undefined) segs.push(['DTP', '472', ...date(line.serviceDate)]);
    const sv = line.service;
    if (sv?.kind === 'SV1') segs.push(['SV1', comp('HC', sv.procedure, ...sv.modifiers), sv.charge ?? '', sv.unit, sv.quantity]);
    else if (sv?.kind === 'SV2') segs.push(['SV2', sv.revenue, sv.procedure === undefined ? '' : comp('HC', sv.procedure), sv.charge ?? '', sv.unit, sv.quantity]);
    if (line.delivery !== undefined) segs.push(hsd(line.delivery));
  }
  return segs;
}

/**
 * The request as a whole interchange (ISA ... IEA), written by X12Writer with the model's
 * delimiters and line style. `body` replaces the transaction body (default `x217Segments(r)`), to
 * write a variant the model cannot express; SE01 is counted either way.
 */
export function renderX217(r: X217Request, body: readonly (readonly string[])[] = x217Segments(r)): string {
  const env = r.envelope;
  const when = new Date(
    Date.UTC(Number(env.date.slice(0, 4)), Number(env.date.slice(4, 6)) - 1, Number(env.date.slice(6, 8)), Number(env.time.slice(0, 2)), Number(env.time.slice(2, 4))),
  );
  const w = new X12Writer({ delimiters: delimitersFromStrings(r.delimiters), lineEnding: r.lineStyle, now: () => when });
  w.beginInterchange({ senderQualifier: 'ZZ', sender: env.sender, receiverQualifier: 'ZZ', receiver: env.receiver, control: env.interchangeControl, usage: env.usage });
  w.beginGroup({ functionalId: 'HI', sender: env.sender, receiver: env.receiver, version: '005010X217', control: env.groupControl });
  w.beginTransaction('278', '005010X217', env.transactionControl);
  for (const s of body) w.segment(s);
  w.endInterchange();
  return w.toString();
}

/** `renderX217` as bytes (the model is ASCII). */
export function renderX217Bytes(r: X217Request, body?: readonly (readonly string[])[]): Buffer {
  return Buffer.from(renderX217(r, body), 'latin1');
}
