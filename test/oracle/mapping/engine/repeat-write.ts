// Oracle: src/mapping/engine/repeat-write.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * Writing the repeats of a segment use (repeats.ts): repeat k is written with its own slice cache,
 * seeded with what the earlier writes resolved under ids marked `@` (they count as taken, and
 * answer no lookup), so each slice resolves to the next entry of its array that fits it, and no
 * value memo of an earlier repeat is reused. Writing stops at the first repeat that finds nothing.
 */
import { SliceCache } from './write-rows.js';

/** A slice cache for the next repeat: every entry resolved in `earlier` is taken. */
export function repeatCache(earlier: readonly SliceCache[]): SliceCache {
  const next = new SliceCache();
  earlier.forEach((cache, n) => {
    for (const [a, m] of cache.arrays) {
      let to = next.arrays.get(a);
      if (to === undefined) next.arrays.set(a, (to = new Map()));
      for (const [id, entry] of m) if (entry !== null) to.set(`${id}@${n}`, entry);
    }
  });
  return next;
}
