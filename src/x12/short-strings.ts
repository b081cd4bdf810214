/**
 * Interns short strings read from bytes (ST01, ST03, ...): values that repeat in every
 * transaction set are decoded once, and later reads compare bytes instead of allocating.
 * Only ASCII values of up to 32 bytes are interned; others are decoded each time.
 */
export class ShortStrings {
  private readonly bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(256);
  private readonly strings: string[] = new Array<string>(256).fill('');

  get(buf: Buffer, i: number, j: number): string {
    const n = j - i;
    if (n > 32) return buf.toString('latin1', i, j);
    let h = n;
    for (let k = i; k < j; k++) {
      const b = buf[k]!;
      if (b >= 0x80) return buf.toString('utf8', i, j);
      h = (h * 31 + b) | 0;
    }
    const slot = (h ^ (h >>> 8)) & 255;
    const known = this.bytes[slot];
    if (known !== undefined && known.length === n) {
      let same = true;
      for (let k = 0; k < n; k++) {
        if (known[k] !== buf[i + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.strings[slot]!;
    }
    const s = buf.toString('latin1', i, j);
    this.bytes[slot] = Uint8Array.from(buf.subarray(i, j));
    this.strings[slot] = s;
    return s;
  }
}
