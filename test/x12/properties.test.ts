/**
 * Property tests of the x12 reading layer (tokenizer + framer), with fast-check:
 *
 * 1. Write -> read: random legal interchanges (random delimiters, line styles, indentation,
 *    1-3 groups of 1-4 transaction sets of 1-30 random segments), written with X12Writer, are
 *    tokenized back into exactly the segments written, and framed with every transaction set
 *    accepted and not one error finding.
 * 2. Chunking: any split of the input into chunks (1-byte chunks, cuts at and after terminators,
 *    inside CR LF, inside the ISA) gives the same segments (id, elements, offset, ordinal, lead)
 *    and the same findings and events as reading the whole buffer.
 *    Also for the corpus, for generated files inside other text (mail headers, BOM, stray "ISA"),
 *    for mutated inputs, and through the async `readX12` against `readX12Buffer`.
 * 3. Mutations: random byte mutations (flip, insert, delete, duplicate, truncate) of generated
 *    files and of the corpus never make reading throw; every transaction set is accepted exactly
 *    when it has no error finding; the number of transaction sets framed equals the number of ST
 *    segments tokenized (conservation), and X12Reader.stats agree; segments sit at their offsets;
 *    `element(n)` agrees with `elements()[n]`; a mutation either changes nothing read, or shows
 *    (a finding, or transaction sets that differ).
 * 4. Pinned counterexamples: the smallest cases the properties found while src/x12 was written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeShared, hasShared } from '../support/shared.js';
import { X12Reader, X12Writer, readX12, readX12Buffer, type Segment, type TransactionSet, type X12Event } from '../../src/x12/index.js';
import {
  allFindings,
  corpusFiles,
  eventView,
  genFileArb,
  readChunks,
  segmentElements,
  segmentView,
  splitAt,
  tokenize,
  writeGenFile,
  type GenFile,
  type Tokenized,
} from '../support/corpus.js';

/** The corpus when ../shared is there (the corpus-only properties below skip without it). */
const corpus = hasShared('corpus/x12') ? corpusFiles() : [];

/**
 * fast-check parameters: `numRuns` runs, and a time limit so that shrinking a failure cannot take
 * minutes (a failure found before the limit is still reported, with the smallest case so far).
 */
function runs(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, interruptAfterTimeLimit: 4_000 };
}

function transactionsOf(events: readonly X12Event[]): TransactionSet[] {
  return events.flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
}

function tokenizedView(t: Tokenized): unknown {
  return { segments: t.segments.map(segmentView), findings: t.findings.map((f) => ({ ...f })) };
}

/** Cut positions worth trying in `bytes`: at and right after each terminator, inside CR LF, all through each ISA. */
function specialCuts(bytes: Buffer, segs: readonly Segment[]): number[] {
  const out = new Set<number>();
  for (const s of segs) {
    const t = s.offset + s.length; // where the terminator (or the CR before a LF terminator) stands
    for (const p of [s.offset - s.lead().length, s.offset, s.offset + 1, s.offset + 2, s.offset + 3, t, t + 1, t + 2]) out.add(p);
    if (s.id === 'ISA') for (let k = 0; k <= 107; k++) out.add(s.offset + k);
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0d) out.add(i + 1);
  return [...out].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
}

/**
 * Chunkings of `bytes`, as cut positions (so that a counterexample prints short): every byte
 * (1-byte chunks), a fixed chunk size, or random cuts biased to the special positions.
 */
function cutsArb(bytes: Buffer): fc.Arbitrary<number[]> {
  const special = specialCuts(bytes, tokenize(bytes).segments);
  const len = bytes.length;
  const cut = special.length > 0 ? fc.oneof(fc.integer({ min: 0, max: len }), fc.constantFrom(...special)) : fc.integer({ min: 0, max: len });
  return fc.oneof(
    { arbitrary: fc.constant(1).map(() => Array.from({ length: len }, (_, i) => i)), weight: 1 },
    { arbitrary: fc.integer({ min: 2, max: 130 }).map((n) => Array.from({ length: Math.ceil(len / n) }, (_, i) => i * n)), weight: 1 },
    { arbitrary: fc.array(cut, { minLength: 1, maxLength: 60 }), weight: 3 },
  );
}

function expectSameReading(bytes: Buffer, cuts: readonly number[]): void {
  const chunks = splitAt(bytes, cuts);
  expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  expect(tokenizedView(tokenize(bytes, chunks))).toEqual(tokenizedView(tokenize(bytes)));
  const whole = readX12Buffer(bytes).map(eventView);
  expect(readChunks([bytes]).map(eventView)).toEqual(whole);
  expect(readChunks(chunks).map(eventView)).toEqual(whole);
}

// ---------------------------------------------------------------------------------------------
// Mutations

/** Byte strings a mutation likes to insert: delimiters, line breaks, envelope ids, a BOM. */
const TOKENS: string[] = ['~', '*', ':', '^', '>', '|', '\n', '\r', '\r\n', ' ', 'ISA', 'ISA*', 'IEA*1*', 'GS*', 'GE*1*', 'ST*278*', 'SE*', 'SE*3*0001~', 'ST*278*0001*005010X217~', '\u00ef\u00bb\u00bf', '\u0000', '\u00ff'];

type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'xor'; at: number; bit: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; from: number; len: number; to: number }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...Buffer.from('~*:^>|\n\r I S A E G T'))) }),
  fc.record({ op: fc.constant('xor' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 300 })) }),
  fc.record({ op: fc.constant('duplicate' as const), from: fc.nat(), len: fc.integer({ min: 1, max: 300 }), to: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of mutations) {
    const n = b.length;
    switch (m.op) {
      case 'flip':
        if (n > 0) b[m.at % n] = m.byte;
        break;
      case 'xor':
        if (n > 0) b[m.at % n] = b[m.at % n]! ^ (1 << m.bit);
        break;
      case 'insert': {
        const at = m.at % (n + 1);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text, 'latin1'), b.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = m.at % (n + 1);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      }
      case 'duplicate': {
        const from = m.from % (n + 1);
        const part = Buffer.from(b.subarray(from, from + m.len));
        const to = m.to % (n + 1);
        b = Buffer.concat([b.subarray(0, to), part, b.subarray(to)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, m.at % (n + 1));
        break;
    }
  }
  return b;
}

/** Where a test input comes from (printed in counterexamples instead of raw bytes). */
type Source = { corpus: string } | { generated: GenFile } | { noisy: [prefix: string, file: GenFile, suffix: string] };

function bytesOf(src: Source): Buffer {
  if ('corpus' in src) return corpus.find((c) => c.name === src.corpus)!.bytes;
  if ('generated' in src) return writeGenFile(src.generated).bytes;
  const [prefix, file, suffix] = src.noisy;
  return Buffer.concat([Buffer.from(prefix, 'latin1'), writeGenFile(file).bytes, Buffer.from(suffix, 'latin1')]);
}

/** Text around an interchange: mail headers, blank lines, a BOM, stray "ISA"s, random text. */
const noiseArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '\r\n', '\n\n  ', 'From: partner\r\nSubject: batch\r\n\r\n', '\u00ef\u00bb\u00bf', '\u00ef\u00bb\u00bf\r\n', 'xISAx', 'ISA', 'ISA*00*', 'ISA ', 'IS', 'junk ISA*x~ more'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('I', 'S', 'A', '*', '~', ' ', '\r', '\n', 'x'), maxLength: 12 }),
);

const corpusSourceArb: fc.Arbitrary<Source> | undefined = corpus.length > 0 ? fc.constantFrom(...corpus.map((c) => ({ corpus: c.name }))) : undefined;
const generatedSourceArb: fc.Arbitrary<Source> = genFileArb.map((generated) => ({ generated }));
const noisySourceArb: fc.Arbitrary<Source> = fc.tuple(noiseArb, genFileArb, noiseArb).map((noisy) => ({ noisy }));
/** The original files the mutations start from: generated files (some in noise) and the corpus (when there). */
const mutationSourceArb: fc.Arbitrary<Source> = fc.oneof(generatedSourceArb, noisySourceArb, ...(corpusSourceArb ? [corpusSourceArb] : []));
const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

/** A source, then chunk cuts chosen for its (mutated) bytes. */
function withCuts(src: fc.Arbitrary<Source>, mutations: fc.Arbitrary<Mutation[]>): fc.Arbitrary<{ src: Source; mutations: Mutation[]; cuts: number[] }> {
  return fc
    .tuple(src, mutations)
    .chain(([s, ms]) => cutsArb(mutate(bytesOf(s), ms)).map((cuts) => ({ src: s, mutations: ms, cuts })));
}

/** What the transaction sets carry: their segments and their envelope headers (ISA, GS). */
function transactionContent(events: readonly X12Event[]): string {
  return JSON.stringify(
    transactionsOf(events).map((t) => [t.interchange.isa.elements(), t.group?.gs.elements() ?? null, segmentElements(t.segments)]),
  );
}

/** What must hold for any input, however broken. */
function checkInvariants(bytes: Buffer): void {
  let events: X12Event[] = [];
  let tok: Tokenized = { segments: [], findings: [] };
  expect(() => {
    events = readChunks([bytes]);
    tok = tokenize(bytes);
  }).not.toThrow();
  const txs = transactionsOf(events);

  // Accepted exactly when there is no error finding (in particular: rejected => >= 1 error finding).
  for (const t of txs) expect(t.accepted).toBe(!t.findings.some((f) => f.severity === 'error'));

  // Conservation: every ST the tokenizer sees becomes one framed transaction set; the reader's
  // counts agree with the events and with the tokenizer.
  expect(txs.length).toBe(tok.segments.filter((s) => s.id === 'ST').length);
  const reader = new X12Reader({ transaction() {}, groupEnd() {}, interchangeEnd() {}, finding() {} });
  reader.push(bytes);
  reader.end();
  expect(reader.stats).toEqual({
    interchanges: events.filter((e) => e.kind === 'interchange-end').length,
    groups: events.filter((e) => e.kind === 'group-end').length,
    transactions: txs.length,
    accepted: txs.filter((t) => t.accepted).length,
    rejected: txs.filter((t) => !t.accepted).length,
    segments: tok.segments.length,
    bytes: bytes.length,
  });

  // Transactions start with their ST and keep input order; indices count up from 1.
  txs.forEach((t, i) => {
    expect(t.index).toBe(i + 1);
    expect(t.segments[0]?.id).toBe('ST');
    for (let k = 1; k < t.segments.length; k++) expect(t.segments[k]!.ordinal).toBeGreaterThan(t.segments[k - 1]!.ordinal);
  });

  // element(n), read before the segment is split, agrees with elements() (its documented meaning).
  tokenize(bytes).segments.forEach((fresh, i) => {
    const all = tok.segments[i]!.elements();
    const single = Array.from({ length: all.length + 2 }, (_, n) => fresh.element(n));
    expect(single, `${fresh.id} at ${fresh.offset}`).toEqual([...all, '', '']);
  });

  // Every segment stands where it says, with its lead right before it, and ordinals count up.
  tok.segments.forEach((s, i) => {
    expect(s.ordinal).toBe(i + 1);
    expect(bytes.toString('latin1', s.offset, s.offset + s.id.length)).toBe(s.id);
    const lead = s.lead();
    expect(bytes.toString('latin1', s.offset - lead.length, s.offset)).toBe(lead);
    expect(/^[\r\n \t]*$/.test(lead)).toBe(true);
    if (i > 0) expect(s.offset).toBeGreaterThan(tok.segments[i - 1]!.offset);
  });

  // Findings are well formed and point inside the input.
  for (const f of [...allFindings(events), ...tok.findings]) {
    expect(['error', 'warning', 'info']).toContain(f.severity);
    expect(f.code).toMatch(/^[A-Z0-9_]+$/);
    if (f.offset !== undefined) {
      expect(f.offset).toBeGreaterThanOrEqual(0);
      expect(f.offset).toBeLessThanOrEqual(bytes.length);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('x12 properties', () => {
  it('write -> tokenize gives back every segment; framing accepts every transaction set', () => {
    fc.assert(
      fc.property(genFileArb, (file) => {
        const written = writeGenFile(file);
        const tok = tokenize(written.bytes);
        expect(tok.findings).toEqual([]);
        expect(segmentElements(tok.segments)).toEqual(written.expected);
        for (const s of tok.segments) expect(s.terminated).toBe(true);

        // Each interchange is read with the delimiters it was written with.
        const isas = tok.segments.filter((s) => s.id === 'ISA');
        expect(isas.map((s) => s.delimiters)).toEqual(
          file.interchanges.map((ic) => ({
            element: ic.delimiters.element.charCodeAt(0),
            component: ic.delimiters.component.charCodeAt(0),
            repetition: ic.delimiters.repetition === '' || ic.version === '00401' ? -1 : ic.delimiters.repetition.charCodeAt(0),
            segment: ic.delimiters.segment.charCodeAt(0),
          })),
        );

        const events = readChunks([written.bytes]);
        expect(allFindings(events).filter((f) => f.severity === 'error')).toEqual([]);
        const txs = transactionsOf(events);
        expect(txs).toHaveLength(written.transactions);
        for (const t of txs) expect(t.accepted).toBe(true);
        // The framed transaction sets hold exactly the ST..SE runs written.
        const stRuns: string[][][] = [];
        let run: string[][] | null = null;
        for (const s of written.expected) {
          if (s[0] === 'ST') run = [];
          if (run !== null) run.push(s);
          if (s[0] === 'SE' && run !== null) {
            stRuns.push(run);
            run = null;
          }
        }
        expect(txs.map((t) => segmentElements(t.segments))).toEqual(stRuns);
        expect(events.filter((e) => e.kind === 'interchange-end')).toHaveLength(file.interchanges.length);
      }),
      runs(120),
    );
  });

  it('chunking: generated files read the same in any chunks as in one buffer', () => {
    fc.assert(
      fc.property(withCuts(generatedSourceArb, fc.constant([])), ({ src, cuts }) => expectSameReading(bytesOf(src), cuts)),
      runs(60),
    );
  });

  it('chunking: generated files inside other text read the same in any chunks as in one buffer', () => {
    fc.assert(
      fc.property(withCuts(noisySourceArb, fc.constant([])), ({ src, cuts }) => expectSameReading(bytesOf(src), cuts)),
      runs(60),
    );
  });

  describeShared('corpus/x12', 'the corpus in chunks', () => {
    it('chunking: corpus files read the same in any chunks as in one buffer', () => {
      fc.assert(
        fc.property(withCuts(corpusSourceArb!, fc.constant([])), ({ src, cuts }) => expectSameReading(bytesOf(src), cuts)),
        runs(80),
      );
    });
  });

  it('chunking: mutated inputs read the same in any chunks as in one buffer', () => {
    fc.assert(
      fc.property(withCuts(mutationSourceArb, mutationsArb), ({ src, mutations, cuts }) => expectSameReading(mutate(bytesOf(src), mutations), cuts)),
      runs(100),
    );
  });

  it('chunking: readX12 (async, any chunks) yields the same events as readX12Buffer', async () => {
    await fc.assert(
      fc.asyncProperty(withCuts(mutationSourceArb, mutationsArb), async ({ src, mutations, cuts }) => {
        const bytes = mutate(bytesOf(src), mutations);
        const events: X12Event[] = [];
        for await (const e of readX12(splitAt(bytes, cuts))) events.push(e);
        expect(events.map(eventView)).toEqual(readX12Buffer(bytes).map(eventView));
      }),
      runs(40),
    );
  });

  it('mutations: reading never throws, rejection always has a reason, ST count is conserved', () => {
    fc.assert(
      fc.property(mutationSourceArb, mutationsArb, (src, mutations) => {
        const original = bytesOf(src);
        const bytes = mutate(original, mutations);
        checkInvariants(bytes);
        // Either the mutation is invisible (the same segments are read: it hit only trivia), or
        // it shows: a finding, or transaction sets (with their ISA/GS) that differ. A change in a
        // segment outside the transaction sets (GE, IEA, junk between envelopes) must be reported.
        const before = readChunks([original]);
        const after = readChunks([bytes]);
        const same = JSON.stringify(segmentElements(tokenize(bytes).segments)) === JSON.stringify(segmentElements(tokenize(original).segments));
        const noticed = allFindings(after).length > 0 || transactionContent(after) !== transactionContent(before);
        expect(same || noticed, JSON.stringify(bytes.toString('latin1'))).toBe(true);
      }),
      runs(400),
    );
  });

  describeShared('corpus/x12', 'the corpus files', () => {
    it('the corpus files themselves satisfy the invariants', () => {
      expect(corpus.length).toBeGreaterThan(0);
      for (const c of corpus) checkInvariants(c.bytes);
    });
  });
});

/**
 * Small, fixed reproductions of failures the properties above found in src/x12 (the first two in
 * commit 26fbbc2, the last two in an intermediate version of the segment fast paths), so that
 * they cannot come back unnoticed.
 */
describe('x12 properties: pinned counterexamples', () => {
  const ISA_FIELDS = ['ISA', '00', '          ', '00', '          ', 'ZZ', 'A              ', 'ZZ', 'B              ', '000101', '0000', '^', '00501', '000000008', '0', 'P', ':'];

  it('newline as segment terminator with X12Writer lineEnding "\\n" (blank lines) reads back with no empty segments', () => {
    // Bytes: "ISA*...*:\n\nGS*...\n\nST*278*0001*005010X217\n\nAA\n\nSE*3*0001\n\nGE*1*1\n\nIEA*1*000000008\n"
    const w = new X12Writer({ delimiters: { element: 0x2a, component: 0x3a, repetition: 0x5e, segment: 0x0a }, lineEnding: '\n', finalLineEnding: false });
    w.beginInterchange({ senderQualifier: 'ZZ', sender: 'A', receiverQualifier: 'ZZ', receiver: 'B', control: '8', date: new Date(Date.UTC(2000, 0, 1)) });
    w.beginGroup({ functionalId: 'HI', sender: 'AA', receiver: 'AA', version: '005010X217', control: '1', date: new Date(Date.UTC(2000, 0, 1)) });
    w.beginTransaction('278', '005010X217', '0001');
    w.segment(['AA']);
    w.endInterchange();
    const bytes = Buffer.from(w.toString(), 'latin1');
    expect(bytes.toString('latin1')).toContain(':\n\nGS*');
    const tok = tokenize(bytes);
    expect(segmentElements(tok.segments)).toEqual([
      ISA_FIELDS,
      ['GS', 'HI', 'AA', 'AA', '20000101', '0000', '1', 'X', '005010X217'],
      ['ST', '278', '0001', '005010X217'],
      ['AA'],
      ['SE', '3', '0001'],
      ['GE', '1', '1'],
      ['IEA', '1', '000000008'],
    ]);
    expect(tok.findings).toEqual([]);
    const events = readChunks([bytes]);
    expect(allFindings(events).filter((f) => f.severity === 'error')).toEqual([]);
    const ic = events.find((e) => e.kind === 'interchange-end');
    expect(ic?.kind === 'interchange-end' && ic.interchange.lineEnding).toBe('\n');
  });

  it('a UTF-8 BOM split across chunks is still reported as BOM (info), as when read whole', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(ISA_FIELDS.join('*') + '~GS*HI*AA*AA*20000101*0000*1*X*005010X217~GE*0*1~IEA*1*000000008~', 'latin1'),
    ]);
    const whole = tokenize(bytes).findings;
    expect(whole).toEqual([expect.objectContaining({ severity: 'info', code: 'BOM', offset: 0 })]);
    for (const cut of [1, 2, 3, 4, 5, 6]) {
      expect(tokenize(bytes, splitAt(bytes, [cut])).findings, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('Segment.element(n) read first gives the same string as elements()[n] (mixed UTF-8 and non-UTF-8 bytes)', () => {
    // NM1*<E4 B8 AD = "中" in UTF-8>*<C1: not UTF-8>~ : the segment as a whole is not valid UTF-8.
    const nm1 = Buffer.concat([Buffer.from('NM1*', 'latin1'), Buffer.from('中', 'utf8'), Buffer.from([0x2a, 0xc1])]);
    const bytes = Buffer.concat([
      Buffer.from(ISA_FIELDS.join('*') + '~GS*HI*AA*AA*20000101*0000*1*X*005010X217~ST*278*0001*005010X217~', 'latin1'),
      nm1,
      Buffer.from('~SE*3*0001~GE*1*1~IEA*1*000000008~', 'latin1'),
    ]);
    const first = tokenize(bytes).segments.find((x) => x.id === 'NM1')!;
    const one = [first.element(1), first.element(2)];
    const all = tokenize(bytes).segments.find((x) => x.id === 'NM1')!.elements();
    expect(one).toEqual([all[1], all[2]]);
  });

  it('an ST02 that is not ASCII matches the same SE02 (no SE02_CONTROL finding)', () => {
    // ST*278*é001*005010X217~ ... SE*3*é001~, written as UTF-8 (é = C3 A9).
    const bytes = Buffer.from(
      ISA_FIELDS.join('*') + '~GS*HI*AA*AA*20000101*0000*1*X*005010X217~ST*278*é001*005010X217~BHT*0007~SE*3*é001~GE*1*1~IEA*1*000000008~',
      'utf8',
    );
    const events = readChunks([bytes]);
    expect(allFindings(events)).toEqual([]);
    expect(events.filter((e) => e.kind === 'transaction' && e.transaction.accepted)).toHaveLength(1);
  });
});
