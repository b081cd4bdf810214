/** Profiles are chosen from the content (bundle kind, typed references), never from meta.profile. */
import { describeShared } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { PAS_PROFILE } from '../../src/pas/constants.js';
import { getPasValidator } from '../../src/pas/validate.js';
import { PACKAGES_URL, clone, exampleBundle } from './support.js';
import type { Json } from './support.js';

const validator = getPasValidator('2.2.1', { env: {} });

function routes(b: Json, kind?: Parameters<typeof validator.route>[1]): string[] {
  const entries = b.entry as Json[];
  return validator
    .route(b, kind)
    .map((r) => `${r.resourceType}/${String((entries[r.entry]!.resource as Json).id)} ${r.profiles.join(' ')}`);
}

describeShared('fhir-packages', 'content-based routing of the IG examples', () => {
  describe('content-based routing', () => {
    it('the request: Claim first, organizations by the reference that reaches them', () => {
      expect(routes(exampleBundle('2.2.1', 'ReferralAuthorizationBundleExample'))).toEqual([
        `Claim/ReferralAuthorizationExample ${PAS_PROFILE.claim}`,
        `Organization/UMOExample ${PAS_PROFILE.requestor}`,
        `Organization/InsurerExample ${PAS_PROFILE.insurer}`,
        `Coverage/InsuranceExample ${PAS_PROFILE.coverage}`,
        `Patient/SubscriberExample ${PAS_PROFILE.beneficiary}`,
        `ServiceRequest/ReferralRequestExample ${PAS_PROFILE.serviceRequest}`,
        `PractitionerRole/ReferralPractitionerRoleExample ${PAS_PROFILE.practitionerRole}`,
        `Practitioner/ReferralPractitionerExample ${PAS_PROFILE.practitioner}`,
        `Location/ReferralLocationExample ${PAS_PROFILE.location}`,
        `DocumentReference/DocumentReferenceExample ${PAS_PROFILE.documentReference}`,
      ]);
    });

    it('a Claim with `related` is a Claim Update; the prior Claim it carries is a plain PAS Claim', () => {
      const r = routes(exampleBundle('2.2.1', 'HomecareAuthorizationUpdateBundleExample'));
      expect(r[0]).toBe(`Claim/HomecareAuthorizationUpdateExample ${PAS_PROFILE.claimUpdate}`);
      expect(r).toContain(`Claim/HomecareAuthorizationExample ${PAS_PROFILE.claim}`);
    });

    it('the $inquire kinds are the caller’s to say', () => {
      const b = exampleBundle('2.2.1', 'PASClaimInquiryBundleExample');
      expect(routes(b, 'inquiry-request')[0]).toBe(`Claim/PASClaimInquiryExample ${PAS_PROFILE.claimInquiry}`);
    });

    it('mislabelled meta.profile changes nothing', () => {
      const b = clone(exampleBundle('2.2.1', 'ReferralAuthorizationBundleExample'));
      const before = routes(b);
      for (const e of b.entry as Json[]) (e.resource as Json).meta = { profile: [PAS_PROFILE.task] };
      ((b.entry as Json[])[2]!.resource as Json).meta = { profile: [PAS_PROFILE.requestor] };
      expect(routes(b)).toEqual(before);
    });

    it('an organization nothing typed points at gets the base PAS Organization profile', () => {
      const b = clone(exampleBundle('2.2.1', 'ReferralAuthorizationBundleExample'));
      (b.entry as Json[]).push({ fullUrl: 'urn:uuid:0b0b0b0b-0000-4000-8000-000000000001', resource: { resourceType: 'Organization', id: 'Loose', name: 'Loose' } });
      expect(routes(b).at(-1)).toBe(`Organization/Loose ${PAS_PROFILE.organization}`);
    });
  });
});
