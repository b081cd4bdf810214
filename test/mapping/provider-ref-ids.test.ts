/**
 * 2010EA and 2010F REF*EI / REF*SY (mappings/request/provider-ref-ids.json): an extra identifier of
 * the provider, read into its Practitioner or Organization and written back in its own loop; other
 * REF qualifiers are reported.
 */
import type { Identifier, Organization, Practitioner } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { REQUEST_HEAD, requestSet } from './support.js';

const body = (refs: { event: string; line: string[] }): string[] => [
  ...REQUEST_HEAD,
  'UM*HS*I*1*11:B',
  'HI*ABK:M5416',
  'NM1*SJ*1*DOE*JO****XX*1234567893',
  refs.event,
  'HL*5*4*SS*0',
  'SV1*HC:97153*100*UN*1',
  'NM1*SJ*1*ROE*JO****XX*1578902342',
  refs.line[0]!,
  'NM1*FA*2*HOSP*****XX*1093817462',
  refs.line[1]!,
];

const tx = requestSet;

const ids = (r: Practitioner | Organization): Identifier[] => r.identifier ?? [];

describe('provider REF ids', () => {
  it('REF*EI and REF*SY of 2010EA and 2010F become identifiers with their systems and come back unchanged', () => {
    const t = tx(body({ event: 'REF*EI*123456789', line: ['REF*SY*223456789', 'REF*EI*987654321'] }));
    const r = requestToBundle(t, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.code.startsWith('UNMAPPED'))).toEqual([]);
    const parties = r.bundle!.entry!.map((e) => e.resource).filter((x): x is Practitioner | Organization => x?.resourceType === 'Practitioner' || x?.resourceType === 'Organization');
    const extra = parties.flatMap((p) => ids(p).filter((i) => i.system === 'urn:oid:2.16.840.1.113883.4.4' || i.system === 'http://hl7.org/fhir/sid/us-ssn').map((i) => `${p.resourceType} ${i.system} ${i.value} ${i.type?.coding?.[0]?.code}`));
    expect(extra.sort()).toEqual([
      'Organization urn:oid:2.16.840.1.113883.4.4 987654321 TAX',
      'Practitioner http://hl7.org/fhir/sid/us-ssn 223456789 SS',
      'Practitioner urn:oid:2.16.840.1.113883.4.4 123456789 TAX',
    ]);
    expect(roundTripRequest(t, { pasVersion: '2.2.1' }).differences).toEqual([]);
  });

  it('another qualifier (a state licence, 0B) is reported, not dropped', () => {
    const t = tx(body({ event: 'REF*0B*LIC42', line: ['REF*1G*UPIN1', 'REF*EI*987654321'] }));
    const r = requestToBundle(t, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.code.startsWith('UNMAPPED')).map((f) => `${f.loop.split('/').pop()} ${f.segment} ${f.position}`)).toEqual(['2010EA REF 13', '2010F REF 17']);
  });
});
