/**
 * Writing the repeats of a segment use (repeats.ts): repeat k is written with its own slice cache,
 * seeded with what the earlier writes resolved under ids marked `@` (they count as taken, and
 * answer no lookup), so each slice resolves to the next entry of its array that fits it, and no
 * value memo of an earlier repeat is reused. Writing stops at the first repeat that finds nothing.
 */
import { SliceCache } from './write-rows.js';

/**
 * A slice cache for the next repeat: every entry resolved in `earlier` is taken. The entries are
 * not copied here: each array's map is seeded from what `earlier` had resolved by now when the
 * repeat first uses it (SliceCache.seeds).
 */
export function repeatCache(earlier: readonly SliceCache[]): SliceCache {
  const next = new SliceCache();
  next.seeds = earlier.map((cache) => ({ cache, upTo: cache.logIds.length }));
  return next;
}
