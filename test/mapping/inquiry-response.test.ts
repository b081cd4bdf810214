/** X215 278 inquiry response -> PAS Inquiry Response Bundle, and the $inquire output per PAS version. */
import type { Bundle, ClaimResponse, Parameters } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';
import { readFileSync } from 'node:fs';
import { X12Parser } from 'node-x12';
import { inquireOutput, inquiryResponseToBundle, requestToBundle } from '../../src/mapping/index.js';
import { responseBundleToX12 } from '../../src/mapping/response/x12.js';
import { MemoryControlNumbers } from '../../src/x12/index.js';
import fc from 'fast-check';
import { renderResponse, x217ResponseArb } from './response-arbitrary.js';
import { comparable, validationErrors } from './response-support.js';
import { transactions } from './support.js';
import { PAS_PROFILE } from '../../src/pas/constants.js';
import { validateBundle } from '../../src/pas/index.js';
import { sample } from './support.js';

const claimResponseOf = (b: Bundle): ClaimResponse => b.entry![0]!.resource as ClaimResponse;

describe('X215 inquiry response -> PAS Inquiry Response Bundle', () => {
  it('the sample becomes an inquiry response bundle that validates under 2.2.1 and 2.0.1', () => {
    for (const pasVersion of ['2.2.1', '2.0.1'] as const) {
      const r = inquiryResponseToBundle(sample('referral-inquiry-response'), { pasVersion });
      expect(r.findings.filter((f) => f.severity === 'error'), pasVersion).toEqual([]);
      const b = r.bundle!;
      expect(b.meta?.profile, pasVersion).toEqual([PAS_PROFILE.inquiryResponseBundle]);
      const cr = claimResponseOf(b);
      expect(cr.meta?.profile, pasVersion).toEqual([PAS_PROFILE.claimInquiryResponse]);
      // HCR*A1*AUTH7781234: certified, with its authorization number; BHT03 is the bundle's identifier.
      expect(b.identifier?.value).toBe('INQ20261201A1');
      expect(cr.outcome).toBe('complete');
      expect(JSON.stringify(cr)).toContain('AUTH7781234');
      expect(validateBundle(b, { pasVersion }).filter((f) => f.severity === 'error'), pasVersion).toEqual([]);
    }
  });

  it('given the inquiry it answers, ClaimResponse.request references the inquiry Claim', () => {
    const inquiry = requestToBundle(sample('referral-inquiry'), { pasVersion: '2.2.1' }).bundle!;
    const r = inquiryResponseToBundle(sample('referral-inquiry-response'), { pasVersion: '2.2.1', request: inquiry });
    // The Claim is not in the response bundle: referenced by type and id.
    expect(claimResponseOf(r.bundle!).request?.reference).toBe(`Claim/${inquiry.entry![0]!.resource!.id}`);
  });

  it('$inquire output: a Parameters of `return` bundles in 2.2.1, the one bundle itself in 2.0.1', () => {
    const b221 = inquiryResponseToBundle(sample('referral-inquiry-response'), { pasVersion: '2.2.1' }).bundle!;
    const out = inquireOutput([b221, b221], '2.2.1');
    expect(out.problem).toBeNull();
    const p = out.resource as Parameters;
    expect(p.resourceType).toBe('Parameters');
    expect(p.parameter?.map((x) => [x.name, (x.resource as Bundle).meta?.profile])).toEqual([
      ['return', [PAS_PROFILE.inquiryResponseBundle]],
      ['return', [PAS_PROFILE.inquiryResponseBundle]],
    ]);
    expect((inquireOutput([], '2.2.1').resource as Parameters).parameter).toEqual([]);
    const b201 = inquiryResponseToBundle(sample('referral-inquiry-response'), { pasVersion: '2.0.1' }).bundle!;
    expect(inquireOutput([b201], '2.0.1')).toEqual({ resource: b201, problem: null });
    expect(inquireOutput([b201, b201], '2.0.1').problem).toMatch(/exactly one bundle; there are 2/);
  });

  it('an X217 response is not read as an inquiry response', () => {
    const r = inquiryResponseToBundle(sample('referral-response'), { pasVersion: '2.2.1' });
    expect(r.bundle).toBeNull();
    expect(r.findings.map((f) => f.code)).toEqual(['NO_TREE']);
  });
});

describe('PAS Inquiry Response Bundle -> X215 inquiry response', () => {
  const fixed = { now: () => new Date('2026-12-01T08:05:00Z'), controlNumbers: new MemoryControlNumbers() };

  it('the sample comes back as an X215 response with every segment but the echoed UM the way in reported', () => {
    const way = inquiryResponseToBundle(sample('referral-inquiry-response'), { pasVersion: '2.2.1' });
    const echoed = way.findings.filter((f) => f.code === 'UNMAPPED_SEGMENT').map((f) => f.segment);
    expect(echoed).toEqual(['UM']);
    const r = responseBundleToX12(way.bundle!, fixed);
    expect(r.findings).toEqual([]);
    const body = (t: string): string[] => t.split('~').map((x) => x.trim()).filter((x) => x !== '' && !/^(ISA|GS|GE|IEA|SE)\*/.test(x));
    const original = body(readFileSync(new URL('../../samples/referral-inquiry-response.x12', import.meta.url), 'latin1'));
    expect(body(r.text!)).toEqual(original.filter((x) => !x.startsWith('UM*')));
    expect(r.text).toContain('GS*HI*ACMEHEALTH*CLINICSUBMIT01*20261201*0805*1*X*005010X215~');
    expect(() => new X12Parser(true).parse(r.text!)).not.toThrow();
  });

  describeShared('fhir-packages', "the IG's inquiry response example", () => {
    it("the IG's inquiry response example: refused alone (no requester, and X12 requires 2010B); with the inquiry it answers, an X215 response that reads back with its decision", () => {
      const example = (name: string): Bundle => JSON.parse(readFileSync(`${sharedPath('fhir-packages')}hl7.fhir.us.davinci-pas#2.2.1/package/example/${name}`, 'utf8')) as Bundle;
      const ig = example('Bundle-PASClaimInquiryResponseBundleExample.json');
      const alone = responseBundleToX12(ig, fixed);
      expect(alone.text).toBeNull();
      expect(alone.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.path])).toEqual([['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor']]);
      const r = responseBundleToX12(ig, { ...fixed, controlNumbers: new MemoryControlNumbers(), request: example('Bundle-PASClaimInquiryBundleExample.json') });
      expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(r.text).toContain('NM1*1P*2*DR. JOE SMITH CORPORATION*****XX*8189991234~');
      expect(() => new X12Parser(true).parse(r.text!)).not.toThrow();
      const [tx] = transactions(r.text!);
      expect([tx!.implementation, tx!.accepted]).toEqual(['005010X215', true]);
      const back = inquiryResponseToBundle(tx!, { pasVersion: '2.2.1' }).bundle!;
      const decision = (b: Bundle): unknown => JSON.stringify(claimResponseOf(b).item?.map((i) => i.adjudication)).match(/"code":"A\d"/g);
      expect(decision(back)).toEqual(decision(ig));
    });
  });
});

describe('random X215 inquiry responses (the X217 response model sent as X215)', () => {
  it('read cleanly, validate under PAS 2.2.1 as inquiry responses, and come back the same from the X215 written from the bundle', () => {
    fc.assert(
      fc.property(x217ResponseArb, (model) => {
        const [tx] = transactions(renderResponse(model).replaceAll('005010X217', '005010X215'));
        expect(tx!.implementation).toBe('005010X215');
        const r = inquiryResponseToBundle(tx!, { pasVersion: '2.2.1' });
        expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(r.bundle!.meta?.profile).toEqual([PAS_PROFILE.inquiryResponseBundle]);
        expect(validationErrors(r.bundle!, '2.2.1')).toEqual([]);
        const written = responseBundleToX12(r.bundle!);
        expect(written.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const [again] = transactions(written.text!);
        expect(again!.implementation).toBe('005010X215');
        expect(comparable(inquiryResponseToBundle(again!, { pasVersion: '2.2.1' }).bundle!)).toEqual(comparable(r.bundle!));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 25) },
    );
  });
});
