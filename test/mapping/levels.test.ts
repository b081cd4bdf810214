/**
 * Meaning kept between the event (2000E) and service (2000F) levels, and no valid 278 refused
 * for a code or a time X12 allows (issue 14).
 */
import type { Bundle, Claim, ClaimResponse, Coverage } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripResponse, x12ToBundle } from '../../src/mapping/round-trip.js';
import { silentChanges } from '../../src/mapping/engine/silent.js';
import { sample, transactions } from './support.js';

const REVIEW_ACTION = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction';

/** A response: the event certified (A1); line 1 not certified (A3), line 2 rejected (AAA) with no decision. */
const RESPONSE = [
  'ISA*00*          *00*          *ZZ*ACMEHEALTH     *ZZ*CLINICSUBMIT01 *261124*1015*^*00501*000000201*0*T*:~',
  'GS*HI*ACMEHEALTH*CLINICSUBMIT01*20261124*1015*201*X*005010X217~',
  'ST*278*0001*005010X217~BHT*0007*11*CLN20261123A1*20261124*1015~',
  'HL*1**20*1~NM1*X3*2*ACME HEALTH PLAN*****PI*60054~HL*2*1*21*1~NM1*1P*1*RIVERA*ANA*M***XX*1578902342~',
  'HL*3*2*22*1~NM1*IL*1*NGUYEN*TOM****MI*W123456789~DMG*D8*19790214*M~',
  'HL*4*3*EV*1~TRN*2*REF2026112301*1578902342~TRN*1*ACM-55120034*9600054321~UM*SC*I*3*11:B~HCR*A1*AUTH7781234~',
  'HL*5*4*SS*0~TRN*2*L1*1578902342~UM*SC*I*3~HCR*A3**AB~SV1*HC:97110*100*UN*4~',
  'HL*6*4*SS*0~TRN*2*L2*1578902342~AAA*N**57*C~UM*SC*I*3~SV1*HC:97112*100*UN*4~',
  'SE*22*0001~GE*1*201~IEA*1*000000201~',
].join('\n');

describe('response levels', () => {
  it('a line the UMO rejected (AAA, no HCR) takes no decision from the event; its error names its itemSequence; the AAA comes back on its line; the event decision no line takes is reported', () => {
    const [tx] = transactions(RESPONSE);
    const r = x12ToBundle(tx!, { pasVersion: '2.2.1' });
    const cr = r.bundle!.entry![0]!.resource as ClaimResponse;
    const actions = cr.item!.map((i) => JSON.stringify(i.adjudication).match(/"code":"(A\d)"/)?.[1] ?? null);
    expect(actions).toEqual(['A3', null]);
    expect(JSON.stringify(cr.item![1]!.adjudication)).not.toContain(REVIEW_ACTION);
    expect(cr.error?.map((e) => (e as { itemSequence?: number }).itemSequence)).toEqual([2]);
    const rt = roundTripResponse(tx!, { pasVersion: '2.2.1' });
    const text = rt.text!.replaceAll('\n', '');
    expect(text).toContain('TRN*2*L2*1578902342~AAA*N**57*C');
    // The event's A1, which no line takes, has no PAS home (reviewActionCode's context is item and addItem adjudications): reported, not copied.
    const hcr = r.findings.find((f) => f.segment === 'HCR' && f.position === 14);
    expect(hcr?.message).toContain('has no place in PAS');
    // Whatever else moves is named by convert's findings.
    expect(silentChanges(rt.differences, r.findings)).toEqual([]);
  });
});

describe('requests: codes and times X12 allows are never refused', () => {
  it('INS02 17 (no FHIR relationship code): carried in X12 system 1069 and written back', () => {
    const tx = sample('dependent-request', [['INS*N*19', 'INS*N*17']]);
    const r = x12ToBundle(tx, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const coverage = r.bundle!.entry!.map((e) => e.resource).find((x) => x?.resourceType === 'Coverage') as Coverage;
    expect(coverage.relationship?.coding).toEqual([{ system: 'https://codesystem.x12.org/005010/1069', code: '17' }]);
    expect(r.findings.some((f) => f.segment === 'INS')).toBe(false);
  });

  it('BHT05 of eight digits (HHMMSSDD) is read with its hundredths', () => {
    const tx = sample('referral-request', [['*20261123*0930~', '*20261123*09301207~']]);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect((r.bundle as Bundle).timestamp).toBe('2026-11-23T09:30:12.07Z');
  });

  it('an SV2 line with a procedure and no revenue code keeps the Claim institutional', () => {
    const tx = sample('dependent-request', [['SV1*HC:97153*1200*UN*40', 'SV2**HC:97153*1200*UN*40'], ['SV1*HC:97155*300*UN*8', 'SV2**HC:97155*300*UN*8'], ['SV1*HC:97156:HO*150*UN*4', 'SV2**HC:97156:HO*150*UN*4']]);
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    const claim = r.bundle!.entry![0]!.resource as Claim;
    expect(claim.type?.coding?.[0]?.code).toBe('institutional');
  });
});
