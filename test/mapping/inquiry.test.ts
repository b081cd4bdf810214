/**
 * X215 278 inquiry <-> PAS Inquiry Request Bundle: the request rows against the X215 grammar,
 * the inquiry profiles, one 278 per diagnosis on the way out, and round trips (sample and
 * fast-check) that give back every segment.
 */
import { readFileSync } from 'node:fs';
import type { Bundle, Claim } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';
import { bundlesToRequestX12 } from '../../src/mapping/request/x12.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { PAS_PROFILE } from '../../src/pas/constants.js';
import { validateBundle } from '../../src/pas/index.js';
import { MemoryControlNumbers } from '../../src/x12/index.js';
import { renderX217, x217RequestArb } from '../support/x217-arbitrary.js';
import { sample, transactions } from './support.js';

const RAW_EXAMPLE = (version: string): Bundle =>
  JSON.parse(readFileSync(`${sharedPath('fhir-packages')}hl7.fhir.us.davinci-pas#${version}/package/example/Bundle-PASClaimInquiryBundleExample.json`, 'utf8')) as Bundle;
/**
 * The example, its insurer given a payer id where it has none X12 can carry (the 2.0.1 example names it only
 * by the six-digit "NPI" 789312, and X12 requires 2010A NM108/NM109: refused as it is, see below).
 */
const EXAMPLE = (version: string): Bundle => {
  const b = RAW_EXAMPLE(version);
  if (version === '2.0.1') {
    const insurer = b.entry!.find((e) => e.resource?.resourceType === 'Organization' && e.resource.id === 'InsurerExample')!.resource as { identifier?: unknown[] };
    insurer.identifier = [...(insurer.identifier ?? []), { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NIIP' }] }, value: 'PAYER01' }];
  }
  return b;
};
const FIXED = (): { now: () => Date; controlNumbers: MemoryControlNumbers } => ({ now: () => new Date('2026-12-01T08:00:00Z'), controlNumbers: new MemoryControlNumbers() });

const profileOf = (r: { meta?: { profile?: string[] } } | undefined): string | undefined => r?.meta?.profile?.[0];
const claimOf = (b: Bundle): Claim => b.entry![0]!.resource as Claim;

describe('X215 inquiry -> PAS Inquiry Request Bundle', () => {
  it('the sample inquiry becomes an inquiry bundle that validates under 2.2.1 and 2.0.1, every element read', () => {
    for (const pasVersion of ['2.2.1', '2.0.1'] as const) {
      const r = requestToBundle(sample('referral-inquiry'), { pasVersion });
      expect(r.findings, pasVersion).toEqual([]);
      const b = r.bundle!;
      expect(profileOf(b), pasVersion).toBe(PAS_PROFILE.inquiryRequestBundle);
      expect(profileOf(claimOf(b)), pasVersion).toBe(PAS_PROFILE.claimInquiry);
      expect(b.identifier?.value).toBe('INQ20261201A1');
      // The event's trace number, the status asked about (UM), the authorization number (REF*BB) and the event dates.
      const claim = claimOf(b);
      expect(claim.identifier).toEqual([{ value: 'INQ2026120101', system: 'urn:trnorg:1578902342' }]);
      expect(JSON.stringify(claim)).toContain('AUTH7781234');
      expect(claim.supportingInfo?.[0]?.timingPeriod).toEqual({ start: '2026-12-01', end: '2027-01-31' });
      const errors = validateBundle(b, { pasVersion }).filter((f) => f.severity === 'error');
      expect(errors, pasVersion).toEqual([]);
    }
  });

  it('the validator takes the kind from Bundle.meta.profile: an inquiry is checked against the inquiry Claim profile', () => {
    const b = requestToBundle(sample('referral-inquiry'), { pasVersion: '2.2.1' }).bundle!;
    // As a request, PAS would want item.location (profile-claim); as an inquiry it does not.
    const asRequest = validateBundle(b, { pasVersion: '2.2.1', kind: 'request' }).filter((f) => f.severity === 'error');
    expect(asRequest.map((f) => f.location)).toContain('Bundle.entry[0].resource.item[0].location[x]');
    expect(validateBundle(b, { pasVersion: '2.2.1' }).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('X215 -> PAS -> X215 gives back the sample segment for segment, in a 005010X215 group', () => {
    const r = roundTripRequest(sample('referral-inquiry'), { pasVersion: '2.2.1' });
    expect(r.differences).toEqual([]);
    const out = bundlesToRequestX12([r.bundle!], FIXED());
    expect(out.outcomes.map((o) => [o.status, o.findings])).toEqual([['converted', []]]);
    const original = readFileSync(new URL('../../samples/referral-inquiry.x12', import.meta.url), 'latin1');
    const body = (t: string): string[] => t.split('~').map((s) => s.trim()).filter((s) => s !== '' && !/^(ISA|GS|GE|IEA)\*/.test(s));
    expect(body(out.text)).toEqual(body(original));
    expect(out.text).toContain('*005010X215~');
  });
});

describe('PAS Inquiry Request Bundle -> X215', () => {
  describeShared('fhir-packages', 'the IG inquiry examples', () => {
    it('the 2.0.1 IG inquiry example as published is refused, naming the insurer identifier to fill', () => {
      const o = bundlesToRequestX12([RAW_EXAMPLE('2.0.1')], FIXED()).outcomes[0]!;
      expect(o.status).toBe('rejected');
      expect(o.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.path])).toEqual([['MISSING_IDENTIFIER', 'Bundle.entry[2].resource.identifier']]);
    });

    it('the IG inquiry examples (2.2.1, 2.0.1) become 278 inquiries our X215 grammar and node-x12 strict accept; what no row writes is reported', () => {
      for (const version of ['2.2.1', '2.0.1']) {
        const r = bundlesToRequestX12([EXAMPLE(version)], FIXED());
        const o = r.outcomes[0]!;
        expect([o.status, o.findings.filter((f) => f.severity === 'error')], version).toEqual(['converted', []]);
        const [tx, more] = transactions(Buffer.from(r.text, 'latin1'));
        expect(more, version).toBeUndefined();
        expect(tx?.implementation, version).toBe('005010X215');
        expect(tx?.findings, version).toEqual([]);
        expect(() => new X12Parser(true).parse(r.text), version).not.toThrow();
        // The second item asks about certification dates and a review action: X215 rows do not carry them, and say so.
        const notWritten = o.findings.filter((f) => f.code === 'NOT_WRITTEN').map((f) => f.message);
        expect(notWritten.some((m) => m.includes('item[1].extension') && m.includes('extension-reviewActionCode')), version).toBe(true);
        expect(notWritten.some((m) => m.includes('extension-itemCertificationIssueDate')), version).toBe(true);
      }
    });
  });

  describeShared('fhir-packages', 'the IG inquiry example, written twice', () => {
    it('PAS -> X215 -> PAS -> X215 writes the same inquiry twice for the IG examples: every value a row carries survives', () => {
      for (const version of ['2.2.1', '2.0.1']) {
        const first = bundlesToRequestX12([EXAMPLE(version)], FIXED());
        const [tx] = transactions(Buffer.from(first.text, 'latin1'));
        const again = requestToBundle(tx!, { pasVersion: version as '2.2.1' | '2.0.1' });
        expect(again.bundle?.meta?.profile, version).toEqual([PAS_PROFILE.inquiryRequestBundle]);
        const second = bundlesToRequestX12([again.bundle!], FIXED());
        // The transaction sets (ST to SE); the envelope's receiver defaults to the insurer's identifier, which the
        // 2.0.1 example gives only as a six-digit "NPI" no 278 can carry, so the second envelope says UNKNOWN.
        const sets = (t: string): string[] => t.split('\n').filter((l) => !/^(ISA|GS|GE|IEA)\*/.test(l));
        expect(sets(second.text), version).toEqual(sets(first.text));
      }
    });
  });

  it('an inquiry about several diagnoses is one 278 per diagnosis, each with that diagnosis alone', () => {
    const b = requestToBundle(sample('referral-inquiry'), { pasVersion: '2.2.1' }).bundle!;
    // No diagnosis is typed principal: each goes as HI01 with qualifier ABF.
    const codes = ['R51.9', 'M54.50', 'G43.909'];
    claimOf(b).diagnosis = codes.map((code, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] } }));
    const r = bundlesToRequestX12([b], FIXED());
    expect(r.outcomes[0]!.status).toBe('converted');
    expect(r.outcomes[0]!.controls).toHaveLength(3);
    const txs = transactions(Buffer.from(r.text, 'latin1'));
    expect(txs.map((t) => t.control)).toEqual(r.outcomes[0]!.controls);
    expect(txs.map((t) => t.segments.filter((s) => s.id === 'HI').map((s) => s.elements().slice(1).join('*')))).toEqual(codes.map((c) => [`ABF:${c.replace('.', '')}`]));
    // Everything else is the same inquiry three times.
    const rest = txs.map((t) => t.segments.filter((s) => s.id !== 'HI' && s.id !== 'ST' && s.id !== 'SE').map((s) => s.elements().join('*')));
    expect(rest[1]).toEqual(rest[0]);
    expect(rest[2]).toEqual(rest[0]);
  });

  it('requests and inquiries in one call: one interchange, a 005010X217 group and a 005010X215 group', () => {
    const request = requestToBundle(sample('referral-request'), { pasVersion: '2.2.1' }).bundle!;
    const inquiry = requestToBundle(sample('referral-inquiry'), { pasVersion: '2.2.1' }).bundle!;
    const r = bundlesToRequestX12([inquiry, request], FIXED());
    expect(r.outcomes.map((o) => o.status)).toEqual(['converted', 'converted']);
    const gs = r.text.split('~').map((s) => s.trim()).filter((s) => s.startsWith('GS*'));
    expect(gs.map((s) => s.split('*')[8])).toEqual(['005010X217', '005010X215']);
    expect(transactions(Buffer.from(r.text, 'latin1')).map((t) => [t.implementation, t.findings])).toEqual([
      ['005010X217', []],
      ['005010X215', []],
    ]);
    expect(() => new X12Parser(true).parse(r.text)).not.toThrow();
  });

  it('fast-check: random valid inquiries (the X217 request model sent as X215) come back with no difference (lossless)', () => {
    fc.assert(
      fc.property(x217RequestArb(), (model) => {
        const text = renderX217(model).replaceAll('005010X217', '005010X215');
        const [tx] = transactions(text);
        expect(tx!.implementation).toBe('005010X215');
        const r = roundTripRequest(tx!, { pasVersion: '2.2.1', lossless: true });
        expect(profileOf(r.bundle!)).toBe(PAS_PROFILE.inquiryRequestBundle);
        expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(r.differences).toEqual([]);
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 25) },
    );
  });
});

describe('requests and inquiries, not responses', () => {
  it('a PAS Response Bundle given to the request writer is refused, saying which writer takes it', () => {
    const r = bundlesToRequestX12([{ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'ClaimResponse' } }] }], FIXED());
    expect(r.text).toBe('');
    expect(r.outcomes[0]!.findings.map((f) => [f.code, f.message])).toEqual([['NOT_A_REQUEST_BUNDLE', 'a PAS Response Bundle (ClaimResponse): 278 responses are written by responseBundleToX12']]);
  });

  it('refuses a response instead of reading it with the request rows', () => {
    const r = requestToBundle(sample('referral-response'), { pasVersion: '2.2.1' });
    expect(r.bundle).toBeNull();
    expect(r.findings.map((f) => [f.code, f.message])).toEqual([['NO_TREE', expect.stringContaining('278 review response (278-x217-response)')]]);
  });
});
