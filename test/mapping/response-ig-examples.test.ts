/**
 * The IG's response bundles -> X217 responses (responseBundleToX12): those whose references
 * resolve are written, accepted by our X217 response grammar and by node-x12 in strict mode, and
 * read back with their mapped values; the others are refused with the reason.
 */
import type { ClaimResponse, Organization, Patient } from '@medplum/fhirtypes';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { responseBundleToX12 } from '../../src/mapping/index.js';
import { exampleBundle } from '../pas/support.js';
import { convertResponse } from './response-support.js';
import { transactions } from './support.js';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';
type Json = Record<string, unknown>;

/** Writes an IG example and reads the X12 back (PAS 2.2.1). */
function throughX12(name: string, request?: string): { source: ClaimResponse; back: ClaimResponse; bundle: Json; text: string; codes: string[] } {
  const bundle = exampleBundle('2.2.1', name);
  const w = responseBundleToX12(bundle, request !== undefined ? { request: exampleBundle('2.2.1', request) } : {});
  expect(w.findings.filter((f) => f.severity === 'error')).toEqual([]);
  const text = w.text!;
  expect(() => new X12Parser(true).parse(text)).not.toThrow();
  const [tx] = transactions(text);
  expect(tx!.accepted, JSON.stringify(tx!.findings)).toBe(true);
  const back = convertResponse(tx!, { pasVersion: '2.2.1' }).bundle;
  return { source: (bundle.entry as Json[])[0]!.resource as ClaimResponse, back: back.entry![0]!.resource as ClaimResponse, bundle: back as unknown as Json, text, codes: w.findings.map((f) => f.code) };
}

const errorView = (cr: ClaimResponse): unknown =>
  cr.error?.map((e) => [e.code.coding?.[0]?.code, e.extension?.find((x) => x.url === `${PAS}extension-errorFollowupAction`)?.valueCodeableConcept?.coding?.[0]?.code, e.extension?.find((x) => x.url === `${PAS}extension-errorElement`)?.extension?.[0]?.valueString]);
const actions = (cr: ClaimResponse): unknown => cr.item?.map((i) => i.adjudication?.[0]?.extension?.[0]?.extension?.find((x) => x.url === `${PAS}extension-reviewActionCode`)?.valueCodeableConcept?.coding?.[0]?.code);

describeShared('fhir-packages', 'IG response examples (../shared/fhir-packages)', () => {
  describe('IG response examples -> X217 -> PAS', () => {
    it('ErrorResponseBundleExample: the two errors come back (code, follow-up, errorElement), outcome error', () => {
      const { source, back, bundle } = throughX12('ErrorResponseBundleExample');
      expect(back.outcome).toBe('error');
      expect(errorView(back)).toEqual([
        ['04', undefined, '2000A'], // an error with no errorElement is written at the UMO level
        ['T4', 'C', '2010A-NM103'],
      ]);
      // The source's second error, as it was.
      expect((errorView(back) as unknown[])[1]).toEqual((errorView(source) as unknown[])[1]);
      expect((bundle.entry as Json[]).some((e) => (e.resource as Organization).name === 'MARYLAND CAPITAL INSURANCE COMPANY')).toBe(true);
      const patient = (bundle.entry as Json[]).map((e) => e.resource as Patient).find((r) => r.resourceType === 'Patient')!;
      expect(patient.name).toEqual([{ family: 'SMITH', given: ['JOE'] }]);
    });

    it('RejectionResponseBundleExample: the A3 item comes back; the foreign trace system gets the default TRN03 (reported)', () => {
      const { source, back, codes, text } = throughX12('RejectionResponseBundleExample');
      expect(actions(back)).toEqual(actions(source));
      expect(actions(back)).toEqual(['A3']);
      expect(back.outcome).toBe('complete');
      expect(codes).toContain('DEFAULTED');
      expect(text).toContain('TRN*1*111099*9999999999~');
    });

    it('examples naming a requester they do not include are written with the request they answer: its Claim.provider is the 2010B requester', () => {
      for (const [name, decision] of [
        ['ReferralAuthorizationResponseBundleExample', 'A1'],
        ['ReferralPendingAuthorizationResponseBundleExample', 'A4'],
      ] as const) {
        const { source, back, text, codes } = throughX12(name, 'ReferralAuthorizationBundleExample');
        expect(actions(back), name).toEqual(actions(source));
        expect(actions(back), name).toEqual([decision]);
        expect(text, name).toContain('NM1*1P*2*DR. JOE SMITH CORPORATION*****XX*8189991234~');
        expect(codes, name).toContain('UNRESOLVED_REFERENCE');
      }
    });

    it('without the request, examples naming a requester they do not include are refused (X12 requires the 2010B requester)', () => {
      for (const name of ['ReferralAuthorizationResponseBundleExample', 'ReferralPendingAuthorizationResponseBundleExample']) {
        const w = responseBundleToX12(exampleBundle('2.2.1', name));
        expect(w.text, name).toBeNull();
        expect(w.findings.map((f) => f.message).join('\n')).toContain('PractitionerRole/ReferralPractitionerRoleExample is not in the bundle');
        expect(w.findings.map((f) => f.message).join('\n')).toContain('2010B');
      }
    });

    it('the PAS 2.0.1 response examples are refused with the reason: their insurer has only the six-digit "NPI" 789312, and X12 requires the UMO identifier', () => {
      for (const name of ['ErrorResponseBundleExample', 'ReferralAuthorizationResponseBundleExample', 'PASClaimInquiryResponseBundleExample']) {
        const request = exampleBundle('2.0.1', name.startsWith('PASClaimInquiry') ? 'PASClaimInquiryBundleExample' : 'ReferralAuthorizationBundleExample');
        const w = responseBundleToX12(exampleBundle('2.0.1', name), { request });
        expect(w.text, name).toBeNull();
        expect(w.findings.filter((f) => f.severity === 'error').map((f) => f.code), name).toEqual(['MISSING_IDENTIFIER']);
        expect(w.findings.find((f) => f.code === 'INVALID_IDENTIFIER')?.message, name).toContain('"789312" is not an NPI');
      }
    });
  });
});
