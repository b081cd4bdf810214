/**
 * AAA at every level of a response -> one ClaimResponse.error each, outcome `error`; the
 * errorElement names loop-segment-element; with the request bundle given, errorPath is a FHIRPath
 * that finds the rejected place in that bundle (checked by evaluating it).
 */
import { evalFhirPath } from '@medplum/core';
import type { Bundle, ClaimResponse, ClaimResponseError } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import type { TransactionSet } from '../../src/x12/index.js';
import { convertResponse, validationErrors, VERSIONS } from './response-support.js';
import { sample, transactions } from './support.js';
import { readFileSync } from 'node:fs';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/';

/** A response sample with segments inserted after the given ones (SE01 kept right). */
function withAaa(name: string, inserts: ReadonlyArray<readonly [after: string, aaa: string]>): TransactionSet {
  let text = readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url), 'latin1');
  for (const [after, aaa] of inserts) {
    expect(text).toContain(after);
    text = text.replace(after, `${after}${aaa}~`);
  }
  text = text.replace(/SE\*(\d+)\*0001/, (_, n: string) => `SE*${Number(n) + inserts.length}*0001`);
  const [tx] = transactions(text);
  expect(tx!.accepted, JSON.stringify(tx!.findings)).toBe(true);
  return tx!;
}

/** [code, follow-up, errorElement, errorPath] of an error. */
function view(e: ClaimResponseError): [string | undefined, string | undefined, string | undefined, string | undefined] {
  const x = (url: string) => e.extension?.find((y) => y.url === PAS + url);
  return [e.code.coding?.[0]?.code, x('extension-errorFollowupAction')?.valueCodeableConcept?.coding?.[0]?.code, x('extension-errorElement')?.extension?.find((y) => y.url === 'error')?.valueString, x('extension-errorPath')?.valueString];
}

const crOf = (b: Bundle): ClaimResponse => b.entry![0]!.resource as ClaimResponse;

describe('AAA -> ClaimResponse.error', () => {
  // The referral response, rejected at five places: UMO level, UMO name, subscriber name, event, event provider.
  const tx = withAaa('referral-response', [
    ['HL*1**20*1~', 'AAA*N**42*R'],
    ['NM1*X3*2*ACME HEALTH PLAN*****PI*60054~', 'AAA*N**T4*C'],
    ['NM1*IL*1*NGUYEN*TOM****MI*W123456789~', 'AAA*N**72*C'],
    ['TRN*1*ACM-55120034*9600054321~', 'AAA*N**15*N'],
    ['NM1*SJ*1*OKAFOR*LENA****XX*1093817462~', 'AAA*N**43*C'],
  ]);

  it('one error per AAA, in order, outcome error; valid under both versions', () => {
    for (const v of VERSIONS) {
      const { bundle, findings } = convertResponse(tx, { pasVersion: v });
      const cr = crOf(bundle);
      expect(cr.outcome).toBe('error');
      expect(cr.error).toHaveLength(5);
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(validationErrors(bundle, v), v).toEqual([]);
    }
    const cr = crOf(convertResponse(tx, { pasVersion: '2.2.1' }).bundle);
    expect(cr.error!.map(view)).toEqual([
      ['42', 'R', '2000A', undefined], // no segment named for 42: the AAA follows the HL, so the loop alone
      ['T4', 'C', '2010A-NM103', undefined], // payer name or id: NM103, as the IG's error example
      ['72', 'C', '2010C-NM109', undefined], // member id
      ['15', 'N', '2000E-TRN', undefined], // no segment named for 15: the segment the AAA follows
      ['43', 'C', '2010EA-NM109', undefined], // provider id
    ]);
  });

  it('2.0.1: errorElement is a plain string', () => {
    const cr = crOf(convertResponse(tx, { pasVersion: '2.0.1' }).bundle);
    expect(cr.error![1]!.extension![0]).toEqual({ url: `${PAS}extension-errorElement`, valueString: '2010A-NM103' });
  });

  it('with the request bundle, each error has an errorPath that finds the rejected place in it', () => {
    const request = requestToBundle(sample('referral-request'), { pasVersion: '2.2.1' }).bundle!;
    const cr = crOf(convertResponse(tx, { pasVersion: '2.2.1', request }).bundle);
    const paths = cr.error!.map((e) => view(e)[3]!);
    const at = (p: string): unknown[] => evalFhirPath(p, request);
    expect(paths[0]).toMatch(/^Bundle\.entry\[\d+\]\.resource$/);
    expect((at(paths[0]!)[0] as { resourceType: string; name: string }).name).toBe('ACME HEALTH PLAN');
    expect(at(paths[1]!)).toEqual(['ACME HEALTH PLAN']);
    expect(at(paths[2]!)).toEqual([expect.objectContaining({ value: 'W123456789' })]);
    expect(paths[3]).toBe('Bundle.entry[0].resource');
    expect(paths[4]).toBe('Bundle.entry[0].resource.careTeam[0]');
    expect(at(paths[4]!)).toHaveLength(1);
  });

  it('AAA in a 2000F: its errorPath is the request item with the same itemSequence', () => {
    const t = withAaa('dependent-response', [['TRN*2*DEP-L3*1245780360~', 'AAA*N**57*C']]);
    const request = requestToBundle(sample('dependent-request'), { pasVersion: '2.2.1' }).bundle!;
    const cr = crOf(convertResponse(t, { pasVersion: '2.2.1', request }).bundle);
    expect(cr.outcome).toBe('error');
    // 57 (service dates) names DTP03, which this 2000F does not have: the segment the AAA follows.
    expect(cr.error!.map(view)).toEqual([['57', 'C', '2000F-TRN', 'Bundle.entry[0].resource.item[2]']]);
    expect((evalFhirPath('Bundle.entry[0].resource.item[2].sequence', request) as number[])[0]).toBe(cr.item![2]!.itemSequence);
  });

  it('AAA01 Y (request valid) beside a reject reason has no place in PAS: reported', () => {
    const t = withAaa('referral-response', [['NM1*IL*1*NGUYEN*TOM****MI*W123456789~', 'AAA*Y**72*C']]);
    const { bundle, findings } = convertResponse(t, { pasVersion: '2.2.1' });
    expect(crOf(bundle).outcome).toBe('error');
    expect(findings.filter((f) => f.segment === 'AAA').map((f) => [f.code, f.element])).toEqual([['UNMAPPED_ELEMENT', 1]]);
  });

  it('an AAA without a reject reason still makes an error (code data-absent); AAA02 is reported', () => {
    const t = withAaa('referral-response', [['NM1*IL*1*NGUYEN*TOM****MI*W123456789~', 'AAA*N*X**C']]);
    const { bundle, findings } = convertResponse(t, { pasVersion: '2.2.1' });
    expect(crOf(bundle).error![0]!.code).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
    expect(findings.filter((f) => f.segment === 'AAA').map((f) => [f.code, f.element])).toEqual([['UNMAPPED_ELEMENT', 2]]);
  });
});
