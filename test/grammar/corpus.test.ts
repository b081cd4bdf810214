import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';
import { checkStructure, outline, type LoopNode } from '../../src/grammar/index.js';
import { readX12Buffer, type TransactionSet } from '../../src/x12/index.js';
import { brief } from './support.js';

/** The shared corpus, read in place (never copied). */
const CORPUS = pathToFileURL(sharedPath('corpus/x12'));
const SAMPLES = new URL('../../samples/', import.meta.url);

function filesOf(dir: URL, sub = ''): Array<[string, TransactionSet[]]> {
  const path = fileURLToPath(new URL(sub, dir));
  return readdirSync(path)
    .filter((f) => f.endsWith('.x12'))
    .sort()
    .map((f) => [`${sub}${f}`, readX12Buffer(readFileSync(`${path}${f}`)).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []))]);
}

function count(n: LoopNode): number {
  return n.segments.length + n.children.reduce((a, c) => a + count(c), 0);
}

const SERVICE = '2000A[2010A 2000B[2010B 2000C[2010C 2000E[';

/** Loop outline of every public request/response, as the grammar reads it. */
const PUBLIC: Record<string, { grammar: string; outline: string }> = {
  'stupidedi/admission-request-for-review.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA 2000F[2010F]]]]]` },
  'stupidedi/admission-response-to-request-for-review.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA 2000F[2010FA]]]]]` },
  'stupidedi/emergency-admission-request-for-review.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA 2010EA 2010EA]]]]` },
  'stupidedi/emergency-admission-response-to-request-for-review.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA 2010EA 2010EA]]]]` },
  'stupidedi/referral-request-for-review.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA]]]]` },
  'stupidedi/referral-response-to-request-for-review.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA]]]]` },
  'stupidedi/request-for-home-health-care.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA 2000F 2000F]]]]` },
  'stupidedi/request-for-medical-services-reservation.x12': { grammar: '278-x217-request', outline: `${SERVICE}2000F]]]]` },
  // Known defect: HL 6 and HL 7 name the previous service level as parent (SS under SS).
  'stupidedi/request-for-non-emergency-transportation.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EB 2010EB 2010EB 2010EB 2000F[2000F[2000F]]]]]]` },
  'stupidedi/response-to-medical-services-reservation.x12': { grammar: '278-x217-response', outline: `${SERVICE}2000F]]]]` },
  'stupidedi/response-to-non-emergency-transportation.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EC 2010EC 2010EC 2010EC 2000F 2000F 2000F]]]]` },
  'oopfactory/Example_3_1_1_Request.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA]]]]` },
  'oopfactory/Example_3_1_2_Response.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA]]]]` },
  'oopfactory/Example_3_2_1_Request.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA 2000F[2010F]]]]]` },
  'oopfactory/Example_3_2_2_Response.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA 2000F[2010FA]]]]]` },
  'oopfactory/Example_3_3_1_Request.x12': { grammar: '278-x217-request', outline: `${SERVICE}2010EA 2010EA 2010EA]]]]` },
  'oopfactory/Example_3_3_2_Response.x12': { grammar: '278-x217-response', outline: `${SERVICE}2010EA 2010EA 2010EA]]]]` },
};

/** The structural errors of each negative-synthetic file (codes, sorted): the defects found. */
const NEGATIVE: Record<string, string[]> = {
  'test-x12-278-review-request.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED'],
  'x215-error-response.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED'],
  'x215-inquiry-by-auth-number-request.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED'],
  'x215-inquiry-by-auth-number-response.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED', 'SEGMENT_UNEXPECTED'],
  'x215-inquiry-by-member-request.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED'],
  'x215-inquiry-by-member-response.x12': ['HL_LEVEL_MISSING', 'LOOP_REQUIRED_MISSING', 'SEGMENT_NOT_USED', 'SEGMENT_UNEXPECTED'],
  'x217-cancellation-request.x12': ['HL_LEVEL_MISSING', 'SEGMENT_NOT_USED', 'SEGMENT_QUALIFIER'],
  'x217-error-response.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-inpatient-request.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'SEGMENT_NOT_USED', 'SEGMENT_QUALIFIER'],
  'x217-inpatient-response-approved.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-inpatient-response-denied.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-inpatient-response-pended.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-outpatient-request.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'SEGMENT_NOT_USED', 'SEGMENT_QUALIFIER'],
  'x217-outpatient-response.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-referral-request.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'SEGMENT_NOT_USED', 'SEGMENT_QUALIFIER'],
  'x217-referral-response.x12': ['HL_LEVEL_MISSING', 'HL_STRUCTURE', 'PURPOSE_UNKNOWN', 'SEGMENT_QUALIFIER'],
  'x217-revision-request.x12': ['HL_LEVEL_MISSING', 'SEGMENT_NOT_USED', 'SEGMENT_QUALIFIER'],
};

describeShared('corpus/x12', 'the grammar over the public corpus', () => {
  describe('grammar over the public corpus', () => {
    const files = [...filesOf(CORPUS, 'stupidedi/'), ...filesOf(CORPUS, 'oopfactory/')];

    it('covers every public request and response', () => {
      expect(files.map(([n]) => n).sort()).toEqual(Object.keys(PUBLIC).sort());
    });

    it.each(files)('%s builds its loop tree with no structural error but the known ones', (name, txs) => {
      expect(txs).toHaveLength(1);
      const t = txs[0]!;
      const r = checkStructure(t);
      const want = PUBLIC[name]!;
      expect(r.grammar?.id).toBe(want.grammar);
      expect(outline(r.tree!.root)).toBe(want.outline);
      expect(count(r.tree!.root)).toBe(t.segments.length); // every segment is in the tree once
      const errors = r.findings.filter((f) => f.severity === 'error');
      if (name === 'stupidedi/request-for-non-emergency-transportation.x12') {
        expect(brief(errors)).toEqual(['HL_STRUCTURE@30 2000F', 'HL_STRUCTURE@32 2000F']);
      } else {
        expect(errors).toEqual([]);
      }
    });

    it.each(filesOf(CORPUS, 'negative-synthetic/'))('%s gets structural errors', (name, txs) => {
      const r = checkStructure(txs[0]!);
      const codes = [...new Set(r.findings.filter((f) => f.severity === 'error').map((f) => f.code))].sort();
      expect(codes).toEqual(NEGATIVE[name.replace('negative-synthetic/', '')]);
      for (const f of r.findings) expect(f.position, f.message).toBeGreaterThan(0);
    });

    it('reads the OBOE file (ST03 005010, no guide) without a grammar, with a warning', () => {
      const [, txs] = filesOf(CORPUS, 'oboe/')[0]!;
      const r = checkStructure(txs[0]!);
      expect(r.tree).toBeNull();
      expect(brief(r.findings)).toEqual(['GRAMMAR_UNKNOWN@1']);
    });
  });
});

describe('grammar over our samples', () => {
  const want: Record<string, string[]> = {
    'admission-request.x12': [`${SERVICE}2010EA 2000F]]]]`],
    'batch-requests.x12': [`${SERVICE}2010EA]]]]`, '2000A[2010A 2000B[2010B 2000C[2010C 2000D[2010D 2000E[2000F 2000F 2000F]]]]]', `${SERVICE}2010EA 2000F]]]]`],
    'dependent-request.x12': ['2000A[2010A 2000B[2010B 2000C[2010C 2000D[2010D 2000E[2000F 2000F 2000F]]]]]'],
    'referral-request.x12': [`${SERVICE}2010EA]]]]`],
    // Responses to the three requests (issue 4 converts them): certified, pended with a note, and
    // for the dependent one certified / modified / denied line plus an AAA rejection at the subscriber.
    'admission-response.x12': [`${SERVICE}2010EA 2000F]]]]`],
    'dependent-response.x12': ['2000A[2010A 2000B[2010B 2000C[2010C 2000D[2010D 2000E[2000F 2000F 2000F]]]]]', '2000A[2010A 2000B[2010B 2000C[2010C]]]'],
    'referral-response.x12': [`${SERVICE}2010EA]]]]`],
    // An X215 inquiry about the referral's authorization, and its answer.
    'referral-inquiry.x12': ['2000A[2010A 2000B[2010B 2000C[2010C 2000E]]]'],
    'referral-inquiry-response.x12': [`${SERVICE}2010EA]]]]`],
    // Service providers (2010F) under two lines, one of them under both (issues 13/14).
    'service-provider-request.x12': [`${SERVICE}2010EA 2000F[2010F] 2000F[2010F 2010F]]]]]`],
  };
  const samples = filesOf(SAMPLES);

  it('covers every sample', () => {
    expect(samples.map(([n]) => n)).toEqual(Object.keys(want).sort());
  });

  it.each(samples)('%s builds clean trees with the expected loops', (name, txs) => {
    expect(
      txs.map((t) => {
        const r = checkStructure(t);
        expect(r.findings, name).toEqual([]);
        const guide = name.includes('inquiry') ? 'x215' : 'x217';
        expect(r.grammar?.id).toBe(`278-${guide}-${name.includes('response') ? 'response' : 'request'}`);
        return outline(r.tree!.root);
      }),
    ).toEqual(want[name]);
  });
});
