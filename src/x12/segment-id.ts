/** Interned segment ids: reading an id from bytes allocates no string after the first time. */
const cache = new Map<number, string>();

/**
 * The segment id that starts at `s` in `buf` and ends at the first `sep` byte or at `end`.
 * Ids of up to 3 bytes are interned; longer (malformed) ids are decoded each time.
 */
export function readSegmentId(buf: Uint8Array, s: number, end: number, sep: number): string {
  let key = 0;
  let n = 0;
  let i = s;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === sep) break;
    if (n === 3) return Buffer.from(buf.buffer, buf.byteOffset + s, scanTo(buf, s, end, sep) - s).toString('latin1');
    key = (key << 8) | b;
    n++;
  }
  key |= n << 24;
  let id = cache.get(key);
  if (id === undefined) {
    id = Buffer.from(buf.buffer, buf.byteOffset + s, n).toString('latin1');
    if (cache.size < 4096) cache.set(key, id);
  }
  return id;
}

function scanTo(buf: Uint8Array, s: number, end: number, sep: number): number {
  let i = s;
  while (i < end && buf[i] !== sep) i++;
  return i;
}

/** An X12 segment id: an upper-case letter, then one or two upper-case letters or digits. */
export function isWellFormedSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  const c0 = id.charCodeAt(0);
  if (c0 < 0x41 || c0 > 0x5a) return false;
  for (let i = 1; i < n; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}
