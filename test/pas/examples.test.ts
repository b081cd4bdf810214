/**
 * The IG's own example bundles validate with no errors, once the IG defects they expose are
 * downgraded to PAS_IG_DEFECT warnings. The expected downgrades are listed per example: a new
 * one appearing (or one disappearing) fails the test.
 */
import { describeShared } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { validateBundle } from '../../src/pas/validate.js';
import { getPasValidator } from '../../src/pas/validate.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { PACKAGES_URL, defectIds, errors, exampleBundles, exampleKind } from './support.js';

const EXPECTED_DOWNGRADES: Record<PasVersion, Record<string, string[]>> = {
  '2.2.1': {
    'Bundle-ErrorResponseBundleExample.json': ['response-echoed-claim-references'],
    'Bundle-HomecareAuthorizationBundleExample.json': [],
    'Bundle-HomecareAuthorizationUpdateBundleExample.json': [],
    'Bundle-MedicalServicesAuthorizationBundleExample.json': [],
    'Bundle-PASClaimInquiryBundleExample.json': [],
    'Bundle-PASClaimInquiryResponseBundleExample.json': ['response-echoed-claim-references'],
    'Bundle-ReferralAuthorizationBundleExample.json': [],
    'Bundle-ReferralAuthorizationResponseBundleExample.json': ['response-omits-request-claim', 'response-omits-requestor'],
    'Bundle-ReferralPendingAuthorizationResponseBundleExample.json': ['response-omits-request-claim', 'response-omits-requestor'],
    'Bundle-RejectionResponseBundleExample.json': ['response-echoed-claim-references'],
    'Bundle-SurgicalRequestBundleExample.json': ['request-practitionerrole-references'],
  },
  '2.0.1': {
    'Bundle-ErrorResponseBundleExample.json': ['response-omits-authorized-provider'],
    'Bundle-HomecareAuthorizationBundleExample.json': [],
    'Bundle-HomecareAuthorizationDifferentialBundleExample.json': [],
    'Bundle-HomecareAuthorizationUpdateBundleExample.json': [],
    'Bundle-MedicalServicesAuthorizationBundleExample.json': [],
    'Bundle-PASClaimInquiryBundleExample.json': [],
    'Bundle-PASClaimInquiryResponseBundleExample.json': [],
    'Bundle-ReferralAuthorizationBundleExample.json': [],
    'Bundle-ReferralAuthorizationResponseBundleExample.json': ['response-omits-authorized-provider'],
    'Bundle-SurgicalRequestBundleExample.json': ['request-practitionerrole-references'],
  },
};

/** Not a $submit/$inquire bundle: a subscription notification (`history`, Parameters first). */
const NOT_PAS_EXCHANGE_BUNDLES = new Set(['Bundle-PASSubscriptionNotification.json']);

describeShared('fhir-packages', 'the IG example bundles', () => {
  for (const version of ['2.2.1', '2.0.1'] as const) {
    describe(`PAS ${version} IG example bundles`, () => {
      const bundles = exampleBundles(version);

      it('are all listed here', () => {
        const names = bundles.map(([f]) => f).filter((f) => !NOT_PAS_EXCHANGE_BUNDLES.has(f));
        expect(names).toEqual(Object.keys(EXPECTED_DOWNGRADES[version]).sort());
      });

      for (const [file, bundle] of bundles) {
        if (NOT_PAS_EXCHANGE_BUNDLES.has(file)) {
          it.skip(`${file}: a subscription notification bundle, not a PAS request/response`, () => {});
          continue;
        }
        it(`${file} has no errors`, () => {
          const findings = validateBundle(bundle, { pasVersion: version, packages: { path: PACKAGES_URL }, kind: exampleKind(file) });
          expect(errors(findings).map((f) => f.message)).toEqual([]);
          expect(defectIds(findings)).toEqual(EXPECTED_DOWNGRADES[version][file]);
          for (const f of findings.filter((x) => x.code === 'PAS_IG_DEFECT')) {
            expect(f.severity).toBe('warning');
            expect(f.message).toContain(`PAS ${version} IG defect`);
          }
        });
      }
    });
  }
});

describe('extensions the PAS profiles slice in where their definitions do not allow them', () => {
  it('2.2.1: authorizationNumber and administrationReferenceNumber on Claim, and more on ClaimResponse', () => {
    const conflicts = getPasValidator('2.2.1', { env: {} }).declaredContextConflicts();
    const onClaim = conflicts.filter((c) => c.profile === 'profile-claim').map((c) => `${c.path} ${c.extension}`);
    expect(onClaim.sort()).toEqual(['Claim extension-administrationReferenceNumber', 'Claim extension-authorizationNumber']);
    const update = conflicts.filter((c) => c.profile === 'profile-claim-update').map((c) => `${c.path} ${c.extension}`);
    expect(update).toContain('Claim.supportingInfo extension-infoChanged');
    expect(update).toContain('Claim.supportingInfo modifierextension-infoCancelled');
    const response = conflicts.filter((c) => c.profile === 'profile-claimresponse').map((c) => `${c.path} ${c.extension}`);
    expect(response.sort()).toEqual([
      'ClaimResponse extension-itemAuthorizedProvider',
      'ClaimResponse.addItem extension-certificationType',
      'ClaimResponse.addItem extension-productOrServiceCodeEnd',
      'ClaimResponse.addItem extension-revenueUnitRateLimit',
      'ClaimResponse.addItem extension-serviceItemRequestType',
      'ClaimResponse.item extension-communicatedDiagnosis',
    ]);
  });

  it('2.0.1: administrationReferenceNumber on ClaimResponse.item, productOrServiceCodeEnd on ServiceRequest', () => {
    const conflicts = getPasValidator('2.0.1', { env: {} }).declaredContextConflicts();
    expect(conflicts.map((c) => `${c.profile} ${c.path} ${c.extension}`).sort()).toEqual([
      'profile-claiminquiryresponse ClaimResponse.item extension-administrationReferenceNumber',
      'profile-claimresponse ClaimResponse.item extension-administrationReferenceNumber',
      'profile-claimresponse-base ClaimResponse.item extension-administrationReferenceNumber',
      'profile-servicerequest ServiceRequest extension-productOrServiceCodeEnd',
    ]);
  });
});
