import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fhirRoundTrip } from '../../src/mapping/fhir-round-trip.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { describeShared, SHARED_ROOT } from '../support/shared.js';

/**
 * Random PAS Request, Inquiry and Response bundles (2.2.1 and 2.0.1): the IG examples, with the
 * must-support elements of their profiles (read from ../shared/corpus/inferno/must-support-metadata)
 * dropped, changed to other values of their kind, or added (must-support extensions). Properties:
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
  // The 2.0.1 examples name their insurer only by a six-digit "NPI" (refused, see pas-examples.test.ts): given a payer id.
  for (const e of (b.entry as Array<{ resource: Obj }>) ?? []) {
    if (e.resource.id === 'InsurerExample' && version === '2.0.1') e.resource.identifier = [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NIIP' }] }, value: 'PAYER01' }];
  }
  return b;
}

function bases(): Base[] {
  const out: Base[] = [];
  const requests = ['HomecareAuthorizationBundleExample', 'MedicalServicesAuthorizationBundleExample', 'ReferralAuthorizationBundleExample', 'SurgicalRequestBundleExample'];
  for (const version of ['2.2.1', '2.0.1'] as const) {
    for (const n of requests) out.push({ name: n, version, bundle: example(version, n), profile: 'claim_update' });
    out.push({ name: 'PASClaimInquiryBundleExample', version, bundle: example(version, 'PASClaimInquiryBundleExample'), profile: 'claim_inquiry' });
  }
  for (const n of ['ErrorResponseBundleExample', 'RejectionResponseBundleExample']) out.push({ name: n, version: '2.2.1', bundle: example('2.2.1', n), profile: 'claimresponse' });
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

type Change = { kind: 'drop' | 'change' | 'add'; at: number; seed: number };

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
  const first = (b.entry as Array<{ resource: Obj }>)[0]!.resource;
  const { paths, urls } = mustSupport(base.version, base.profile);
  for (const c of changes) {
    if (c.kind === 'add') {
      const url = urls[c.at % Math.max(1, urls.length)];
      if (url === undefined) continue;
      const target = (first.item as Obj[] | undefined)?.[0] !== undefined && c.seed % 2 === 0 ? (first.item as Obj[])[0]! : first;
      target.extension = [...((target.extension as unknown[]) ?? []), { url, valueString: word(c.seed) }];
      continue;
    }
    const path = paths[c.at % Math.max(1, paths.length)];
    if (path === undefined) continue;
    const hits = places(first, path.split('.'));
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
  const changeArb = fc.record({ kind: fc.constantFrom('drop' as const, 'change' as const, 'add' as const), at: fc.nat(500), seed: fc.nat(1 << 20) });

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
