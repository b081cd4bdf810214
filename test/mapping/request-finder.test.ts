/** Which request bundle a 278 response answers: by the echoed 2000E trace, else by BHT03. */
import type { Bundle } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { RequestFinder } from '../../src/mapping/request/finder.js';
import { sample } from './support.js';

const bundleOf = (name: string, replace: ReadonlyArray<readonly [string, string]> = []): Bundle => requestToBundle(sample(name, replace), { pasVersion: '2.2.1' }).bundle!;

describe('RequestFinder', () => {
  it('finds the request by the 2000E trace number the response echoes, among others', () => {
    const f = new RequestFinder();
    const referral = bundleOf('referral-request');
    f.add(bundleOf('admission-request'));
    f.add(referral);
    f.add(bundleOf('dependent-request'));
    expect(f.size).toBe(3);
    const m = f.find(sample('referral-response'));
    expect(m).toEqual({ bundle: referral, by: 'trace' });
  });

  it('falls back to BHT03 when no trace matches, and does not guess between two requests', () => {
    // The request's trace number changed: only BHT03 still ties them.
    const other = bundleOf('referral-request', [['TRN*1*REF2026112301', 'TRN*1*OTHER0001']]);
    const f = new RequestFinder();
    f.add(other);
    expect(f.find(sample('referral-response'))).toEqual({ bundle: other, by: 'reference' });
    f.add(bundleOf('referral-request', [['TRN*1*REF2026112301', 'TRN*1*OTHER0002']]));
    expect(f.find(sample('referral-response'))).toEqual({ bundle: null, why: 'ambiguous' });
    expect(new RequestFinder().find(sample('referral-response'))).toEqual({ bundle: null, why: 'none' });
  });
});

describe('RequestFinder.findForBundle', () => {
  it('finds the request a PAS Response Bundle answers by the Claim it references, else by BHT03', () => {
    const f = new RequestFinder();
    const referral = bundleOf('referral-request');
    f.add(referral);
    f.add(bundleOf('admission-request'));
    const claimId = referral.entry![0]!.resource!.id!;
    const response = (request: unknown, identifier?: string): Bundle => ({ resourceType: 'Bundle', type: 'collection', ...(identifier ? { identifier: { value: identifier } } : {}), entry: [{ resource: { resourceType: 'ClaimResponse', request } as never }] });
    expect(f.findForBundle(response({ reference: `Claim/${claimId}` }))).toEqual({ bundle: referral, by: 'trace' });
    expect(f.findForBundle(response({ identifier: { system: 'urn:trnorg:1578902342', value: 'REF2026112301' } }))).toEqual({ bundle: referral, by: 'trace' });
    expect(f.findForBundle(response({ reference: 'Claim/unknown' }, 'CLN20261123A1'))).toEqual({ bundle: referral, by: 'reference' });
    expect(f.findForBundle(response({ reference: 'Claim/unknown' }, 'NOPE'))).toEqual({ bundle: null, why: 'none' });
  });
});
