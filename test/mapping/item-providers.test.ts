/**
 * 2010F service providers <-> PAS careTeam:ItemClaimMember + item.careTeamSequence, both ways
 * (issues 13, 14): an item-scoped member lives in the 2010F of exactly the items that name it,
 * a claim-scope member (OverallClaimMember) in 2010EA.
 */
import type { Bundle, Claim, Practitioner } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleToRequest } from '../../src/mapping/request/write.js';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import { requestToBundle } from '../../src/mapping/index.js';
import { roundTripRequest } from '../../src/mapping/round-trip.js';
import { sample } from './support.js';

const SCOPE = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-careTeamClaimScope';

type Obj = Record<string, unknown>;
const claimOf = (b: Bundle): Claim => b.entry![0]!.resource as Claim;
const scopeOf = (ct: Obj): unknown => ((ct.extension as Obj[] | undefined) ?? []).find((x) => x.url === SCOPE)?.valueBoolean;
/** The loop keys and NM1s of the segments written, as `loop|NM1*...` (the 2010 loops only). */
const providerLoops = (segments: ReadonlyArray<{ key: string; els: string[][] }>): string[] =>
  segments.filter((s) => s.els[0]![0] === 'NM1' && /2010(EA|F)/.test(s.key)).map((s) => `${/(2000F\[\d+\]\/)?2010(EA|F)\[\d+\]$/.exec(s.key)![0]}|${s.els.slice(1, 2).map((e) => e.join(':')).join('')}`);

describe('2010F service providers', () => {
  const tx = sample('service-provider-request');

  it('reads each 2010F as an item-scoped care team member named by its own item only; the same provider under two items is one member', () => {
    const r = requestToBundle(tx, { pasVersion: '2.2.1' });
    expect(r.findings.filter((f) => f.loop.includes('2010F'))).toEqual([]);
    const claim = claimOf(r.bundle!);
    const team = claim.careTeam as unknown as Obj[];
    expect(team.map((ct) => [ct.sequence, scopeOf(ct), ((ct.role as Obj).coding as Obj[])[0]!.code])).toEqual([
      [1, true, 'FA'],
      [2, false, 'SJ'],
      [3, false, '77'],
    ]);
    expect(claim.item!.map((i) => i.careTeamSequence)).toEqual([[1, 2], [1, 2, 3]]);
    // The surgeon through a PractitionerRole, with the PRV taxonomy as the member's qualification.
    expect(JSON.stringify(team[1]!.qualification)).toContain('207XS0117X');
    const people = r.bundle!.entry!.map((e) => e.resource).filter((x): x is Practitioner => x?.resourceType === 'Practitioner');
    expect(people.map((p) => p.identifier?.[0]?.value)).toEqual(['1366021842']);
  });

  it('writes them back in the 2010F of the items naming them, never in 2010EA: the plain round trip is exact', () => {
    const r = roundTripRequest(tx, { pasVersion: '2.2.1' });
    expect(r.writeFindings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.differences).toEqual([]);
    expect(providerLoops(r.written!)).toEqual(['2010EA[0]|FA', '2000F[0]/2010F[0]|SJ', '2000F[1]/2010F[0]|SJ', '2000F[1]/2010F[1]|77']);
  });

  it('an ItemClaimMember of one of two items goes to that item only; bundle -> 278 -> bundle keeps team and sequences', () => {
    const read = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    const claim = claimOf(read) as unknown as Obj;
    const team = claim.careTeam as Obj[];
    // Only the second item names the surgeon now; his scope extension is removed (named by some items only is enough).
    const items = claim.item as Obj[];
    items[0]!.careTeamSequence = [1];
    team[1]!.extension = [];
    const w = bundleToRequest(read);
    expect(w.findings.filter((f) => f.code === 'NOT_WRITTEN' && /careTeam/.test(f.path ?? ''))).toEqual([]);
    expect(providerLoops(w.segments!)).toEqual(['2010EA[0]|FA', '2000F[1]/2010F[0]|SJ', '2000F[1]/2010F[1]|77']);
    const rt = fhirRoundTrip(read, { pasVersion: '2.2.1' });
    const again = claimOf(rt.again as unknown as Bundle);
    expect(again.item!.map((i) => i.careTeamSequence)).toEqual([[1], [1, 2, 3]]);
    expect(rt.differences.filter((d) => !d.named)).toEqual([]);
  });

  it('a single item with an item-scoped member gets its own 2000F so that the member is not made an event provider', () => {
    const read = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    const claim = claimOf(read) as unknown as Obj;
    claim.item = [(claim.item as Obj[])[0]];
    const w = bundleToRequest(read);
    expect(providerLoops(w.segments!)).toEqual(['2010EA[0]|FA', '2000F[0]/2010F[0]|SJ']);
    // The member no item names (77) is reported, not written anywhere.
    expect(w.findings.some((f) => f.code === 'NOT_WRITTEN' && f.path === 'Bundle.entry[0].resource.careTeam[2]')).toBe(true);
  });

  it('an item-scoped member whose role 2010F does not allow (attending, 71) is reported, not moved to 2010EA', () => {
    const read = requestToBundle(tx, { pasVersion: '2.2.1' }).bundle!;
    const team = (claimOf(read) as unknown as Obj).careTeam as Obj[];
    ((team[1]!.role as Obj).coding as Obj[])[0]!.code = '71';
    const w = bundleToRequest(read);
    expect(providerLoops(w.segments!)).toEqual(['2010EA[0]|FA', '2000F[1]/2010F[0]|77']);
    expect(w.findings.some((f) => f.code === 'NOT_WRITTEN' && f.path === 'Bundle.entry[0].resource.careTeam[1].role')).toBe(true);
  });
});
