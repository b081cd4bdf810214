import { describe, expect, it } from 'vitest';
import { PAS_EXTENSION } from '../../src/pas/index.js';
import { PAS_VERSION_INFO, REVENUE_CODE_SYSTEM, adaptRequestBundle, requestBundleAs221 } from '../../src/pas/versions.js';

/** A 2.2.1-shaped request bundle reduced to what the version rules touch. */
function bundle221(): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    entry: [
      {
        resource: {
          resourceType: 'Claim',
          extension: [
            { url: PAS_EXTENSION.transmissionIdentifiers, extension: [{ url: 'interchangeSenderID', valueString: 'S' }] },
            { url: PAS_EXTENSION.levelOfServiceCode, valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/1338', code: 'U' }] } },
          ],
          item: [{ sequence: 1, revenue: { coding: [{ system: REVENUE_CODE_SYSTEM['2.2.1'], code: '0120' }] } }],
        },
      },
    ],
  };
}

describe('PAS version adaptation (one place: src/pas/versions.ts)', () => {
  it('2.2.1 bundles pass unchanged', () => {
    expect(adaptRequestBundle(bundle221(), '2.2.1')).toEqual(bundle221());
  });

  it('2.0.1: drops 2.2.1-only extensions, renames the revenue-code system; the reverse renames it back', () => {
    const b = adaptRequestBundle(bundle221(), '2.0.1');
    const claim = (b.entry as Array<{ resource: Record<string, unknown> }>)[0]!.resource;
    expect((claim.extension as Array<{ url: string }>).map((e) => e.url)).toEqual([PAS_EXTENSION.levelOfServiceCode]);
    expect(JSON.stringify(claim.item)).toContain(REVENUE_CODE_SYSTEM['2.0.1']);
    expect(JSON.stringify(claim.item)).not.toContain(REVENUE_CODE_SYSTEM['2.2.1']);
    const back = requestBundleAs221(b, '2.0.1');
    expect(JSON.stringify(back)).toContain(REVENUE_CODE_SYSTEM['2.2.1']);
  });

  it('an object left with no extension loses the empty array', () => {
    const b = { extension: [{ url: PAS_EXTENSION.transmissionIdentifiers }] };
    expect(adaptRequestBundle(b, '2.0.1')).toEqual({});
  });

  it('every rename maps a 2.2.1 system to another name', () => {
    for (const [from, to] of PAS_VERSION_INFO['2.0.1'].systemRenames) expect(from).not.toBe(to);
    expect(PAS_VERSION_INFO['2.2.1'].systemRenames).toEqual([]);
  });
});
