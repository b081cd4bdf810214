/**
 * Correlation of a response with its request: itemSequence from the 2000F TRN echo, the Claim
 * referenced from ClaimResponse.request, and what happens without the request bundle.
 */
import type { Bundle, ClaimResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { brief, convertResponse, validationErrors, VERSIONS } from './response-support.js';
import { sample, transactions } from './support.js';
import { readFileSync } from 'node:fs';

const crOf = (b: Bundle): ClaimResponse => b.entry![0]!.resource as ClaimResponse;
const responseText = (name: string): string => readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url), 'latin1');
const first = (text: string) => transactions(text)[0]!;

describe('response <-> request correlation', () => {
  const requestTx = sample('dependent-request');

  it('with the request bundle: ClaimResponse.request names its Claim, items take the sequence of the trace they echo', () => {
    for (const v of VERSIONS) {
      const request = requestToBundle(requestTx, { pasVersion: v }).bundle!;
      const claim = request.entry![0]!.resource!;
      const { bundle, findings } = convertResponse(first(responseText('dependent-response')), { pasVersion: v, request });
      const cr = crOf(bundle);
      const identifier = { value: 'DEP2026112303', system: 'urn:trnorg:1245780360' };
      // 2.2.1 references the Claim as the IG's response examples do; 2.0.1 (no such allowance) by identifier only.
      expect(cr.request).toEqual(v === '2.2.1' ? { reference: `Claim/${claim.id}`, identifier } : { identifier });
      expect(cr.item!.map((i) => i.itemSequence)).toEqual([1, 2, 3]);
      expect(cr.type).toEqual((claim as { type: unknown }).type);
      expect(findings.filter((f) => f.message.includes('no item of the request'))).toEqual([]);
      // The Claim is not in the response bundle (the requester holds it), as in the IG's own response examples.
      expect(validationErrors(bundle, v), v).toEqual([]);
    }
  });

  it('lines answered in another order keep their request sequence (by trace number, not by position)', () => {
    const request = requestToBundle(requestTx, { pasVersion: '2.2.1' }).bundle!;
    const swapped = responseText('dependent-response').replace('TRN*2*DEP-L1*', 'TRN*2*DEP-LX*').replace('TRN*2*DEP-L3*', 'TRN*2*DEP-L1*').replace('TRN*2*DEP-LX*', 'TRN*2*DEP-L3*');
    const cr = crOf(convertResponse(first(swapped), { pasVersion: '2.2.1', request }).bundle);
    expect(cr.item!.map((i) => i.itemSequence)).toEqual([3, 2, 1]);
    // The modified line (A6, the second) keeps sequence 2 in its addItem.
    expect(cr.addItem!.map((a) => a.itemSequence)).toEqual([[2]]);
  });

  it('a trace the request does not have: the loop order, reported', () => {
    const request = requestToBundle(requestTx, { pasVersion: '2.2.1' }).bundle!;
    const unknown = responseText('dependent-response').replace('TRN*2*DEP-L2*', 'TRN*2*DEP-L9*');
    const { bundle, findings } = convertResponse(first(unknown), { pasVersion: '2.2.1', request });
    expect(crOf(bundle).item!.map((i) => i.itemSequence)).toEqual([1, 2, 3]);
    const f = findings.filter((x) => x.message.includes('no item of the request'));
    expect(f.map(brief)).toEqual(['UNMAPPED_ELEMENT 2000A/2000B/2000C/2000D/2000E/2000F TRN@23']);
    expect(f[0]!.message).toContain('trace number DEP-L9');
  });

  it('without the request bundle: the Claim by the 2000E TRN echo, else data-absent', () => {
    const cr = crOf(convertResponse(first(responseText('dependent-response')), { pasVersion: '2.2.1' }).bundle);
    expect(cr.request).toEqual({ identifier: { value: 'DEP2026112303', system: 'urn:trnorg:1245780360' } });
    // The request bundle's Claim carries the same identifier: the logical reference finds it.
    const claim = requestToBundle(requestTx, { pasVersion: '2.2.1' }).bundle!.entry![0]!.resource as { identifier: unknown[] };
    expect(claim.identifier).toContainEqual({ system: 'urn:trnorg:1245780360', value: 'DEP2026112303' });
    const noTrn = responseText('referral-response').replace('TRN*2*REF2026112301*1578902342~', '').replace('SE*19*', 'SE*18*');
    const { bundle } = convertResponse(first(noTrn), { pasVersion: '2.2.1' });
    expect(crOf(bundle).request).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
    expect(validationErrors(bundle, '2.2.1')).toEqual([]);
  });

  it('Bundle.identifier is BHT03, the same value as the request bundle of the same exchange', () => {
    const request = requestToBundle(sample('referral-request'), { pasVersion: '2.2.1' }).bundle!;
    const { bundle } = convertResponse(first(responseText('referral-response')), { pasVersion: '2.2.1' });
    expect(bundle.identifier).toEqual({ value: 'CLN20261123A1' });
    expect(bundle.identifier?.value).toBe(request.identifier?.value);
  });
});
