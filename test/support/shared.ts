/**
 * `../shared` beside the repository: the public corpus and the FHIR package cache that some
 * tests read in place. A user's clone has none, so those tests skip there, each group with one
 * line saying what and why; where `X12PAS_REQUIRE_SHARED=1` (CI, .ci/run) a missing part fails
 * instead, so that CI can never pass by skipping them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const SHARED_ROOT = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const REQUIRE_SHARED_ENV = 'X12PAS_REQUIRE_SHARED';

/** The parts of ../shared tests read. */
export const SHARED_PARTS = ['corpus/x12', 'corpus/inferno', 'fhir-packages'] as const;
export type SharedPart = (typeof SHARED_PARTS)[number];

/** Names of skipped groups start with this, so the summary reporter can count them. */
export const SHARED_SKIP_MARK = '[needs ../shared]';

/** Path of a part of ../shared, with a trailing slash (whether or not it is there). */
export function sharedPath(part: SharedPart): string {
  return `${SHARED_ROOT}${part}/`;
}

export function hasShared(part: SharedPart): boolean {
  return existsSync(sharedPath(part));
}

/** Whether a missing part must fail (CI) rather than skip. */
export function sharedRequired(env: Record<string, string | undefined> = process.env): boolean {
  return env[REQUIRE_SHARED_ENV] === '1';
}

/**
 * `describe(name, fn)` when every part is there. Otherwise `fn` is not run (nothing of ../shared
 * is read): one skipped test names the group and the missing parts, or, when they are required,
 * one failing test does.
 */
export function describeShared(parts: SharedPart | readonly SharedPart[], name: string, fn: () => void): void {
  const missing = (typeof parts === 'string' ? [parts] : parts).filter((p) => !hasShared(p));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const what = missing.map((p) => `../shared/${p}`).join(' and ');
  if (sharedRequired()) {
    it(`${name}: ${what} is required (${REQUIRE_SHARED_ENV}=1) but not found at ${SHARED_ROOT}`, () => {
      throw new Error(`${what} not found beside the repository (${SHARED_ROOT}); these tests must run here`);
    });
    return;
  }
  it.skip(`${SHARED_SKIP_MARK} ${name}: skipped, ${what} is not beside this clone (the corpus is not distributed; CI runs these)`, () => {});
}
