/**
 * Properties over random valid X217 responses (response-arbitrary.ts): each reads with a clean
 * loop tree into a bundle valid under PAS 2.2.1, with outcome `error` and one ClaimResponse.error
 * per AAA when it has any; and X12 -> PAS -> X12 -> PAS gives the same bundle.
 */
import fc from 'fast-check';
import type { ClaimResponse } from '@medplum/fhirtypes';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { responseBundleToX12 } from '../../src/mapping/index.js';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { renderResponse, x217ResponseArb } from './response-arbitrary.js';
import { comparable, convertResponse, validationErrors } from './response-support.js';
import { transactions } from './support.js';

describe('random X217 responses', () => {
  it('read cleanly, validate under PAS 2.2.1, one error per AAA, and come back the same from X12 written from the bundle', () => {
    fc.assert(
      fc.property(x217ResponseArb, (r) => {
        const [tx] = transactions(renderResponse(r));
        expect(tx!.accepted, JSON.stringify(tx!.findings)).toBe(true);
        const a = analyzeTransaction(tx!);
        expect(a.tree?.grammar.id).toBe('278-x217-response');
        expect(a.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const { bundle, findings } = convertResponse(tx!, { pasVersion: '2.2.1' });
        expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(validationErrors(bundle, '2.2.1')).toEqual([]);
        const cr = bundle.entry![0]!.resource as ClaimResponse;
        const aaa = r.segments.filter((s) => s[0] === 'AAA').length;
        expect(cr.error?.length ?? 0).toBe(aaa);
        if (aaa > 0) expect(cr.outcome).toBe('error');
        else expect(cr.outcome).toBe(r.segments.some((s) => s[0] === 'HCR' && s[1] === 'A4') ? 'partial' : 'complete');
        // A6 lines: one addItem each, with the line's itemSequence.
        const modified = cr.item?.filter((i) => JSON.stringify(i.adjudication).includes('"code":"A6"')).map((i) => i.itemSequence) ?? [];
        expect((cr.addItem ?? []).map((x) => x.itemSequence?.[0])).toEqual(modified);
        // One CommunicationRequest per PWK.
        expect(cr.communicationRequest?.length ?? 0).toBe(r.segments.filter((x) => x[0] === 'PWK').length);
        const written = responseBundleToX12(bundle);
        expect(written.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(() => new X12Parser(true).parse(written.text!)).not.toThrow();
        const [again] = transactions(written.text!);
        expect(comparable(convertResponse(again!, { pasVersion: '2.2.1' }).bundle)).toEqual(comparable(bundle));
      }),
      { numRuns: 100 },
    );
  });

  it('PAS 2.0.1: valid, and X12 -> PAS -> X12 -> PAS unchanged', () => {
    fc.assert(
      fc.property(x217ResponseArb, (r) => {
        const [tx] = transactions(renderResponse(r));
        const { bundle } = convertResponse(tx!, { pasVersion: '2.0.1' });
        expect(validationErrors(bundle, '2.0.1')).toEqual([]);
        const written = responseBundleToX12(bundle);
        expect(written.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const [again] = transactions(written.text!);
        expect(comparable(convertResponse(again!, { pasVersion: '2.0.1' }).bundle)).toEqual(comparable(bundle));
      }),
      { numRuns: 50 },
    );
  });
});
