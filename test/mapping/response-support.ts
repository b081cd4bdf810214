/** Shared helpers of the response tests: the X217 responses of the corpus and of our samples, converted and validated. */
import { readFileSync } from 'node:fs';
import type { Bundle } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import { responseToBundle, type MappingFinding, type ResponseOptions } from '../../src/mapping/index.js';
import { validateBundle, type PasVersion } from '../../src/pas/index.js';
import type { TransactionSet } from '../../src/x12/index.js';
import { corpusFiles } from '../support/corpus.js';
import { transactions } from './support.js';

export const VERSIONS: readonly PasVersion[] = ['2.2.1', '2.0.1'];

export interface ResponseCase {
  readonly file: string;
  readonly tx: TransactionSet;
}

function bht02(tx: TransactionSet): string | undefined {
  return tx.segments.find((s) => s.id === 'BHT')?.elements()[2];
}

/** Every corpus transaction set that is an X217 response by content: ST03 005010X217 and BHT02 11. */
export function corpusResponses(): ResponseCase[] {
  const out: ResponseCase[] = [];
  for (const f of corpusFiles()) for (const tx of transactions(f.bytes)) if (tx.implementation === '005010X217' && bht02(tx) === '11') out.push({ file: f.name, tx });
  return out;
}

/** The transaction sets of a sample file (`samples/<name>.x12`). */
export function sampleTransactions(name: string): TransactionSet[] {
  return transactions(readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url)));
}

/** `CODE loop segment@position.element`, for readable assertions. */
export const brief = (f: MappingFinding): string => `${f.code} ${f.loop || 'header'} ${f.segment}@${f.position}${f.element !== undefined ? `.${f.element}` : ''}`;

/** Error-severity findings of the PAS validator (with the snapshot x12pas ships), as `location: message`. */
export function validationErrors(bundle: Bundle, v: PasVersion): string[] {
  return validateBundle(bundle, { pasVersion: v })
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.location}: ${f.message}`);
}

/** Converts a response; the bundle must exist. */
export function convertResponse(tx: TransactionSet, options: ResponseOptions): { bundle: Bundle; findings: MappingFinding[] } {
  const r = responseToBundle(tx, options);
  expect(r.bundle, 'a bundle').not.toBeNull();
  return { bundle: r.bundle!, findings: r.findings };
}

/**
 * A bundle as a round trip should keep it: fullUrls and references as entry numbers, no ids,
 * extensions in url order (their order carries no meaning; same-url repeats keep theirs), and
 * without ClaimResponse.type, which is inferred from SV2 or a bill type an echoed (not carried)
 * service line may hold.
 */
export function comparable(b: Bundle): unknown {
  const urls = new Map<string, string>();
  (b.entry ?? []).forEach((e, i) => urls.set(e.fullUrl!, `#${i}`));
  const copy = JSON.parse(
    JSON.stringify(b, (k, v: unknown) => {
      if (k === 'id') return undefined;
      if (typeof v === 'string' && urls.has(v)) return urls.get(v);
      if (k === 'extension' && Array.isArray(v)) return [...(v as Array<{ url?: string }>)].sort((x, y) => (x.url ?? '').localeCompare(y.url ?? ''));
      return v;
    }),
  ) as Bundle;
  delete (copy.entry![0]!.resource as { type?: unknown }).type;
  return copy;
}
