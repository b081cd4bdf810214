/**
 * Every X217 response of the public corpus (../shared/corpus/x12, chosen by content: ST03
 * 005010X217, BHT02 11) and of our samples converts to a PAS Response Bundle with no error finding
 * and validates with zero errors against PAS 2.2.1 and 2.0.1. Nothing is dropped silently: every
 * segment is either reported (with its loop and position) or has a value that shows in the bundle.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { responseToBundle, type MappingFinding } from '../../src/mapping/index.js';
import { readFileSync } from 'node:fs';
import type { TransactionSet } from '../../src/x12/index.js';
import { brief, convertResponse, corpusResponses, sampleTransactions, validationErrors, VERSIONS, type ResponseCase } from './response-support.js';
import { transactions } from './support.js';

const SAMPLES: ResponseCase[] = ['referral-response', 'admission-response', 'dependent-response'].flatMap((n) => sampleTransactions(n).map((tx) => ({ file: `samples/${n}.x12`, tx })));

/** The forms a value of the segment can take in the bundle: as is, a D8 date as FHIR writes it, the parts of a composite. */
function forms(value: string, compSep: string): string[] {
  const out: string[] = [];
  for (const v of value.split(compSep).flatMap((c) => c.split('-'))) {
    if (v.length < 3) continue; // qualifiers and flags would match by chance
    out.push(v);
    if (/^\d{8}$/.test(v)) out.push(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}`);
    if (/^\d+\.\d*0$/.test(v)) out.push(String(Number(v)));
  }
  return out;
}

/**
 * Segments neither reported (as a whole, or some of their elements) nor visible in the bundle (no
 * value of length >= 3 of theirs found in its JSON): each would be a segment dropped silently. HL,
 * ST, SE are structure.
 */
function silentlyDropped(tx: TransactionSet, bundle: Bundle, findings: readonly MappingFinding[]): string[] {
  const text = JSON.stringify(bundle);
  const reported = new Set(findings.filter((f) => f.code === 'UNMAPPED_SEGMENT').map((f) => f.position));
  const partly = new Set(findings.filter((f) => f.code === 'UNMAPPED_ELEMENT').map((f) => f.position));
  const compSep = String.fromCharCode(tx.interchange.delimiters.component);
  const out: string[] = [];
  tx.segments.forEach((s, i) => {
    const position = i + 1;
    if (['ST', 'SE', 'HL'].includes(s.id) || reported.has(position) || partly.has(position)) return;
    const els = s.elements().slice(1);
    const candidates = els.flatMap((e) => forms(e, compSep));
    // A segment of only short values (DMG*D8*...*M has a date; AAA*N**75*C has none): its codes must show as codes.
    const shown = candidates.length > 0 ? candidates.some((c) => text.includes(c)) : els.filter((e) => e !== '').some((e) => text.includes(`"code":"${e}"`) || text.includes(`"${e}"`));
    if (!shown) out.push(`${s.id}@${position}`);
  });
  return out;
}

/** Each response converted and validated under both versions, nothing dropped silently. */
function convertsEach(cases: readonly ResponseCase[]): void {
  for (const { file, tx } of cases) {
    it(`${file} (${tx.control}) converts and validates under both versions, nothing dropped silently`, () => {
      for (const v of VERSIONS) {
        const { bundle, findings } = convertResponse(tx, { pasVersion: v });
        expect(findings.filter((f) => f.severity === 'error').map(brief), `${file} ${v} mapping errors`).toEqual([]);
        expect(validationErrors(bundle, v), `${file} PAS ${v}`).toEqual([]);
        // Every finding has its place: a segment position, or (what 2.0.1 has no place for) says so.
        for (const f of findings) {
          if (f.position === 0) expect(f.message, f.message).toMatch(/^PAS 2\.0\.1 has no place for /);
          else expect(f.position).toBeLessThanOrEqual(tx.segments.length);
        }
        expect(silentlyDropped(tx, bundle, findings), `${file} ${v}`).toEqual([]);
      }
    });
  }
}

describe('X217 responses -> PAS 2.2.1 and 2.0.1', () => {
  describeShared('corpus/x12', 'the corpus responses', () => {
    const corpus = corpusResponses();
    it('finds the corpus responses by content (5 stupidedi scenarios, 3 guide examples)', () => {
      expect(corpus.map((c) => c.file)).toEqual([
        'oopfactory/Example_3_1_2_Response.x12',
        'oopfactory/Example_3_2_2_Response.x12',
        'oopfactory/Example_3_3_2_Response.x12',
        'stupidedi/admission-response-to-request-for-review.x12',
        'stupidedi/emergency-admission-response-to-request-for-review.x12',
        'stupidedi/referral-response-to-request-for-review.x12',
        'stupidedi/response-to-medical-services-reservation.x12',
        'stupidedi/response-to-non-emergency-transportation.x12',
      ]);
    });

    convertsEach(corpus);
  });

  convertsEach(SAMPLES);

  it('the silence check itself sees what a bundle lost', () => {
    const [tx] = sampleTransactions('referral-response');
    const { bundle, findings } = convertResponse(tx!, { pasVersion: '2.2.1' });
    expect(silentlyDropped(tx!, bundle, findings)).toEqual([]);
    const lost = structuredClone(bundle);
    delete (lost.entry![0]!.resource as { item?: unknown }).item;
    // HCR (the decision) and DTP*AAH lived only in the item; TRN*1/TRN*2 elsewhere.
    expect(silentlyDropped(tx!, lost, findings)).toEqual(['HCR@14', 'DTP@15']);
  });

  it('a request is not a response: NO_TREE, no bundle', () => {
    const [request] = sampleTransactions('referral-request');
    const r = responseToBundle(request!, { pasVersion: '2.2.1' });
    expect(r.bundle).toBeNull();
    expect(r.findings.map(brief)).toEqual(['NO_TREE header ST@1']);
    expect(r.findings[0]!.message).toContain('278-x217-request');
  });

  it('a segment the grammar places but no row reads is reported with its loop, position and why', () => {
    // A subscriber REF*EJ (no response row reads it) in the referral response; its HI is the request's, echoed.
    const text = readFileSync(new URL('../../samples/referral-response.x12', import.meta.url), 'latin1').replace('MI*W123456789~', 'MI*W123456789~REF*EJ*ACCT55~').replace('SE*19*', 'SE*20*');
    const [tx] = transactions(text);
    const { findings } = convertResponse(tx!, { pasVersion: '2.2.1' });
    expect(findings.find((f) => f.position === 9)?.message).toBe('2000A/2000B/2000C/2010C REF (segment 9): no row reads it');
    expect(findings.find((f) => f.position === 17)?.message).toBe("2000A/2000B/2000C/2000E HI (segment 17): the request's data echoed back: PAS keeps it in the request's Claim, which the response names");
  });
});
