/**
 * Reads segment ids from bytes without allocating: well-formed ids are interned once, so the
 * hot path does a Map lookup and no string work. `valid` tells whether the last id read is a
 * well-formed X12 segment id (letter, then one or two letters or digits).
 */
export class SegmentIdReader {
  private readonly cache = new Map<number, string>();
  /** A small direct-mapped cache in front of the Map (most files use a few dozen ids). */
  private readonly slotKeys = new Int32Array(1024).fill(-1);
  private readonly slotIds: string[] = new Array<string>(1024).fill('');
  /** Whether the id returned by the last `read` is well formed. */
  valid = true;

  /** The id that starts at `s` and ends at the first `sep` byte or at `end`. */
  read(buf: Uint8Array, s: number, end: number, sep: number): string {
    let key = 0;
    let n = 0;
    for (let i = s; i < end; i++) {
      const b = buf[i]!;
      if (b === sep) break;
      if (n === 3) return this.slow(buf, s, end, sep);
      key = (key << 8) | b;
      n++;
    }
    key |= n << 24;
    const slot = (key ^ (key >>> 10) ^ (key >>> 20)) & 1023;
    if (this.slotKeys[slot] === key) {
      this.valid = true;
      return this.slotIds[slot]!;
    }
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.slotKeys[slot] = key;
      this.slotIds[slot] = hit;
      this.valid = true;
      return hit;
    }
    const id = Buffer.from(buf.buffer, buf.byteOffset + s, n).toString('latin1');
    this.valid = isWellFormedSegmentId(id);
    if (this.valid) this.cache.set(key, id);
    return id;
  }

  private slow(buf: Uint8Array, s: number, end: number, sep: number): string {
    let i = s;
    while (i < end && buf[i] !== sep) i++;
    this.valid = false;
    return Buffer.from(buf.buffer, buf.byteOffset + s, i - s).toString('latin1');
  }
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
