/**
 * Repeats of a segment use in one loop instance (repeats.ts, repeat-write.ts): each becomes its own
 * entry of the repeating FHIR element its rows write (two TRN two identifiers, each PWK its own
 * supportingInfo, each REF*EI its own identifier), valid under both PAS versions, and each comes
 * back as its own segment.
 */
import type { Claim, Identifier, Practitioner } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { validateBundle, type PasVersion } from '../../src/pas/index.js';
import { REQUEST_HEAD, requestSet } from './support.js';

const BODY = [
  ...REQUEST_HEAD,
  'TRN*1*T1*1234567893',
  'TRN*1*T2*1999999999*DEPT',
  'UM*HS*I*1*11:B',
  'HI*ABK:M5416',
  'PWK*03*BM',
  'PWK*04*EL***AC*CTRL2*SECOND ONE',
  'PWK*OZ*FX',
  'HL*5*4*SS*0',
  'TRN*1*L1*1234567893',
  'TRN*1*L2*1999999999',
  'SV1*HC:97153*100*UN*1',
  'NM1*SJ*1*ROE*JO****XX*1578902342',
  'REF*EI*123456789',
  'REF*EI*223456789',
];

const tx = requestSet;

const traceOf = (i: Identifier): string => `${i.value} ${i.system}`;

describe('repeats of a segment use', () => {
  const t = tx(BODY);

  it('each repeat is its own entry: identifiers, item trace numbers, attachments, provider ids; no finding about them', () => {
    const r = requestToBundle(t, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => ['TRN', 'PWK', 'REF'].includes(f.segment.slice(0, 3)) && f.code !== 'DEFAULTED').map((f) => f.message)).toEqual([
      expect.stringContaining('TRN04'),
    ]);
    const claim = r.bundle!.entry![0]!.resource as Claim;
    expect(claim.identifier!.map(traceOf)).toEqual(['T1 urn:trnorg:1234567893', 'T2 urn:trnorg:1999999999']);
    const traces = claim.item![0]!.extension!.filter((e) => e.url.endsWith('extension-itemTraceNumber')).map((e) => traceOf(e.valueIdentifier!));
    expect(traces).toEqual(['L1 urn:trnorg:1234567893', 'L2 urn:trnorg:1999999999']);
    const docs = (claim.supportingInfo ?? []).filter((s) => s.category.coding?.[0]?.code === 'additionalInformation');
    expect(docs.map((d) => d.extension![0]!.extension!.map((e) => e.valueString ?? e.valueCodeableConcept?.coding?.[0]?.code).join(' '))).toEqual(['03 BM', '04 EL CTRL2 SECOND ONE', 'OZ FX']);
    expect(new Set(claim.supportingInfo!.map((s) => s.sequence)).size).toBe(claim.supportingInfo!.length);
    const person = r.bundle!.entry!.map((e) => e.resource).find((x): x is Practitioner => x?.resourceType === 'Practitioner')!;
    expect(person.identifier!.filter((i) => i.system === 'urn:oid:2.16.840.1.113883.4.4').map((i) => i.value)).toEqual(['123456789', '223456789']);
  });

  it('the bundles are valid PAS 2.2.1 and 2.0.1', () => {
    for (const v of ['2.2.1', '2.0.1'] as PasVersion[]) {
      const b = requestToBundle(t, { pasVersion: v }).bundle!;
      expect(validateBundle(b, { pasVersion: v, packages: {} }).filter((f) => f.severity === 'error').map((f) => `${f.location}: ${f.message}`), v).toEqual([]);
    }
  });

  it('PAS 2.0.1 holds one Claim.identifier: there the second 2000E TRN is reported, not read', () => {
    const r = requestToBundle(t, { pasVersion: '2.0.1' });
    expect((r.bundle!.entry![0]!.resource as Claim).identifier!.map(traceOf)).toEqual(['T1 urn:trnorg:1234567893']);
    expect(r.findings.filter((f) => f.code === 'UNMAPPED_SEGMENT').map((f) => `${f.segment} ${f.position}`)).toEqual(['TRN 11']);
  });

  it('each comes back as its own segment, in order (the TRN04 no row reads aside)', () => {
    const rt = roundTripRequest(t, { pasVersion: '2.2.1' });
    expect(rt.differences.map((d) => `${d.original} -> ${d.written}`)).toEqual(['TRN*1*T2*1999999999*DEPT -> TRN*1*T2*1999999999']);
    expect(roundTripRequest(t, { pasVersion: '2.2.1', lossless: true }).differences).toEqual([]);
  });

  it('from FHIR: a third trace number is a third TRN, and nothing is left unwritten', () => {
    const b = requestToBundle(t, { pasVersion: '2.2.1' }).bundle!;
    const claim = b.entry![0]!.resource as Claim;
    claim.identifier!.push({ system: 'urn:trnorg:1888888888', value: 'T3' });
    const back = bundleToRequest(b);
    expect(back.findings.filter((f) => f.code === 'NOT_WRITTEN').map((f) => f.message)).toEqual([]);
    const event = back.segments!.filter((s) => /2000E\[0\]$/.test(s.key) && s.els[0]![0] === 'TRN').map((s) => s.els.map((e) => e.join(':')).join('*'));
    expect(event).toEqual(['TRN*1*T1*1234567893', 'TRN*1*T2*1999999999', 'TRN*1*T3*1888888888']);
  });
});
