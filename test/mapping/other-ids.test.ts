/**
 * NM108 qualifiers with no published identifier system (mappings/request/other-ids.json): the UMO's
 * FI/NI/XV, the requester's FI/NI/PI/XV, the subscriber's II/ZZ. Each is read with its qualifier as
 * the identifier's type (X12 element 66), makes a valid bundle, and comes back as it was; before,
 * the bundle could not be written back at all (no identifier X12 can carry).
 */
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { validateBundle } from '../../src/pas/index.js';
import { requestSet } from './support.js';

const body = (umo: string, requester: string, subscriber: string): string[] => [
  'BHT*0007*13*REF1*20261123*1200',
  'HL*1**20*1',
  `NM1*X3*2*PAYER*****${umo}`,
  'HL*2*1*21*1',
  `NM1*1P*2*CLINIC*****${requester}`,
  'HL*3*2*22*1',
  `NM1*IL*1*ROE*RI****${subscriber}`,
  'HL*4*3*EV*0',
  'UM*HS*I*1*11:B',
  'HI*ABK:M5416',
];

const CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['FI*123456789', 'FI*987654321', 'II*H1234'],
  ['NI*12345', 'NI*54321', 'ZZ*Z99'],
  ['XV*PLAN7', 'PI*PAYER9', 'MI*M1'],
  ['PI*12345', 'XV*OEID1', 'ZZ*Z98'],
];

describe('identifiers whose qualifier has no system of its own', () => {
  for (const [umo, requester, subscriber] of CASES) {
    it(`UMO ${umo}, requester ${requester}, subscriber ${subscriber}: read with the qualifier as type, valid, and back unchanged`, () => {
      const t = requestSet(body(umo, requester, subscriber));
      const r = requestToBundle(t, { pasVersion: '2.2.1' });
      expect(r.findings.map((f) => f.message)).toEqual([]);
      expect(validateBundle(r.bundle!, { pasVersion: '2.2.1', packages: {} }).filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([]);
      const ids = JSON.stringify(r.bundle);
      for (const q of [umo, requester, subscriber].map((x) => x.split('*')[0]!).filter((q) => !['PI', 'MI'].includes(q) || q === requester.split('*')[0])) {
        expect(ids).toContain(`{"system":"https://codesystem.x12.org/005010/66","code":"${q}"}`);
      }
      const rt = roundTripRequest(t, { pasVersion: '2.2.1' });
      expect(rt.writeFindings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(rt.differences).toEqual([]);
    });
  }
});
