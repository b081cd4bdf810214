/**
 * Inferno PAS test-kit fixtures (../shared/corpus/inferno): the negative bundles fail for their
 * stated reason; the STU2 positives pass under 2.0.1. Fixtures that are not $submit/$inquire
 * bundles, or need more than the bundle to judge, are skipped with the reason.
 */
import { describeShared } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { validateBundle } from '../../src/pas/validate.js';
import type { BundleKind, PasVersion } from '../../src/pas/versions.js';
import { INFERNO, PACKAGES_URL, errors, readJsonFile } from './support.js';

interface Negative {
  file: string;
  kind?: BundleKind;
  /** Error codes that must be among the findings in every PAS version. */
  codes: string[];
}

const NEGATIVES: Negative[] = [
  { file: 'spec-fixtures/invalid_first_entry_response_bundle.json', kind: 'response', codes: ['PAS_BUNDLE_FIRST_ENTRY'] },
  { file: 'spec-fixtures/missing_referenced_resource_request_bundle.json', codes: ['PAS_BUNDLE_UNRESOLVED_REFERENCE'] },
  { file: 'spec-fixtures/missing_referenced_resource_response_bundle.json', codes: ['PAS_BUNDLE_UNRESOLVED_REFERENCE'] },
  { file: 'spec-fixtures/pa_response_bundle_missing_elements.json', codes: ['PAS_STRUCTURE', 'PAS_BUNDLE_UNRESOLVED_REFERENCE'] },
  // An empty request bundle: named for PAS 1.1 and 2.2.1, and empty in any version.
  { file: 'spec-fixtures/nonconformant_pas_bundle_v110.json', codes: ['PAS_STRUCTURE', 'PAS_SLICE_CARDINALITY', 'PAS_BUNDLE_FIRST_ENTRY'] },
  { file: 'misc/nonconformant_pas_bundle_v221.json', codes: ['PAS_STRUCTURE', 'PAS_SLICE_CARDINALITY', 'PAS_BUNDLE_FIRST_ENTRY'] },
];

const SKIPPED: Record<string, string> = {
  'spec-fixtures/response_bundle_patient_wrong_fullurl.json':
    "wrong only against its request (the Patient's identifier differs from the request's); nothing in the bundle alone is invalid under 2.0.1, and Inferno's own test for it is commented out",
  'spec-fixtures/conformant_pas_bundle_v110.json': 'PAS 1.1-era positive: breaks 2.x rules (no item.category, http:// X12 systems, short NPIs)',
  'spec-fixtures/conformant_pas_bundle_v110_multiple_items.json': 'PAS 1.1-era positive (as above)',
  'spec-fixtures/conformant_pas_bundle_v110_uuid.json': 'PAS 1.1-era positive (as above)',
  'spec-fixtures/conformant_pas_inquire_bundle_v110.json': 'PAS 1.1-era positive (as above)',
  'spec-fixtures/PAS_notification_example_full_resource.json': 'a subscription notification (history bundle), not a $submit/$inquire bundle',
  'spec-fixtures/PAS_notification_example_id_only.json': 'a subscription notification (history bundle)',
  'spec-fixtures/PAS_notification_missing_elements.json': 'a subscription notification (history bundle)',
  'spec-fixtures/PAS_Subscription_example_bad_topic_and_criteria.json': 'a Subscription, not a bundle',
  'spec-fixtures/PAS_Subscription_example_full_resource.json': 'a Subscription, not a bundle',
  'spec-fixtures/PAS_Subscription_example_id_only.json': 'a Subscription, not a bundle',
  'spec-fixtures/PAS_Subscription_example_v221_bad.json': 'a Subscription, not a bundle',
  'spec-fixtures/PAS_Subscription_example_v221_good.json': 'a Subscription, not a bundle',
  'spec-fixtures/pas_claim.json': 'a lone Claim, not a bundle',
  'spec-fixtures/pas_device_request_all_must_support.json': 'a lone DeviceRequest, not a bundle',
  'misc/pas_server_capability_statement.json': 'a CapabilityStatement',
};

/** PAS STU2 (2.0.1) positives: clean under 2.0.1. Under 2.2.1 they miss what 2.2.1 added. */
const STU2_POSITIVES: { file: string; kind: BundleKind }[] = [
  { file: 'spec-fixtures/valid_pa_response_bundle.json', kind: 'response' },
  { file: 'spec-fixtures/valid_pa_response_bundle_denial.json', kind: 'response' },
  { file: 'spec-fixtures/valid_pa_inquire_response_bundle.json', kind: 'inquiry-response' },
];

function validate(file: string, version: PasVersion, kind?: BundleKind) {
  return validateBundle(readJsonFile(INFERNO + file), { pasVersion: version, packages: { path: PACKAGES_URL }, ...(kind ? { kind } : {}) });
}

describeShared(['fhir-packages', 'corpus/inferno'], 'the Inferno fixtures', () => {
  describe('Inferno negative fixtures fail', () => {
    for (const n of NEGATIVES) {
      for (const version of ['2.2.1', '2.0.1'] as const) {
        it(`${n.file} (PAS ${version}): ${n.codes.join(', ')}`, () => {
          const codes = new Set(errors(validate(n.file, version, n.kind)).map((f) => f.code));
          for (const c of n.codes) expect([...codes]).toContain(c);
        });
      }
    }

    it('the missing resources are named', () => {
      const req = errors(validate('spec-fixtures/missing_referenced_resource_request_bundle.json', '2.0.1'));
      expect(req.filter((f) => f.code === 'PAS_BUNDLE_UNRESOLVED_REFERENCE').map((f) => f.message)).toEqual([
        expect.stringContaining('reference Practitioner/ReferralPractitionerExample (from Claim.careTeam.provider)'),
      ]);
      const resp = errors(validate('spec-fixtures/missing_referenced_resource_response_bundle.json', '2.0.1'));
      expect(resp.filter((f) => f.code === 'PAS_BUNDLE_UNRESOLVED_REFERENCE').map((f) => f.message)).toContainEqual(
        expect.stringContaining('reference Patient/SubscriberExample (from ClaimResponse.patient)'),
      );
    });
  });

  describe('Inferno STU2 positive fixtures', () => {
    for (const p of STU2_POSITIVES) {
      it(`${p.file} is clean under 2.0.1`, () => {
        expect(errors(validate(p.file, '2.0.1', p.kind)).map((f) => f.message)).toEqual([]);
      });
      it(`${p.file} under 2.2.1 misses ClaimResponse.request (required since 2.2.1)`, () => {
        const rules = errors(validate(p.file, '2.2.1', p.kind)).map((f) => f.rule);
        expect(rules).toContain('ClaimResponse.request');
      });
    }
  });

  describe('Inferno fixtures not used', () => {
    for (const [file, reason] of Object.entries(SKIPPED)) it.skip(`${file}: ${reason}`, () => {});
  });
});
