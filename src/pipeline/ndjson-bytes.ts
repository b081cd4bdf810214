/**
 * NDJSON lines gathered as UTF-8 bytes as they are made. A worker encodes each bundle's line the
 * moment it is serialized, so the 10-20 kB string dies young instead of being copied by every
 * scavenge until its batch ends; the bytes live outside the JS heap and are transferred whole.
 */
export class NdjsonBytes {
  private buf: Uint8Array;
  private used = 0;
  private readonly encoder = new TextEncoder();

  /** `capacity`: bytes reserved for a batch (it grows when a batch needs more). */
  constructor(capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
  }

  /** Appends one line and its newline; returns the bytes they took. */
  add(line: string): number {
    // UTF-16 code unit -> at most 3 UTF-8 bytes; one more for the newline.
    const room = line.length * 3 + 1;
    if (this.buf.length - this.used < room) this.grow(this.used + room);
    const n = this.encoder.encodeInto(line, this.buf.subarray(this.used)).written;
    this.used += n;
    this.buf[this.used++] = 0x0a;
    return n + 1;
  }

  /**
   * The lines so far, in a buffer of their own (so it can be transferred); the gathering buffer is
   * kept for the next batch. A copy into uninitialized memory costs less than a fresh zeroed
   * buffer per batch.
   */
  take(): Uint8Array {
    const out = Buffer.allocUnsafeSlow(this.used);
    out.set(this.buf.subarray(0, this.used));
    this.used = 0;
    return out;
  }

  private grow(need: number): void {
    let n = this.buf.length * 2;
    while (n < need) n *= 2;
    const next = new Uint8Array(n);
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
  }
}
