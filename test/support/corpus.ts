/**
 * Shared helpers for the property, differential and round-trip tests of the x12 layer:
 * the read-only corpus, tokenizer/reader runs (whole or chunked), plain views of what they
 * produce (for deep equality), and a fast-check generator of legal interchanges written with
 * X12Writer (used by properties.test.ts and roundtrip.test.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import {
  Tokenizer,
  X12Reader,
  X12Writer,
  type Finding,
  type Segment,
  type X12Event,
} from '../../src/x12/index.js';
import { sharedPath } from './shared.js';

// ---------------------------------------------------------------------------------------------
// Corpus

/** `../shared/corpus/x12/` (read-only; never copied into the project; read inside `describeShared`). */
export const CORPUS_X12 = sharedPath('corpus/x12');

export interface CorpusFile {
  /** `folder/file.x12` */
  name: string;
  bytes: Buffer;
}

/** Every `*.x12` file of every corpus folder, sorted by name. */
export function corpusFiles(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const dir of readdirSync(CORPUS_X12).sort()) {
    for (const f of readdirSync(CORPUS_X12 + dir).sort()) {
      if (f.endsWith('.x12')) out.push({ name: `${dir}/${f}`, bytes: readFileSync(`${CORPUS_X12}${dir}/${f}`) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running the tokenizer and the reader

/** Splits `buf` at the given cut positions (any order, duplicates and out-of-range ignored). */
export function splitAt(buf: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  out.push(buf.subarray(at));
  return out;
}

export interface Tokenized {
  segments: Segment[];
  findings: Finding[];
}

/** Tokenizes `input`, pushed as the given chunks (default: one chunk). */
export function tokenize(input: Uint8Array, chunks: readonly Uint8Array[] = [input]): Tokenized {
  const segments: Segment[] = [];
  const findings: Finding[] = [];
  const t = new Tokenizer({ segment: (s) => segments.push(s), finding: (f) => findings.push(f) });
  for (const c of chunks) t.push(c);
  t.end();
  return { segments, findings };
}

/** Reads `input` with X12Reader, pushed as the given chunks (default: one chunk). */
export function readChunks(chunks: readonly Uint8Array[]): X12Event[] {
  const events: X12Event[] = [];
  const reader = new X12Reader({
    transaction: (transaction) => events.push({ kind: 'transaction', transaction }),
    groupEnd: (group) => events.push({ kind: 'group-end', group }),
    interchangeEnd: (interchange) => events.push({ kind: 'interchange-end', interchange }),
    finding: (finding) => events.push({ kind: 'finding', finding }),
  });
  for (const c of chunks) reader.push(c);
  reader.end();
  return events;
}

// ---------------------------------------------------------------------------------------------
// Plain views (for toEqual)

export interface SegmentView {
  id: string;
  elements: string[];
  offset: number;
  ordinal: number;
  lead: string;
  terminated: boolean;
}

export function segmentView(s: Segment): SegmentView {
  return { id: s.id, elements: [...s.elements()], offset: s.offset, ordinal: s.ordinal, lead: s.lead(), terminated: s.terminated };
}

/** `[id, e01, e02, ...]` of each segment. */
export function segmentElements(segs: readonly Segment[]): string[][] {
  return segs.map((s) => [...s.elements()]);
}

/** Everything an event tells, as plain data (segments as views, findings as they are). */
export function eventView(e: X12Event): unknown {
  switch (e.kind) {
    case 'transaction': {
      const t = e.transaction;
      return {
        kind: e.kind,
        index: t.index,
        interchange: t.interchange.index,
        group: t.group?.index ?? null,
        type: t.type,
        control: t.control,
        implementation: t.implementation,
        segmentCount: t.segmentCount,
        accepted: t.accepted,
        findings: t.findings.map((f) => ({ ...f })),
        segments: t.segments.map(segmentView),
      };
    }
    case 'group-end': {
      const g = e.group;
      return {
        kind: e.kind,
        index: g.index,
        interchange: g.interchange.index,
        gs: segmentView(g.gs),
        control: g.control,
        functionalId: g.functionalId,
        version: g.version,
        transactionCount: g.transactionCount,
        declaredCount: g.declaredCount,
        acceptedCount: g.acceptedCount,
        open: g.open,
        findings: g.findings.map((f) => ({ ...f })),
      };
    }
    case 'interchange-end': {
      const i = e.interchange;
      return {
        kind: e.kind,
        index: i.index,
        isa: segmentView(i.isa),
        control: i.control,
        delimiters: { ...i.delimiters },
        lineEnding: i.lineEnding,
        rejected: i.rejected,
        groupCount: i.groupCount,
        open: i.open,
        findings: i.findings.map((f) => ({ ...f })),
      };
    }
    case 'finding':
      return { kind: e.kind, finding: { ...e.finding } };
  }
}

export { allFindings } from './x12.js';

export { isTrivia as isTriviaByte } from '../../src/x12/index.js';

// ---------------------------------------------------------------------------------------------
// Generated interchanges

export interface GenDelimiters {
  element: string;
  component: string;
  /** '' = none (ISA11 `U`). */
  repetition: string;
  segment: string;
}

export type LineEnding = '' | '\n' | '\r\n';

export interface GenTransaction {
  type: string;
  control: string;
  /** Body segments (between ST and SE), `[id, e01, ...]`, trailing empty elements trimmed. */
  body: string[][];
}

export interface GenGroup {
  functionalId: string;
  sender: string;
  receiver: string;
  version: string;
  control: string;
  date: Date;
  transactions: GenTransaction[];
}

export interface GenInterchange {
  delimiters: GenDelimiters;
  /** The writer's `lineEnding` option. */
  lineEnding: LineEnding;
  /** Indentation written (as `lead`, after the line ending) before each body segment. */
  indent: string;
  finalLineEnding: boolean;
  senderQualifier: string;
  sender: string;
  receiverQualifier: string;
  receiver: string;
  control: string;
  version: '00501' | '00401';
  usage: 'P' | 'T' | 'I';
  ackRequested: boolean;
  date: Date;
  groups: GenGroup[];
}

export interface GenFile {
  interchanges: GenInterchange[];
}

export interface WrittenFile {
  bytes: Buffer;
  /** Every segment, ISA through the last IEA, as `[id, e01, ...]` (built independently of the writer). */
  expected: string[][];
  /** Number of transaction sets. */
  transactions: number;
}

/** Non-alphanumeric printable ASCII (no space) and control characters (no TAB, CR, LF). */
const DELIMITER_POOL: string[] = (() => {
  const out: string[] = [];
  for (let c = 0; c < 0x80; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9]/.test(ch)) continue;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    out.push(ch);
  }
  return out;
})();

/** Four distinct legal delimiters; the terminator is sometimes '\n', the repetition sometimes absent. */
export const delimitersArb: fc.Arbitrary<GenDelimiters> = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...DELIMITER_POOL), { minLength: 4, maxLength: 4 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([[a, b, c, d], noRepetition, newlineTerm]) => ({
    element: a!,
    component: b!,
    repetition: noRepetition ? '' : c!,
    segment: newlineTerm === 0 ? '\n' : d!,
  }))
  // The common real-world sets, so that they are always well represented.
  .chain((d) =>
    fc.oneof(
      { arbitrary: fc.constant(d), weight: 4 },
      { arbitrary: fc.constantFrom<GenDelimiters>(
        { element: '*', component: ':', repetition: '^', segment: '~' },
        { element: '*', component: '>', repetition: '^', segment: '~' },
        { element: '|', component: '^', repetition: '', segment: '\n' },
      ), weight: 1 },
    ),
  );

/** Extra data characters beyond printable ASCII: some non-ASCII letters (written as UTF-8) and a TAB. */
const EXTRA_DATA = ['é', 'Ü', 'ß', '€', '中', '\t', '\u0001', '\u007f'];

function dataCharArb(d: GenDelimiters): fc.Arbitrary<string> {
  const banned = new Set([d.element, d.component, d.repetition, d.segment, '\r', '\n']);
  const pool: string[] = [];
  for (let c = 0x20; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (!banned.has(ch)) pool.push(ch);
  }
  for (const ch of EXTRA_DATA) if (!banned.has(ch)) pool.push(ch);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), weight: 3 },
    { arbitrary: fc.constantFrom(...pool), weight: 2 },
  );
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = UPPER + '0123456789';
const ENVELOPE_IDS = new Set(['ISA', 'IEA', 'GS', 'GE', 'ST', 'SE']);

/** A segment id: an upper-case letter, then one or two upper-case letters or digits; never an envelope id. */
export const segmentIdArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...UPPER), fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 2 }))
  .map(([a, b]) => a + b)
  .filter((id) => !ENVELOPE_IDS.has(id));

function trimTrailingEmpty(els: string[]): string[] {
  let n = els.length;
  while (n > 1 && els[n - 1] === '') n--;
  return els.slice(0, n);
}

function bodySegmentArb(d: GenDelimiters): fc.Arbitrary<string[]> {
  const value = fc.oneof(
    { arbitrary: fc.constant(''), weight: 1 },
    { arbitrary: fc.string({ unit: dataCharArb(d), minLength: 1, maxLength: 12 }), weight: 3 },
  );
  return fc.tuple(segmentIdArb, fc.array(value, { maxLength: 10 })).map(([id, els]) => trimTrailingEmpty([id, ...els]));
}

const alnumArb = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: min, maxLength: max });

const dateArb = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31, 23, 59)), noInvalidDate: true });

/** GS01 / ST01 / GS08 combinations the framer accepts (GS01 fits ST01; 005010 versions). */
const SET_KINDS: Array<{ functionalId: string; type: string; version: string }> = [
  { functionalId: 'HI', type: '278', version: '005010X217' },
  { functionalId: 'HI', type: '278', version: '005010X215' },
  { functionalId: 'HS', type: '270', version: '005010X279A1' },
  { functionalId: 'FA', type: '999', version: '005010X231A1' },
  { functionalId: 'IN', type: '810', version: '005010' },
];

function groupArb(d: GenDelimiters, control: number): fc.Arbitrary<GenGroup> {
  return fc
    .record({
      kind: fc.constantFrom(...SET_KINDS),
      sender: alnumArb(2, 15),
      receiver: alnumArb(2, 15),
      date: dateArb,
      txBase: fc.integer({ min: 1, max: 99_990 }),
      // ST02 is 4-9 characters of any kind (AN); sometimes not just digits, not just ASCII.
      txPrefix: fc.option(fc.string({ unit: dataCharArb(d), minLength: 1, maxLength: 3 }), { freq: 4 }),
      bodies: fc.array(fc.array(bodySegmentArb(d), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
    })
    .map(({ kind, sender, receiver, date, txBase, txPrefix, bodies }) => ({
      functionalId: kind.functionalId,
      sender,
      receiver,
      version: kind.version,
      control: String(control),
      date,
      transactions: bodies.map((body, i) => ({
        type: kind.type,
        control: txPrefix === null ? String(txBase + i).padStart(4, '0') : txPrefix + String(i).padStart(3, '0'),
        body,
      })),
    }));
}

function interchangeArb(control: number): fc.Arbitrary<GenInterchange> {
  return delimitersArb.chain((delimiters) =>
    fc.record({
      delimiters: fc.constant(delimiters),
      lineEnding: fc.constantFrom<LineEnding>('', '\n', '\r\n'),
      indent: fc.constantFrom('', '', '  ', '    ', '\t', ' \t'),
      finalLineEnding: fc.boolean(),
      senderQualifier: fc.constantFrom('ZZ', '01', '30', '33'),
      sender: alnumArb(1, 15),
      receiverQualifier: fc.constantFrom('ZZ', '01', '30', '33'),
      receiver: alnumArb(1, 15),
      control: fc.constant(String(control)),
      version: fc.constantFrom<'00501' | '00401'>('00501', '00501', '00401'),
      usage: fc.constantFrom<'P' | 'T' | 'I'>('P', 'T', 'I'),
      ackRequested: fc.boolean(),
      date: dateArb,
      groups: fc
        .integer({ min: 1, max: 999_000 })
        .chain((gBase) => fc.tuple(...[0, 1, 2].map((i) => groupArb(delimiters, gBase + i))))
        .chain((gs) => fc.integer({ min: 1, max: 3 }).map((n) => gs.slice(0, n))),
    }),
  );
}

/** A file of one (mostly) or two interchanges, each with its own delimiters and line style. */
export const genFileArb: fc.Arbitrary<GenFile> = fc
  .tuple(fc.integer({ min: 1, max: 999_999_000 }), fc.integer({ min: 1, max: 4 }))
  .chain(([base, n]): fc.Arbitrary<GenInterchange[]> =>
    n === 4 ? fc.tuple(interchangeArb(base), interchangeArb(base + 1)) : fc.tuple(interchangeArb(base)),
  )
  .map((interchanges) => ({ interchanges }));

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Writes the file with X12Writer (one writer per interchange, interchanges concatenated), and
 * builds the expected segment list independently of the writer.
 */
export function writeGenFile(file: GenFile): WrittenFile {
  let text = '';
  const expected: string[][] = [];
  let transactions = 0;
  for (const ic of file.interchanges) {
    const d = ic.delimiters;
    const w = new X12Writer({
      delimiters: {
        element: d.element.charCodeAt(0),
        component: d.component.charCodeAt(0),
        repetition: d.repetition === '' ? -1 : d.repetition.charCodeAt(0),
        segment: d.segment.charCodeAt(0),
      },
      lineEnding: ic.lineEnding,
      finalLineEnding: ic.finalLineEnding,
    });
    const isaControl = w.beginInterchange({
      senderQualifier: ic.senderQualifier,
      sender: ic.sender,
      receiverQualifier: ic.receiverQualifier,
      receiver: ic.receiver,
      control: ic.control,
      version: ic.version,
      usage: ic.usage,
      ackRequested: ic.ackRequested,
      date: ic.date,
    });
    const dt = ic.date;
    expected.push([
      'ISA', '00', ' '.repeat(10), '00', ' '.repeat(10),
      ic.senderQualifier, ic.sender.padEnd(15), ic.receiverQualifier, ic.receiver.padEnd(15),
      two(dt.getUTCFullYear() % 100) + two(dt.getUTCMonth() + 1) + two(dt.getUTCDate()),
      two(dt.getUTCHours()) + two(dt.getUTCMinutes()),
      ic.version === '00501' && d.repetition !== '' ? d.repetition : 'U',
      ic.version, ic.control.padStart(9, '0'), ic.ackRequested ? '1' : '0', ic.usage, d.component,
    ]);
    for (const g of ic.groups) {
      w.beginGroup({ functionalId: g.functionalId, sender: g.sender, receiver: g.receiver, version: g.version, control: g.control, date: g.date });
      const gd = g.date;
      expected.push([
        'GS', g.functionalId, g.sender, g.receiver,
        String(gd.getUTCFullYear()) + two(gd.getUTCMonth() + 1) + two(gd.getUTCDate()),
        two(gd.getUTCHours()) + two(gd.getUTCMinutes()),
        g.control, 'X', g.version,
      ]);
      for (const t of g.transactions) {
        w.beginTransaction(t.type, g.version, t.control);
        expected.push(['ST', t.type, t.control, g.version]);
        for (const seg of t.body) {
          w.segment(seg, ic.lineEnding + ic.indent);
          expected.push(seg);
        }
        w.endTransaction();
        expected.push(['SE', String(t.body.length + 2), t.control]);
        transactions++;
      }
      w.endGroup();
      expected.push(['GE', String(g.transactions.length), g.control]);
    }
    w.endInterchange();
    expected.push(['IEA', String(ic.groups.length), isaControl]);
    text += w.toString();
  }
  return { bytes: Buffer.from(text, 'utf8'), expected, transactions };
}
