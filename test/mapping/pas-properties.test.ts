import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { describeShared, SHARED_ROOT } from '../support/shared.js';

/**
 * Random PAS Request, Inquiry, Response and Inquiry Response bundles (2.2.1 and 2.0.1): the IG
 * examples (their input defects mended), with the must-support elements of their profiles (read
 * from ../shared/corpus/inferno/must-support-metadata: the Claim's or ClaimResponse's, and for the
 * other resources the PAS profile of their type) dropped, changed to other values of their kind,
 * or added (must-support extensions). Properties:
 * conversion never throws; what converts passed our grammar check (the writers check every 278 they
 * write and refuse it otherwise); every element that differs after bundle -> X12 -> bundle is named
 * by a finding's path; a refusal says why with an error finding.
 * PAS_PROPERTY_RUNS sets the number of runs (200 by default).
 */

const SHARED = SHARED_ROOT;
const META = `${SHARED}corpus/inferno/must-support-metadata/`;
const RUNS = Number(process.env.PAS_PROPERTY_RUNS ?? 200);

type Obj = Record<string, unknown>;

/** Must-support element paths (`item.quantity`) and extension urls of a profile's metadata. */
function mustSupport(version: string, profile: string): { paths: string[]; urls: string[] } {
  const text = readFileSync(`${META}v${version}/${profile}/metadata.yml`, 'utf8');
  const at = text.indexOf(':must_supports:');
  const body = at < 0 ? '' : text.slice(at);
  const paths = [...body.matchAll(/^\s*- :path: (\S+)/gm)].map((m) => m[1]!).filter((p) => !p.includes(':'));
  const urls = [...body.matchAll(/^\s*:url: (\S+)/gm)].map((m) => m[1]!);
  return { paths: [...new Set(paths)], urls: [...new Set(urls)] };
}

interface Base {
  readonly name: string;
  readonly version: PasVersion;
  readonly bundle: Obj;
  readonly profile: string;
}

function example(version: string, name: string): Obj {
  const b = JSON.parse(readFileSync(`${SHARED}fhir-packages/hl7.fhir.us.davinci-pas#${version}/package/example/Bundle-${name}.json`, 'utf8')) as Obj;
  return repaired(b, version);
}

/**
 * The examples' input defects (see pas-examples.test.ts) mended, so that they convert and their
 * must-support elements get exercised: the 2.0.1 insurer named only by a six-digit "NPI" is given
 * a payer id; a response whose requestor is not in the bundle names a requesting organization.
 */
function repaired(b: Obj, version: string): Obj {
  const entries = (b.entry as Array<{ fullUrl?: string; resource: Obj }>) ?? [];
  for (const e of entries) {
    if (e.resource.id === 'InsurerExample' && version === '2.0.1') e.resource.identifier = [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NIIP' }] }, value: 'PAYER01' }];
  }
  const first = entries[0]?.resource;
  if (first?.resourceType === 'ClaimResponse') {
    const ref = (first.requestor as { reference?: string } | undefined)?.reference;
    const found = ref !== undefined && entries.some((e) => e.fullUrl === ref || `${String(e.resource.resourceType)}/${String(e.resource.id)}` === ref.split('/').slice(-2).join('/'));
    if (!found) {
      entries.push({ fullUrl: 'urn:uuid:5d7c1f0e-0000-4000-8000-00000000r001', resource: { resourceType: 'Organization', id: 'RequestorRepair', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }], name: 'REQUESTING CLINIC' } });
      first.requestor = { reference: 'urn:uuid:5d7c1f0e-0000-4000-8000-00000000r001' };
    }
  }
  return b;
}

/** The must-support metadata (a profile's folder) for each resource of a bundle other than its first. */
const PROFILE_OF: Readonly<Record<string, string>> = {
  Coverage: 'coverage',
  Patient: 'beneficiary',
  Organization: 'insurer',
  Practitioner: 'practitioner',
  PractitionerRole: 'practitioner_role',
  ServiceRequest: 'service_request',
  DeviceRequest: 'device_request',
  MedicationRequest: 'medication_request',
  NutritionOrder: 'nutrition_order',
  Encounter: 'encounter',
  CommunicationRequest: 'communication_request',
};

function bases(): Base[] {
  const out: Base[] = [];
  const requests = ['HomecareAuthorizationBundleExample', 'MedicalServicesAuthorizationBundleExample', 'ReferralAuthorizationBundleExample', 'SurgicalRequestBundleExample'];
  for (const version of ['2.2.1', '2.0.1'] as const) {
    for (const n of requests) out.push({ name: n, version, bundle: example(version, n), profile: 'claim_update' });
    out.push({ name: 'PASClaimInquiryBundleExample', version, bundle: example(version, 'PASClaimInquiryBundleExample'), profile: 'claim_inquiry' });
    const responses = version === '2.2.1' ? ['ErrorResponseBundleExample', 'RejectionResponseBundleExample', 'ReferralAuthorizationResponseBundleExample', 'ReferralPendingAuthorizationResponseBundleExample'] : ['ErrorResponseBundleExample', 'ReferralAuthorizationResponseBundleExample'];
    for (const n of responses) out.push({ name: n, version, bundle: example(version, n), profile: 'claimresponse' });
    out.push({ name: 'PASClaimInquiryResponseBundleExample', version, bundle: example(version, 'PASClaimInquiryResponseBundleExample'), profile: 'claiminquiryresponse' });
  }
  return out;
}

/** The objects at a dotted path under `o` (arrays flattened), with their parent and key. */
function places(o: unknown, path: string[]): Array<[Obj, string]> {
  if (typeof o !== 'object' || o === null) return [];
  if (Array.isArray(o)) return o.flatMap((x) => places(x, path));
  const [head, ...rest] = path;
  if (head === undefined) return [];
  const v = (o as Obj)[head];
  if (rest.length === 0) return v === undefined ? [] : [[o as Obj, head]];
  return places(v, rest);
}

/** `entry` picks the resource changed (the first, the Claim or ClaimResponse, when 0 or out of range: half the time). */
type Change = { kind: 'drop' | 'change' | 'add'; at: number; seed: number; entry: number };

const word = (seed: number): string => `V${(seed % 1_000_000).toString(36).toUpperCase()}`;

/** A value of the same JSON kind as `v`. */
function another(v: unknown, seed: number): unknown {
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return Number.isInteger(v) ? 1 + (seed % 40) : (seed % 9000) / 100 + 1;
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `20${10 + (seed % 20)}-0${1 + (seed % 9)}-1${seed % 9}`;
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return `20${10 + (seed % 20)}-0${1 + (seed % 9)}-1${seed % 9}T0${seed % 10}:30:00Z`;
    return word(seed);
  }
  if (Array.isArray(v)) return v.slice(0, Math.max(0, v.length - 1));
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    const k = keys[seed % Math.max(1, keys.length)];
    return k === undefined ? v : { ...(v as Obj), [k]: another((v as Obj)[k], seed >> 3) };
  }
  return v;
}

function mutate(base: Base, changes: readonly Change[]): Obj {
  const b = structuredClone(base.bundle);
  const entries = b.entry as Array<{ resource: Obj }>;
  const first = entries[0]!.resource;
  for (const c of changes) {
    // Half the changes go to the Claim (or ClaimResponse), by its profile's list; the others to another
    // resource of the bundle, by the list of the PAS profile of its type.
    const other = c.entry % 2 === 1 ? entries[1 + ((c.entry >> 1) % Math.max(1, entries.length - 1))]?.resource : undefined;
    const profile = other !== undefined ? PROFILE_OF[String(other.resourceType)] : base.profile;
    const target = other !== undefined && profile !== undefined ? other : first;
    const { paths, urls } = mustSupport(base.version, target === first ? base.profile : profile!);
    if (c.kind === 'add') {
      const url = urls[c.at % Math.max(1, urls.length)];
      if (url === undefined) continue;
      const on = target === first && (first.item as Obj[] | undefined)?.[0] !== undefined && c.seed % 2 === 0 ? (first.item as Obj[])[0]! : target;
      on.extension = [...((on.extension as unknown[]) ?? []), { url, valueString: word(c.seed) }];
      continue;
    }
    const path = paths[c.at % Math.max(1, paths.length)];
    if (path === undefined) continue;
    const hits = places(target, path.split('.'));
    const hit = hits[c.seed % Math.max(1, hits.length)];
    if (hit === undefined) continue;
    const [parent, key] = hit;
    if (c.kind === 'drop' && key !== 'resourceType') delete parent[key];
    else if (c.kind === 'change') parent[key] = another(parent[key], c.seed);
  }
  return b;
}

describeShared(['corpus/inferno', 'fhir-packages'], 'random PAS bundles -> X12 -> PAS', () => {
  const all = bases();
  const changeArb = fc.record({ kind: fc.constantFrom('drop' as const, 'change' as const, 'add' as const), at: fc.nat(500), seed: fc.nat(1 << 20), entry: fc.nat(63) });

  it('the bases: request, inquiry, response and inquiry response bundles of both versions, each converting as it is', () => {
    const kinds = new Set(all.map((b) => `${b.version} ${b.profile}`));
    for (const v of ['2.2.1', '2.0.1']) for (const p of ['claim_update', 'claim_inquiry', 'claimresponse', 'claiminquiryresponse']) expect(kinds, `${v} ${p}`).toContain(`${v} ${p}`);
    for (const b of all) {
      const r = fhirRoundTrip(b.bundle, { pasVersion: b.version });
      expect([b.version, b.name, r.status, r.findings.filter((f) => f.severity === 'error').map((f) => f.message)]).toEqual([b.version, b.name, r.status === 'not converted' ? 'converted' : r.status, []]);
      expect(r.differences.filter((d) => !d.named), `${b.version} ${b.name}`).toEqual([]);
    }
  });

  it(`never throw; converted ones lose or change nothing unnamed; refusals say why (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(changeArb, { maxLength: 6 }), (i, changes) => {
        const base = all[i]!;
        const bundle = mutate(base, changes);
        const r = fhirRoundTrip(bundle, { pasVersion: base.version });
        if (r.status === 'not converted') {
          const errors = r.findings.filter((f) => f.severity === 'error');
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) expect(e.message.length).toBeGreaterThan(10);
          return;
        }
        expect(r.x12).toContain('ST*278*');
        expect(r.differences.filter((d) => !d.named)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 60_000 + RUNS * 100);
});
