import { readFileSync } from 'node:fs';
import type { Bundle } from '@medplum/fhirtypes';
import { RequestFinder } from '../mapping/request-finder.js';

/**
 * The request bundles of `convert --request FILE...` (a JSON Bundle, or NDJSON with one Bundle per
 * line), indexed for the responses of a run. Throws an Error naming the file and line when a file
 * cannot be read or holds something that is not a request bundle.
 */
export function loadRequestFinder(files: readonly string[]): RequestFinder {
  const finder = new RequestFinder();
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const trimmed = text.trimStart();
    // A whole JSON document, or one bundle per line.
    const docs: Array<[string, string]> = trimmed.startsWith('{') && !trimmed.includes('\n{')
      ? [[file, text]]
      : text.split('\n').flatMap((l, i): Array<[string, string]> => (l.trim() === '' ? [] : [[`${file}:${i + 1}`, l]]));
    for (const [where, doc] of docs) {
      let b: unknown;
      try {
        b = JSON.parse(doc);
      } catch (e) {
        throw new Error(`--request ${where}: not JSON (${(e as Error).message})`);
      }
      const first = (b as { entry?: Array<{ resource?: { resourceType?: unknown } }> } | null)?.entry?.[0]?.resource?.resourceType;
      if ((b as { resourceType?: unknown } | null)?.resourceType !== 'Bundle' || first !== 'Claim') throw new Error(`--request ${where}: not a PAS request bundle (a Bundle whose first entry is a Claim)`);
      finder.add(b as Bundle);
    }
  }
  return finder;
}

const loaded = new Map<string, RequestFinder>();

/** The finder for a run's --request files, loaded once per thread. */
export function requestFinderFor(files: readonly string[]): RequestFinder {
  const key = files.join('\n');
  let f = loaded.get(key);
  if (f === undefined) loaded.set(key, (f = loadRequestFinder(files)));
  return f;
}
