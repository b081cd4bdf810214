import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { describeShared, SHARED_ROOT } from '../support/shared.js';

/**
 * Every request, inquiry and response Bundle among the PAS 2.2.1 and 2.0.1 IG examples and the
 * conformance-test fixtures in ../shared/corpus/inferno, through FHIR -> X12 -> FHIR: each converts,
 * with every element of the bundle given back equal or named by a finding's path, or is refused
 * for a defect of the input its finding names (listed below with the FHIR element to fill).
 */

const SHARED = SHARED_ROOT;

type Obj = Record<string, unknown>;

interface Case {
  readonly name: string;
  readonly version: PasVersion;
  readonly bundle: Obj;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const version of ['2.2.1', '2.0.1'] as const) {
    const dir = `${SHARED}fhir-packages/hl7.fhir.us.davinci-pas#${version}/package/example/`;
    for (const f of readdirSync(dir).filter((n) => n.startsWith('Bundle-')).sort()) out.push({ name: `${version}/${f}`, version, bundle: JSON.parse(readFileSync(dir + f, 'utf8')) as Obj });
  }
  for (const sub of ['spec-fixtures', 'misc']) {
    const dir = `${SHARED}corpus/inferno/${sub}/`;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const bundle = JSON.parse(readFileSync(dir + f, 'utf8')) as Obj;
      if (bundle.resourceType !== 'Bundle') continue;
      out.push({ name: `inferno/${f}`, version: f.includes('v221') ? '2.2.1' : '2.2.1', bundle });
    }
  }
  // A subscription notification (Bundle.type history) is not a request, inquiry or response bundle.
  return out.filter((c) => c.bundle.type !== 'history');
}

const INSURER_ID: readonly [string, string] = ['MISSING_IDENTIFIER', 'Bundle.entry[2].resource.identifier'];

/**
 * The refusals and their reasons (error code, FHIR element to fill or fix). The insurer of the
 * PAS 2.0.1 examples and of the conformance fixtures is named only by the "NPI" 789312: six digits,
 * which US Core forbids (us-core-16/17) and which is no NPI, so X12's required 2010A NM108/NM109
 * has nothing to carry.
 */
const REFUSED: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  '2.0.1/Bundle-ErrorResponseBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-HomecareAuthorizationBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-HomecareAuthorizationDifferentialBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-HomecareAuthorizationUpdateBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-MedicalServicesAuthorizationBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-PASClaimInquiryBundleExample.json': [INSURER_ID],
  // No requestor at all (X12 requires the 2010B requester).
  '2.0.1/Bundle-PASClaimInquiryResponseBundleExample.json': [['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor'], INSURER_ID],
  '2.0.1/Bundle-ReferralAuthorizationBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-ReferralAuthorizationResponseBundleExample.json': [INSURER_ID],
  '2.0.1/Bundle-SurgicalRequestBundleExample.json': [INSURER_ID],
  '2.2.1/Bundle-PASClaimInquiryResponseBundleExample.json': [['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor']],
  // The requestor names a PractitionerRole the bundle does not include.
  '2.2.1/Bundle-ReferralAuthorizationResponseBundleExample.json': [['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor']],
  '2.2.1/Bundle-ReferralPendingAuthorizationResponseBundleExample.json': [['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor']],
  // A bundle with no Claim (empty collections: the fixtures of a non-conformant bundle). Subscription notifications (type history) are not counted.
  'inferno/nonconformant_pas_bundle_v110.json': [['NOT_A_REQUEST_BUNDLE', '']],
  'inferno/nonconformant_pas_bundle_v221.json': [['NOT_A_REQUEST_BUNDLE', '']],
  'inferno/conformant_pas_bundle_v110.json': [INSURER_ID],
  'inferno/conformant_pas_bundle_v110_multiple_items.json': [INSURER_ID],
  'inferno/conformant_pas_bundle_v110_uuid.json': [INSURER_ID],
  'inferno/conformant_pas_inquire_bundle_v110.json': [INSURER_ID],
  'inferno/missing_referenced_resource_request_bundle.json': [INSURER_ID],
  // The ClaimResponse comes second here (read all the same); its insurer is the six-digit NPI one.
  'inferno/invalid_first_entry_response_bundle.json': [INSURER_ID],
  // Its patient is not in the bundle, and X12 requires 2010C.
  'inferno/missing_referenced_resource_response_bundle.json': [['MISSING_RESOURCE', 'Bundle.entry[0].resource.patient'], INSURER_ID],
  'inferno/pa_response_bundle_missing_elements.json': [
    ['MISSING_RESOURCE', 'Bundle.entry[0].resource.insurer'],
    ['MISSING_RESOURCE', 'Bundle.entry[0].resource.requestor'],
    ['MISSING_RESOURCE', 'Bundle.entry[0].resource.patient'],
  ],
  'inferno/response_bundle_patient_wrong_fullurl.json': [INSURER_ID],
  'inferno/valid_pa_inquire_response_bundle.json': [INSURER_ID],
  'inferno/valid_pa_response_bundle.json': [INSURER_ID],
  'inferno/valid_pa_response_bundle_denial.json': [INSURER_ID],
};

describeShared(['fhir-packages', 'corpus/inferno'], 'PAS examples and conformance fixtures -> X12 -> PAS', () => {
  const all = cases();

  it('finds the bundles (35 request, inquiry and response bundles)', () => {
    expect(all.length).toBe(35);
  });

  for (const c of all) {
    it(`${c.name}: ${REFUSED[c.name] !== undefined ? 'refused for the defect its finding names' : 'converts; every element comes back or is named by a finding'}`, () => {
      const r = fhirRoundTrip(c.bundle, { pasVersion: c.version });
      const refused = REFUSED[c.name];
      if (refused !== undefined) {
        expect(r.status).toBe('not converted');
        const errors = r.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.path ?? ''] as const);
        expect(errors).toEqual(refused);
        return;
      }
      expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(r.status).not.toBe('not converted');
      expect(r.differences.filter((d) => !d.named)).toEqual([]);
      // Every finding of an element names a path of the bundle.
      for (const f of r.findings) if (f.code === 'NOT_WRITTEN' || f.code === 'DEFAULTED') expect(f.path, f.message).toMatch(/^Bundle(\.|$)/);
    });
  }
});
