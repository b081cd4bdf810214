import { describe, expect, it } from 'vitest';
import { PAS_EXTENSION, PAS_PROFILE, X12_CODE_SYSTEM, x12CodeSystem } from '../../src/pas/constants.js';
import { packageSourceFor } from '../../src/pas/snapshot.js';
import { PAS_VERSION_INFO } from '../../src/pas/versions.js';

/** The snapshot x12pas ships holds every StructureDefinition of both PAS packages. */
const cache = packageSourceFor({ env: {} });
const sets = {
  '2.2.1': cache.packageSet('hl7.fhir.us.davinci-pas', '2.2.1'),
  '2.0.1': cache.packageSet('hl7.fhir.us.davinci-pas', '2.0.1'),
};

describe('PAS canonical URLs are the IG packages’ own', () => {
  const onlyIn = (url: string): ('2.2.1' | '2.0.1')[] =>
    (['2.2.1', '2.0.1'] as const).filter((v) => sets[v].sourceOf('StructureDefinition', url)?.startsWith('hl7.fhir.us.davinci-pas#'));

  it.each(Object.entries(PAS_PROFILE))('profile %s is a PAS StructureDefinition', (_key, url) => {
    const versions = onlyIn(url);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(sets[v].structureDefinition<{ kind: string }>(url)?.kind).toMatch(/resource|complex-type/);
  });

  it.each(Object.entries(PAS_EXTENSION))('extension %s is a PAS extension definition', (_key, url) => {
    const versions = onlyIn(url);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(sets[v].structureDefinition<{ type: string }>(url)?.type).toBe('Extension');
  });

  it('the version-only lists in versions.ts match the packages', () => {
    for (const v of ['2.2.1', '2.0.1'] as const) {
      const other = v === '2.2.1' ? '2.0.1' : '2.2.1';
      for (const url of [...PAS_VERSION_INFO[v].onlyProfiles, ...PAS_VERSION_INFO[v].onlyExtensions]) {
        expect(onlyIn(url), url).toEqual([v]);
      }
      const all = [...Object.values(PAS_PROFILE), ...Object.values(PAS_EXTENSION)];
      const declaredOnlyOther = new Set([...PAS_VERSION_INFO[other].onlyProfiles, ...PAS_VERSION_INFO[other].onlyExtensions]);
      for (const url of all) if (!declaredOnlyOther.has(url)) expect(onlyIn(url), url).toContain(v);
    }
  });

  it('every PAS extension of either package has a constant', () => {
    const named = new Set<string>(Object.values(PAS_EXTENSION));
    for (const set of Object.values(sets)) {
      for (const url of set.urls('StructureDefinition')) {
        if (!url.startsWith('http://hl7.org/fhir/us/davinci-pas/')) continue;
        const sd = set.structureDefinition<{ type: string }>(url);
        if (sd?.type === 'Extension') expect(named.has(url), url).toBe(true);
      }
    }
  });

  it('X12 code systems are https://codesystem.x12.org/005010/<element>', () => {
    expect(x12CodeSystem(1365)).toBe('https://codesystem.x12.org/005010/1365');
    expect(X12_CODE_SYSTEM.certificationType).toBe('https://codesystem.x12.org/005010/1322');
    expect(X12_CODE_SYSTEM.requestCategory).toBe('https://codesystem.x12.org/005010/1525');
    for (const url of Object.values(X12_CODE_SYSTEM)) expect(url).toMatch(/^https:\/\/codesystem\.x12\.org\/(005010|external)\/\d+$/);
  });
});
