/** Shared helpers of the PAS tests: the package cache and corpus, read in place (never copied). */
import { readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PasFinding } from '../../src/pas/findings.js';
import type { BundleKind, PasVersion } from '../../src/pas/versions.js';
import { sharedPath } from '../support/shared.js';

/**
 * `../shared/fhir-packages`: PAS 2.2.1 and 2.0.1, US Core, CRD, in the package-cache layout.
 * Tests that read it (or INFERNO) run inside `describeShared` (test/support/shared.ts).
 */
export const PACKAGES = sharedPath('fhir-packages');
export const PACKAGES_URL = pathToFileURL(PACKAGES);
export const INFERNO = sharedPath('corpus/inferno');

export type Json = Record<string, unknown>;

export function readJsonFile(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** The IG's example bundles of a PAS version: `[file name, bundle]`, sorted. */
export function exampleBundles(version: PasVersion): [string, Json][] {
  const dir = `${PACKAGES}hl7.fhir.us.davinci-pas#${version}/package/example/`;
  return readdirSync(dir)
    .filter((f) => f.startsWith('Bundle-') && f.endsWith('.json'))
    .sort()
    .map((f) => [f, readJsonFile(dir + f)]);
}

export function exampleBundle(version: PasVersion, name: string): Json {
  return readJsonFile(`${PACKAGES}hl7.fhir.us.davinci-pas#${version}/package/example/Bundle-${name}.json`);
}

/** The example's kind, from its name: the $inquire ones cannot be told from their content. */
export function exampleKind(file: string): BundleKind | undefined {
  if (!file.includes('Inquiry')) return undefined;
  return file.includes('Response') ? 'inquiry-response' : 'inquiry-request';
}

export function errors(findings: PasFinding[]): PasFinding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** The IG-defect ids a list of findings was downgraded for (`PAS 2.2.1 IG defect (<id>)`). */
export function defectIds(findings: PasFinding[]): string[] {
  const ids = new Set<string>();
  for (const f of findings) {
    if (f.code !== 'PAS_IG_DEFECT') continue;
    const m = /IG defect \(([^)]+)\)/.exec(f.message);
    ids.add(m?.[1] ?? `context:${f.rule ?? ''}`);
  }
  return [...ids].sort();
}

export function clone<T>(x: T): T {
  return structuredClone(x);
}
