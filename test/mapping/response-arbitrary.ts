/**
 * A fast-check generator of random, valid 005010X217 278 responses, as segment lists in grammar
 * order: every HCR action, AAA at every level (2000A, 2010A, 2010B, 2010C, 2010D, 2000E, 2000F,
 * 2010EA), modified lines (A6) with SV1 and UM, certification dates, REF*BB/NT, MSG, authorized
 * providers, PWK document requests; `renderResponse` writes one as an interchange with the project's X12Writer.
 *
 * Kept within what the response rows carry both ways: reject reasons the errorElement table names
 * (so an AAA's errorElement does not depend on its neighbours), AAA of a line or provider only on
 * the first one (the writer puts errors without an errorPath there), an event decision only when
 * no line has its own.
 */
import fc from 'fast-check';
import { X12Writer } from '../../src/x12/index.js';
import { npiArb, PROVIDER_ROLES, SERVICE_TYPES } from '../support/x217-arbitrary.js';

export type Seg = string[];

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const chars = (set: string, min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });
const word = chars(UPPER, 2, 10);
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
const dayOf = (y: number): number => Math.floor(Date.UTC(y, 0, 1) / 86_400_000);
const ymd = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
const dateArb = fc.integer({ min: dayOf(2024), max: dayOf(2028) }).map(ymd);
const periodArb = fc.tuple(fc.integer({ min: dayOf(2024), max: dayOf(2028) }), fc.integer({ min: 0, max: 200 })).map(([d, n]) => [ymd(d), ymd(d + n)] as const);

const ACTIONS = ['A1', 'A2', 'A3', 'A4', 'A6', 'C', 'CT', 'NA'] as const;
const REASONS = ['0U', '0V', '35', 'AJ'] as const;
const FOLLOW_UPS = ['C', 'N', 'R'] as const;
/** AAA03 by loop: reasons listed in mappings/response/codes/aaa-element.json with a segment the loop holds. */
const REJECTS: Readonly<Record<string, readonly string[]>> = {
  '2000A': ['42'],
  '2010A': ['T4', '79'],
  '2010B': ['43', '44'],
  '2010C': ['72', '73', '75'],
  '2010D': ['64', '65', '67'],
  '2000E': ['15', '33'],
  '2000F': ['15', '33'],
  '2010EA': ['43', '44', '51'],
};

interface Decision {
  action: (typeof ACTIONS)[number];
  number?: string;
  reason?: string;
  secondOpinion?: 'Y' | 'N';
}

const decisionArb: fc.Arbitrary<Decision> = fc.record(
  { action: fc.constantFrom(...ACTIONS), number: opt(chars(UPPER + DIGITS, 6, 12)), reason: opt(fc.constantFrom(...REASONS)), secondOpinion: opt(fc.constantFrom('Y' as const, 'N' as const)) },
  { requiredKeys: ['action'] },
);

const traceArb = fc.tuple(chars(UPPER + DIGITS, 4, 16), chars(DIGITS, 10, 10));
const aaaArb = (loop: string): fc.Arbitrary<Seg> => fc.tuple(fc.constantFrom(...REJECTS[loop]!), fc.constantFrom(...FOLLOW_UPS)).map(([r, f]) => ['AAA', 'N', '', r, f]);
const aaasArb = (loop: string): fc.Arbitrary<Seg[]> => fc.oneof({ weight: 4, arbitrary: fc.constant<Seg[]>([]) }, { weight: 1, arbitrary: fc.array(aaaArb(loop), { minLength: 1, maxLength: 2 }) });

interface Provider {
  role: string;
  person: boolean;
  name: string[];
  npi: string;
  taxonomy?: string;
}
/** 2010FA NM101: the line-level provider keys (no 71, AAJ, DN). */
const LINE_ROLES = ['1T', '72', '73', '77', 'DD', 'DK', 'DQ', 'FA', 'G3', 'P3', 'QB', 'QV', 'SJ'] as const;
const providerOf = (roles: readonly string[]): fc.Arbitrary<Provider> => fc.record(
  { role: fc.constantFrom(...roles), person: fc.boolean(), name: fc.tuple(word, word), npi: npiArb, taxonomy: opt(fc.constantFrom('207X00000X', '208D00000X', '363L00000X')) },
  { requiredKeys: ['role', 'person', 'name', 'npi'] },
);
const providerArb = providerOf(PROVIDER_ROLES);
const providerSegs = (p: Provider): Seg[] => [
  p.person ? ['NM1', p.role, '1', p.name[0]!, p.name[1]!, '', '', '', 'XX', p.npi] : ['NM1', p.role, '2', `${p.name[0]} ${p.name[1]}`, '', '', '', '', 'XX', p.npi],
  ...(p.taxonomy !== undefined ? [['PRV', 'PE', 'PXC', p.taxonomy]] : []),
];

/** A PWK asking for documents: report type (755), transmission (756), maybe a control number and a description. */
const pwkArb: fc.Arbitrary<Seg> = fc
  .tuple(fc.constantFrom('03', '04', '05', '06', '09', '10', '11', '15', 'AS', 'B2', 'B3', 'OZ'), fc.constantFrom('AA', 'BM', 'EL', 'EM', 'FX'), opt(chars(UPPER + DIGITS, 5, 12)), opt(fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' '))))
  .map(([type, how, control, text]) => {
    const s: Seg = ['PWK', type, how, '', '', control !== undefined ? 'AC' : '', control ?? '', text ?? ''];
    while (s[s.length - 1] === '') s.pop();
    return s;
  });

interface Line {
  trace: readonly [string, string];
  decision?: Decision;
  refBB?: string;
  dates?: readonly [string, string];
  issued?: string;
  certified?: readonly [string, string];
  service: { code: string; charge: number; units: number; type: string };
  msg?: string;
  provider?: Provider;
  pwk: Seg[];
}

const lineArb: fc.Arbitrary<Line> = fc.record(
  {
    trace: traceArb,
    decision: opt(decisionArb),
    refBB: opt(chars(UPPER + DIGITS, 5, 10)),
    dates: opt(periodArb),
    issued: opt(dateArb),
    certified: opt(periodArb),
    service: fc.record({ code: chars(DIGITS, 5, 5), charge: fc.integer({ min: 1, max: 5000 }), units: fc.integer({ min: 1, max: 60 }), type: fc.constantFrom(...SERVICE_TYPES) }),
    msg: opt(fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '))),
    provider: opt(providerOf(LINE_ROLES)),
    pwk: fc.array(pwkArb, { maxLength: 2 }),
  },
  { requiredKeys: ['trace', 'service', 'pwk'] },
);

export interface GenResponse {
  bht03: string;
  date: string;
  dependent: boolean;
  segments: Seg[];
}

const hcr = (d: Decision): Seg => {
  const s: Seg = ['HCR', d.action, d.number ?? '', d.reason ?? '', d.secondOpinion ?? ''];
  while (s.length > 2 && s[s.length - 1] === '') s.pop();
  return s;
};

/** A random valid X217 response, as its body (BHT ... last segment). */
export const x217ResponseArb: fc.Arbitrary<GenResponse> = fc
  .record({
    bht03: chars(UPPER + DIGITS, 6, 20),
    date: dateArb,
    umo: fc.tuple(word, chars(DIGITS, 5, 5)),
    requester: providerArb,
    subscriber: fc.tuple(word, word, chars(UPPER + DIGITS, 8, 12)),
    dependent: opt(fc.tuple(word, word, dateArb, fc.constantFrom('F', 'M'))),
    echo: opt(traceArb),
    umoTrace: opt(traceArb),
    event: opt(decisionArb),
    eventDates: opt(periodArb),
    admission: opt(dateArb),
    eventMsg: opt(fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '))),
    eventPwk: fc.array(pwkArb, { maxLength: 2 }),
    providers: fc.array(providerArb, { maxLength: 2 }),
    lines: fc.array(lineArb, { maxLength: 3 }),
    aaa: fc.record({ a: aaasArb('2000A'), a10: aaasArb('2010A'), b10: aaasArb('2010B'), c10: aaasArb('2010C'), d10: aaasArb('2010D'), e: aaasArb('2000E'), f: aaasArb('2000F'), ea: aaasArb('2010EA') }),
    rejectOnly: fc.boolean(),
  })
  .map((m) => {
    const hasLines = m.lines.length > 0;
    // An event decision only when no line has its own (an event decision every line overrides has no place in PAS).
    const eventDecision = hasLines && m.lines.some((l) => l.decision !== undefined) ? undefined : m.event;
    const event = eventDecision;
    const rejected = m.rejectOnly && m.aaa.c10.length > 0;
    const s: Seg[] = [['BHT', '0007', '11', m.bht03, m.date, '1015']];
    let hl = 0;
    const level = (parent: number, code: string, children: boolean): number => {
      s.push(['HL', String(++hl), parent === 0 ? '' : String(parent), code, children ? '1' : '0']);
      return hl;
    };
    const a = level(0, '20', true);
    s.push(...m.aaa.a, ['NM1', 'X3', '2', `${m.umo[0]} HEALTH`, '', '', '', '', 'PI', m.umo[1]], ...m.aaa.a10);
    const b = level(a, '21', true);
    const r = m.requester;
    s.push(r.person ? ['NM1', '1P', '1', r.name[0]!, r.name[1]!, '', '', '', 'XX', r.npi] : ['NM1', '1P', '2', `${r.name[0]} ${r.name[1]}`, '', '', '', '', 'XX', r.npi], ...m.aaa.b10);
    // A rejected subscriber ends the branch (as the sample's second set does).
    const c = level(b, '22', !rejected);
    s.push(['NM1', 'IL', '1', m.subscriber[0], m.subscriber[1], '', '', '', 'MI', m.subscriber[2]], ...m.aaa.c10);
    if (rejected) return { bht03: m.bht03, date: m.date, dependent: false, segments: s };
    let parent = c;
    if (m.dependent !== undefined) {
      parent = level(c, '23', true);
      s.push(['NM1', 'QC', '1', m.dependent[0], m.dependent[1]], ...m.aaa.d10, ['DMG', 'D8', m.dependent[2], m.dependent[3]]);
    }
    const e = level(parent, 'EV', hasLines);
    if (m.echo !== undefined) s.push(['TRN', '2', m.echo[0], m.echo[1]]);
    if (m.umoTrace !== undefined) s.push(['TRN', '1', m.umoTrace[0], m.umoTrace[1]]);
    s.push(...m.aaa.e);
    if (event?.action === 'A6') s.push(['UM', 'HS', 'I', '3']);
    if (event !== undefined) s.push(hcr(event));
    if (m.eventDates !== undefined) s.push(['DTP', 'AAH', 'RD8', `${m.eventDates[0]}-${m.eventDates[1]}`]);
    if (m.admission !== undefined) s.push(['DTP', '435', 'D8', m.admission]);
    s.push(...m.eventPwk);
    if (m.eventMsg !== undefined) s.push(['MSG', m.eventMsg]);
    m.providers.forEach((p, k) => {
      const [nm1, ...rest] = providerSegs(p);
      s.push(nm1!, ...(k === 0 ? m.aaa.ea : []), ...rest);
    });
    m.lines.forEach((l, k) => {
      level(e, 'SS', false);
      s.push(['TRN', '2', l.trace[0], l.trace[1]], ...(k === 0 ? m.aaa.f : []));
      const modified = l.decision?.action === 'A6';
      if (modified) s.push(['UM', 'HS', 'I', l.service.type]);
      if (l.decision !== undefined) s.push(hcr(l.decision));
      if (l.refBB !== undefined) s.push(['REF', 'BB', l.refBB]);
      if (l.dates !== undefined) s.push(['DTP', '472', 'RD8', `${l.dates[0]}-${l.dates[1]}`]);
      if (l.issued !== undefined) s.push(['DTP', '102', 'D8', l.issued]);
      if (l.certified !== undefined) s.push(['DTP', '036', 'D8', l.certified[1]], ['DTP', '007', 'D8', l.certified[0]]);
      // The service: the authorized version of a modified line; an echo (reported, not carried) otherwise.
      s.push(['SV1', `HC:${l.service.code}`, String(l.service.charge), 'UN', String(l.service.units)], ...l.pwk);
      if (l.msg !== undefined) s.push(['MSG', l.msg]);
      if (l.provider !== undefined) s.push(...providerSegs(l.provider));
    });
    return { bht03: m.bht03, date: m.date, dependent: m.dependent !== undefined, segments: s };
  });

/** The response as one interchange. */
export function renderResponse(r: GenResponse): string {
  const w = new X12Writer({ lineEnding: '\n', now: () => new Date(Date.UTC(2026, 10, 24, 10, 15)) });
  w.beginInterchange({ senderQualifier: 'ZZ', sender: 'UMOSENDER', receiverQualifier: 'ZZ', receiver: 'CLINIC', control: '000000777', usage: 'T' });
  w.beginGroup({ functionalId: 'HI', sender: 'UMOSENDER', receiver: 'CLINIC', version: '005010X217', control: '777' });
  w.beginTransaction('278', '005010X217', '0001');
  for (const seg of r.segments) w.segment(seg);
  w.endInterchange();
  return w.toString();
}
