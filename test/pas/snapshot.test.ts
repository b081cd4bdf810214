/**
 * The FHIR package snapshot x12pas ships (fhir/): it is small, says where it comes from, is
 * what scripts/fhir-snapshot.mjs cuts from ../shared/fhir-packages today, and gives the same
 * findings as the full package cache on every IG example, Inferno fixture and random mutation
 * of them. Validation with it needs no cache at all.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FhirPackageCache, FhirPackageError, PACKAGES_ENV } from '../../src/pas/packages.js';
import { buildSnapshot } from '../../src/pas/snapshot-build.js';
import { BUNDLED_SNAPSHOT, SnapshotPackages, packageSourceFor, readSnapshot } from '../../src/pas/snapshot.js';
import { getPasValidator, validateBundle } from '../../src/pas/validate.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { cli, jsonLines } from '../pipeline/support.js';
import { describeShared, sharedPath } from '../support/shared.js';
import { clone, exampleBundles, exampleKind, readJsonFile } from './support.js';
import type { Json } from './support.js';

const VERSIONS: readonly PasVersion[] = ['2.2.1', '2.0.1'];
const NOTICE = join(BUNDLED_SNAPSHOT, '..', 'NOTICE');
/** No cache chosen: neither an option nor the environment variable. */
const NO_CACHE = { env: {} };

describe('the snapshot x12pas ships', () => {
  const snapshot = readSnapshot(BUNDLED_SNAPSHOT);
  const ids = snapshot.packages.map((p) => `${p.manifest.name}#${p.manifest.version}`);

  it('holds PAS 2.2.1 and 2.0.1 with the US Core each builds on, all CC0, in under 1 MB', () => {
    expect(ids).toEqual(expect.arrayContaining(['hl7.fhir.us.davinci-pas#2.2.1', 'hl7.fhir.us.davinci-pas#2.0.1', 'hl7.fhir.us.core#7.0.0', 'hl7.fhir.us.core#3.1.1']));
    for (const p of snapshot.packages) expect(p.manifest.license, p.manifest.name).toBe('CC0-1.0');
    expect(statSync(BUNDLED_SNAPSHOT).size).toBeLessThan(1 << 20);
  });

  it('has a NOTICE naming each package, its version and licence', () => {
    const notice = readFileSync(NOTICE, 'utf8');
    for (const id of ids) expect(notice).toContain(`- ${id} (`);
    expect(notice).toContain('CC0-1.0');
  });

  it('is what validation uses when no cache is chosen', () => {
    expect(packageSourceFor(NO_CACHE)).toBeInstanceOf(SnapshotPackages);
    expect(getPasValidator('2.2.1', NO_CACHE).source.path).toBe(BUNDLED_SNAPSHOT);
    expect(packageSourceFor({ env: { [PACKAGES_ENV]: '/somewhere/else' } })).toBeInstanceOf(FhirPackageCache);
  });

  it('serves every profile and extension of both PAS versions', () => {
    for (const v of VERSIONS) {
      const set = packageSourceFor(NO_CACHE).packageSet('hl7.fhir.us.davinci-pas', v);
      expect(set.root.id).toBe(`hl7.fhir.us.davinci-pas#${v}`);
      expect(set.urls('StructureDefinition').filter((u) => u.startsWith('http://hl7.org/fhir/us/davinci-pas/')).length).toBeGreaterThan(60);
    }
  });

  it('a chosen cache that is not there is an error naming --packages and the variable, not the snapshot silently', () => {
    let err: unknown;
    try {
      validateBundle({ resourceType: 'Bundle' }, { pasVersion: '2.2.1', packages: { path: '/nonexistent/fhir-packages' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FhirPackageError);
    expect((err as Error).message).toContain('--packages DIR');
    expect((err as Error).message).toContain(PACKAGES_ENV);
    expect((err as Error).message).not.toContain('--fhir-packages');
  });
});

describe('validating with the snapshot, no cache anywhere', () => {
  // The samples converted by the CLI, validated by the library with no cache chosen.
  for (const v of VERSIONS) {
    it(`every sample converted to PAS ${v} has no errors`, () => {
      const r = cli(['convert', '-q', '--report', '/dev/null', '--pas', v, 'samples/*.x12']);
      expect(r.code).toBe(0);
      const bundles = jsonLines(r.stdout);
      expect(bundles.length).toBeGreaterThanOrEqual(10);
      for (const b of bundles) {
        const errs = validateBundle(b, { pasVersion: v, packages: NO_CACHE }).filter((f) => f.severity === 'error');
        expect(errs.map((f) => f.message), String(b.id)).toEqual([]);
      }
    });
  }

  it('urn:uuid references that resolve in the bundle draw no warning; one that resolves to the wrong type does', () => {
    const r = cli(['convert', '-q', '--report', '/dev/null', 'samples/referral-request.x12']);
    const bundle = jsonLines(r.stdout)[0] as Json;
    const entries = bundle.entry as Json[];
    expect(entries.every((e) => String(e.fullUrl).startsWith('urn:uuid:'))).toBe(true);
    const findings = validateBundle(bundle, { pasVersion: '2.2.1', packages: NO_CACHE });
    expect(findings.filter((f) => /Invalid reference/.test(f.message))).toEqual([]);

    // Claim.insurance.coverage pointed at the Patient entry: a Coverage is wanted.
    const wrong = clone(bundle);
    const wrongEntries = wrong.entry as Json[];
    const patient = wrongEntries.find((e) => (e.resource as Json).resourceType === 'Patient')!;
    const claim = wrongEntries[0]!.resource as { insurance: { coverage: { reference: string } }[] };
    claim.insurance[0]!.coverage.reference = String(patient.fullUrl);
    const bad = validateBundle(wrong, { pasVersion: '2.2.1', packages: NO_CACHE }).filter((f) => /Invalid reference/.test(f.message));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ location: 'Bundle.entry[0].resource.insurance[0].coverage' });
    expect(bad[0]!.message).toContain('got "Patient"');
    // The bundle itself is left as it was (medplum saw a copy).
    expect(claim.insurance[0]!.coverage.reference).toBe(patient.fullUrl);
  });
});

/** Every bundle-ish JSON file under a folder, recursively. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

describeShared('fhir-packages', 'the snapshot against ../shared/fhir-packages', () => {
  const cache = new FhirPackageCache({ path: sharedPath('fhir-packages') });
  const snapshot = new SnapshotPackages(BUNDLED_SNAPSHOT);

  it('is what scripts/fhir-snapshot.mjs cuts from it today (rerun the script when this fails)', () => {
    expect(readSnapshot(BUNDLED_SNAPSHOT)).toEqual(buildSnapshot(cache));
  });

  it('resolves the same packages for each PAS version (dependencies missing and substituted alike)', () => {
    for (const v of VERSIONS) {
      const a = cache.packageSet('hl7.fhir.us.davinci-pas', v);
      const b = snapshot.packageSet('hl7.fhir.us.davinci-pas', v);
      expect(b.packages.map((p) => p.id)).toEqual(a.packages.map((p) => p.id));
      expect(b.missing).toEqual(a.missing);
      expect(b.substituted).toEqual(a.substituted);
    }
  });

  for (const v of VERSIONS) {
    it(`gives the same findings as the cache on every PAS ${v} IG example bundle, under both versions`, () => {
      for (const [file, bundle] of exampleBundles(v)) {
        for (const under of VERSIONS) {
          const kind = exampleKind(file);
          const opts = { pasVersion: under, ...(kind ? { kind } : {}) };
          expect(validateBundle(bundle, { ...opts, packages: snapshot }), `${file} under ${under}`).toEqual(validateBundle(bundle, { ...opts, packages: cache }));
        }
      }
    });
  }

  it('gives the same findings on random mutations of the IG examples', () => {
    const bases = VERSIONS.flatMap((v) => exampleBundles(v).map(([file, bundle]) => ({ v, file, bundle })));
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), ({ v, file, bundle }, mutations) => {
        const b = clone(bundle);
        for (const m of mutations) m(b);
        const kind = exampleKind(file);
        const opts = { pasVersion: v, ...(kind ? { kind } : {}) };
        expect(validateBundle(b, { ...opts, packages: snapshot })).toEqual(validateBundle(b, { ...opts, packages: cache }));
      }),
      { numRuns: 60 },
    );
  });
});

describeShared(['fhir-packages', 'corpus/inferno'], 'the snapshot on the Inferno fixtures', () => {
  const cache = new FhirPackageCache({ path: sharedPath('fhir-packages') });
  const snapshot = new SnapshotPackages(BUNDLED_SNAPSHOT);

  it('gives the same findings as ../shared/fhir-packages on every fixture, under both versions', () => {
    const files = jsonFiles(sharedPath('corpus/inferno'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const value = readJsonFile(file);
      for (const v of VERSIONS) {
        expect(validateBundle(value, { pasVersion: v, packages: snapshot }), `${file} under ${v}`).toEqual(validateBundle(value, { pasVersion: v, packages: cache }));
      }
    }
  });
});

/** Every object and array of a JSON tree, with its parent and key. */
function places(x: unknown, out: { parent: Json | unknown[]; key: string | number }[] = []): typeof out {
  if (Array.isArray(x)) x.forEach((v, i) => (out.push({ parent: x, key: i }), places(v, out)));
  else if (typeof x === 'object' && x !== null) for (const [k, v] of Object.entries(x)) out.push({ parent: x as Json, key: k }), places(v, out);
  return out;
}

type Mutation = (b: Json) => void;

/** A break at a random place: a key deleted, a code changed, a value of the wrong type, an unknown extension. */
const mutationArb: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.constantFrom('delete', 'code', 'number', 'extension'), fc.constantFrom('XX', 'A1', '01', 'unknown', ''))
  .map(([n, how, text]) => (b: Json) => {
    const all = places(b);
    if (all.length === 0) return;
    const { parent, key } = all[n % all.length]!;
    const p = parent as Record<string | number, unknown>;
    if (how === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
    } else if (how === 'code') {
      if (typeof p[key] === 'string') p[key] = text;
    } else if (how === 'number') {
      p[key] = 7;
    } else if (typeof p[key] === 'object' && p[key] !== null && !Array.isArray(p[key])) {
      (p[key] as Json).extension = [{ url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction', valueString: text }];
    }
  });
