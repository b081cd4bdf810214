/** X215 278 inquiry response -> PAS Inquiry Response Bundle, and the $inquire output per PAS version. */
import { fileURLToPath } from 'node:url';
import type { Bundle, ClaimResponse, Parameters } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { inquireOutput, inquiryResponseToBundle, requestToBundle } from '../../src/mapping/index.js';
import { PAS_PROFILE } from '../../src/pas/constants.js';
import { validateBundle } from '../../src/pas/index.js';
import { sample } from './support.js';

const PACKAGES = { path: fileURLToPath(new URL('../../../shared/fhir-packages/', import.meta.url)) };
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
      expect(validateBundle(b, { pasVersion, packages: PACKAGES }).filter((f) => f.severity === 'error'), pasVersion).toEqual([]);
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
