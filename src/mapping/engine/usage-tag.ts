/**
 * ISA15 (usage indicator) on the PAS side: a bundle read from a test interchange (ISA15 `T`)
 * carries FHIR's own test-data tag in Bundle.meta.tag (v3-ActReason HTEST), and a bundle with
 * that tag is written back as a test interchange.
 */

export const TEST_DATA_TAG = Object.freeze({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' });

/** Bundle.meta of a bundle of this profile read from an interchange with this ISA15. */
export function bundleMeta(profile: string, usage: string): Record<string, unknown> {
  return usage === 'T' ? { profile: [profile], tag: [{ ...TEST_DATA_TAG }] } : { profile: [profile] };
}

/** `T` when the bundle carries the test-data tag, else `P`. Never throws. */
export function usageOfBundle(bundle: unknown): 'T' | 'P' {
  const meta = typeof bundle === 'object' && bundle !== null ? (bundle as { meta?: unknown }).meta : undefined;
  const tags = typeof meta === 'object' && meta !== null ? (meta as { tag?: unknown }).tag : undefined;
  if (!Array.isArray(tags)) return 'P';
  return tags.some((t) => typeof t === 'object' && t !== null && (t as { system?: unknown }).system === TEST_DATA_TAG.system && (t as { code?: unknown }).code === TEST_DATA_TAG.code) ? 'T' : 'P';
}
