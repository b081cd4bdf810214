/**
 * Differential test against node-x12@1.7.1 (strict mode) on the public corpus: for every corpus
 * file node-x12 accepts, our tokenizer must read exactly the same segments, ISA through IEA, with
 * the same element strings.
 *
 * Input to node-x12: the file decoded with `TextDecoder('utf-8')`, which (per the WHATWG Encoding
 * standard) drops a leading UTF-8 BOM. The BOM is an encoding mark, not X12 content; node-x12
 * reads the ISA at fixed character positions (element separator at 3 and 103, terminator at 105),
 * so with the BOM left in, it rejects the six oopfactory files ("The ISA segment is not the correct
 * length"), which would test nothing.
 *
 * Files node-x12 rejects (strict mode throws), all for a wrong SE01 segment count:
 *   negative-synthetic/x215-error-response, x215-inquiry-by-auth-number-response,
 *   x215-inquiry-by-member-request, x215-inquiry-by-member-response, x217-cancellation-request,
 *   x217-error-response, x217-outpatient-request, x217-outpatient-response,
 *   x217-referral-response, x217-revision-request (10 files);
 *   stupidedi/admission-request-for-review, stupidedi/request-for-home-health-care (2 files,
 *   the wrong SE01 PROVENANCE.md lists).
 * For those we check instead that our reader reports the same defect (SE01_COUNT).
 * The other 23 files are compared segment by segment.
 */
import { X12FatInterchange, X12Parser, type X12Interchange, type X12Segment } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { allFindings, corpusFiles, readChunks, segmentElements, tokenize } from '../support/corpus.js';

const EXPECTED_REJECTED = [
  'negative-synthetic/x215-error-response.x12',
  'negative-synthetic/x215-inquiry-by-auth-number-response.x12',
  'negative-synthetic/x215-inquiry-by-member-request.x12',
  'negative-synthetic/x215-inquiry-by-member-response.x12',
  'negative-synthetic/x217-cancellation-request.x12',
  'negative-synthetic/x217-error-response.x12',
  'negative-synthetic/x217-outpatient-request.x12',
  'negative-synthetic/x217-outpatient-response.x12',
  'negative-synthetic/x217-referral-response.x12',
  'negative-synthetic/x217-revision-request.x12',
  'stupidedi/admission-request-for-review.x12',
  'stupidedi/request-for-home-health-care.x12',
];

interface Outcome {
  name: string;
  bytes: Buffer;
  /** node-x12's segments, `[tag, e01, ...]`, in input order; null when it threw. */
  theirs: string[][] | null;
  error: string | null;
}

function segmentOf(s: X12Segment | undefined): string[][] {
  return s === undefined ? [] : [[s.tag, ...s.elements.map((e) => e.value)]];
}

/** node-x12's object model flattened back into input order: ISA, GS, ST, ..., SE, GE, IEA. */
function flatten(result: X12Interchange | X12FatInterchange): string[][] {
  const interchanges = result instanceof X12FatInterchange ? result.interchanges : [result];
  const out: string[][] = [];
  for (const ic of interchanges) {
    out.push(...segmentOf(ic.header));
    for (const g of ic.functionalGroups) {
      out.push(...segmentOf(g.header));
      for (const t of g.transactions) {
        out.push(...segmentOf(t.header));
        for (const s of t.segments) out.push(...segmentOf(s));
        out.push(...segmentOf(t.trailer));
      }
      out.push(...segmentOf(g.trailer));
    }
    out.push(...segmentOf(ic.trailer));
  }
  return out;
}

/**
 * Our segments in node-x12's representation. The only difference in representation: node-x12
 * passes ISA13 and IEA02 (the interchange control number) through parseInt, so 000000031 reads
 * as "31"; we apply the same to ours. Everything else, the padded ISA fields (spaces kept), empty
 * elements in the middle and at the end, composites (not split), is compared as is.
 */
function ours(bytes: Buffer): string[][] {
  return segmentElements(tokenize(bytes).segments).map((els) => {
    if (els[0] === 'ISA' && els.length === 17) return els.map((v, i) => (i === 13 ? String(parseInt(v, 10)) : v));
    if (els[0] === 'IEA' && els.length === 3) return els.map((v, i) => (i === 2 ? String(parseInt(v, 10)) : v));
    return els;
  });
}

describeShared('corpus/x12', 'differential against node-x12 on the corpus', () => {
  const outcomes: Outcome[] = corpusFiles().map(({ name, bytes }) => {
    const text = new TextDecoder('utf-8').decode(bytes);
    try {
      return { name, bytes, theirs: flatten(new X12Parser(true).parse(text)), error: null };
    } catch (e) {
      return { name, bytes, theirs: null, error: e instanceof Error ? e.message : String(e) };
    }
  });
  const compared = outcomes.filter((o) => o.theirs !== null);
  const rejected = outcomes.filter((o) => o.theirs === null);

  describe('differential: our tokenizer vs node-x12 (strict) on the corpus', () => {
    it(`compares at least 10 files (${compared.length} of ${outcomes.length} accepted by node-x12)`, () => {
      expect(compared.length).toBeGreaterThanOrEqual(10);
      expect(compared.length + rejected.length).toBe(outcomes.length);
    });

    it.each(compared.map((o) => [o.name, o] as const))('%s: same segments and elements as node-x12', (_name, o) => {
      const mine = ours(o.bytes);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine[0]![0]).toBe('ISA');
      expect(mine.at(-1)![0]).toBe('IEA');
      expect(mine).toEqual(o.theirs);
    });

    it(`node-x12 rejects ${rejected.length} files: ${rejected.map((o) => o.name.replace(/\.x12$/, '')).join(', ')}`, () => {
      expect(rejected.map((o) => o.name)).toEqual(EXPECTED_REJECTED);
      for (const o of rejected) expect(o.error, o.name).toMatch(/SE01/);
    });

    it.each(rejected.map((o) => [o.name, o] as const))('%s (rejected by node-x12): we report the same wrong SE01', (_name, o) => {
      const findings = allFindings(readChunks([o.bytes]));
      expect(findings.filter((f) => f.code === 'SE01_COUNT')).toHaveLength(1);
      // node-x12 says "SE01 (n) does not match the number of segments in the transaction (m)"; so do we.
      const [, declared, counted] = /SE01 \((\d+)\) does not match the number of segments in the transaction \((\d+)\)/.exec(o.error ?? '') ?? [];
      const se01 = findings.find((f) => f.code === 'SE01_COUNT')!;
      expect(se01.message).toContain(`"${declared}"`);
      expect(se01.message).toContain(`has ${counted}`);
    });
  });
});
