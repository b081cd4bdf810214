/**
 * Fuzz of the FHIR -> X12 library API: mutated sample (and, with ../shared, Inferno) bundles —
 * deleted keys, wrong JSON types, nulls in arrays, huge strings, duplicated arrays, resources
 * grafted into the wrong place — never throw past bundlesToRequestX12 / responseBundleToX12,
 * every bundle given ends converted or rejected, and a good bundle beside a broken one converts
 * as it does alone. X12PAS_FUZZ_RUNS sets the number of runs (default 2,000).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mapping, MemoryControlNumbers } from '../../src/index.js';

const { bundlesToRequestX12, responseBundleToX12 } = mapping;
import { describeShared } from '../support/shared.js';
import { infernoBundles, mutate, mutationArb, sampleBundles, type Json } from './fhir-fuzz-support.js';

const RUNS = Number(process.env.X12PAS_FUZZ_RUNS ?? 2000);
const NOW = (): Date => new Date(Date.UTC(2026, 0, 2, 3, 4));

const samples = sampleBundles();
const inferno = infernoBundles();
const seeds: Json[] = [...samples, ...inferno];

function isResponse(b: unknown): boolean {
  const e = (b as { entry?: unknown }).entry;
  return Array.isArray(e) && (e[0] as { resource?: { resourceType?: unknown } } | null)?.resource?.resourceType === 'ClaimResponse';
}

/** What each seed gives alone (statuses must not change when a broken bundle comes along). */
const alone = seeds.map((b) => (isResponse(b) ? (responseBundleToX12(b, { now: NOW }).text !== null ? 'converted' : 'rejected') : bundlesToRequestX12([b], { now: NOW }).outcomes[0]!.status));

describe('FHIR -> X12 fuzz', () => {
  it('has seeds that convert', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(alone.filter((s) => s === 'converted').length).toBeGreaterThan(10);
  });

  it(`never throws past the API; in = converted + rejected; good bundles unaffected (${RUNS} runs)`, () => {
    const requestSeeds = seeds.map((_, i) => i).filter((i) => !isResponse(seeds[i]) && alone[i] === 'converted');
    const counts = { converted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.nat(requestSeeds.length - 1), fc.boolean(), (s, muts, g, first) => {
        const broken = mutate(seeds[s]!, muts, seeds);
        const good = requestSeeds[g]!;
        const list = first ? [broken, seeds[good]!] : [seeds[good]!, broken];
        const r = bundlesToRequestX12(list, { now: NOW, controlNumbers: new MemoryControlNumbers() });
        expect(r.outcomes.map((o) => o.index)).toEqual([0, 1]);
        for (const o of r.outcomes) {
          expect(['converted', 'rejected']).toContain(o.status);
          if (o.status === 'rejected') expect(o.findings.some((f) => f.severity === 'error')).toBe(true);
          counts[o.status]++;
        }
        expect(r.outcomes[first ? 1 : 0]!.status).toBe('converted');
        expect(r.outcomes.filter((o) => o.status === 'converted').length === 0).toBe(r.text === '');
        const w = responseBundleToX12(broken, { now: NOW });
        if (w.text === null) expect(w.findings.some((f) => f.severity === 'error')).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(counts.converted + counts.rejected).toBe(2 * RUNS);
    expect(counts.rejected).toBeGreaterThan(0);
    console.log(`fhir-fuzz: ${RUNS} runs, ${counts.converted} bundles converted, ${counts.rejected} rejected, 0 exceptions past the API`);
  }, Math.max(600_000, RUNS * 30));

  it('finds nothing wrong with the shape of any seed', () => {
    for (const b of seeds) expect(mapping.checkBundleShape(b)).toEqual([]);
  });

  it('turns an exception inside the writer into INTERNAL_ERROR for that bundle alone, with where it was thrown', () => {
    // Tables that are not compiled tables make the writer throw a TypeError.
    const r = bundlesToRequestX12([requestSeed()], { tables: {} as never });
    expect(r.outcomes[0]!.status).toBe('rejected');
    const f = r.outcomes[0]!.findings[0] as { code: string; message: string; at?: string };
    expect(f.code).toBe('INTERNAL_ERROR');
    expect(f.message).toMatch(/^TypeError: /);
    expect(f.at).toMatch(/src\/mapping\/.*\.ts:\d+:\d+/);
    const w = responseBundleToX12(seeds.find(isResponse)!, { tables: {} as never });
    expect(w.text).toBeNull();
    expect(w.findings.map((x) => x.code)).toEqual(['INTERNAL_ERROR']);
  });

  it('names the FHIRPath of a wrong JSON type', () => {
    const b = structuredClone(requestSeed());
    (b.entry as Json[]).push(null as unknown as Json);
    const claim = (b.entry as Array<{ resource: Json }>)[0]!.resource;
    claim.extension = [null];
    claim.item = 'x';
    const r = bundlesToRequestX12([b]);
    expect(r.outcomes[0]!.status).toBe('rejected');
    const paths = r.outcomes[0]!.findings.map((f) => (f as { path?: string }).path);
    expect(paths).toContain('Bundle.entry[0].resource.extension[0]');
    expect(paths).toContain('Bundle.entry[0].resource.item');
    expect(paths).toContain(`Bundle.entry[${(b.entry as Json[]).length - 1}]`);
    expect(r.outcomes[0]!.findings.every((f) => f.code === 'BAD_SHAPE')).toBe(true);
  });

  it('rejects a bundle whose TransmissionIdentifiers sender is too long, with a reason', () => {
    const b = structuredClone(requestSeed());
    const claim = (b.entry as Array<{ resource: Json }>)[0]!.resource;
    const tid = (claim.extension as Json[]).find((x) => String(x.url).endsWith('TransmissionIdentifiers'))!;
    (tid.extension as Json[]).push({ url: 'interchangeSenderID', valueString: 'S'.repeat(20) });
    const r = bundlesToRequestX12([b, requestSeed()]);
    expect(r.outcomes[0]!.status).toBe('rejected');
    expect(r.outcomes[0]!.findings[0]!.code).toBe('BAD_ENVELOPE_ID');
    expect(r.outcomes[0]!.findings[0]!.message).toMatch(/ISA06.*longer than 15/);
    expect(r.outcomes[1]!.status).toBe('converted');
  });
});

// The Inferno bundles join the seeds above when ../shared has them (without it the samples alone are fuzzed).
describeShared('corpus/inferno', 'FHIR -> X12 fuzz: Inferno seeds', () => {
  it('fuzzes the Inferno bundles beside the samples, each of which ends converted or rejected alone', () => {
    expect(inferno.length).toBeGreaterThan(0);
    expect(seeds.slice(samples.length)).toStrictEqual(inferno);
    for (const s of alone.slice(samples.length)) expect(['converted', 'rejected']).toContain(s);
  });
});

function requestSeed(): Json {
  const i = seeds.findIndex((b, k) => !isResponse(b) && alone[k] === 'converted' && JSON.stringify(b).includes('TransmissionIdentifiers'));
  return seeds[i]!;
}
