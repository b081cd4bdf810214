import { readFhirBundles } from './fhir-input.js';
import type { Bundle } from '@medplum/fhirtypes';
import { RequestFinder } from '../mapping/request/finder.js';

/**
 * The request bundles of `convert --request FILE...` (read as every FHIR input is: a JSON Bundle,
 * NDJSON, gzip), indexed for the responses of a run. Throws an Error naming the file and line when a file
 * cannot be read or holds something that is not a request bundle.
 */
export function loadRequestFinder(files: readonly string[]): RequestFinder {
  const finder = new RequestFinder();
  for (const file of files) {
    for (const item of readFhirBundles(file)) {
      if ('error' in item) throw new Error(`--request ${item.where}: ${item.error}`);
      const first = (item.bundle.entry as Array<{ resource?: { resourceType?: unknown } }> | undefined)?.[0]?.resource?.resourceType;
      if (first !== 'Claim') throw new Error(`--request ${item.where}: not a PAS request bundle (its first entry is not a Claim)`);
      finder.add(item.bundle as unknown as Bundle);
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
