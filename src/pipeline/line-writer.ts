import { once } from 'node:events';
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/**
 * A file opened for writing at once (a path that cannot be written is an error here, which the
 * CLI reports with status 2, not an 'error' event later that nothing listens to).
 */
export function openOutput(path: string): WriteStream {
  return createWriteStream(path, { fd: openSync(path, 'w') });
}

/**
 * Writes lines to a stream, waiting when it asks us to (large outputs stay bounded in memory).
 * With `bufferChars`, lines and raw chunks are gathered and written in chunks of about that many
 * characters or bytes (one write, and at most one wait, per chunk instead of per line or per
 * batch: each write to a file costs tens of microseconds however small it is; the gathered
 * pieces go out as one writev, not copied together); `flush()` and `close()` write the rest. A
 * raw chunk is held until then: it must not change after the call (as with `Writable.write`).
 */
export class LineWriter {
  /** Gathered lines, not yet joined. */
  private lines: string[] = [];
  /** Gathered output before `lines`, in order: joined lines and raw chunks. */
  private parts: (string | Uint8Array)[] = [];
  private pendingSize = 0;
  /** A write error of the stream (disk full...), thrown by the next call. */
  private failure: Error | null = null;

  constructor(
    private readonly out: Writable,
    private readonly bufferChars = 0,
  ) {
    out.on('error', (err: Error) => (this.failure ??= err));
  }

  async line(text: string): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.bufferChars <= 0) {
      if (!this.out.write(text + '\n')) await once(this.out, 'drain');
      return;
    }
    this.lines.push(text);
    this.pendingSize += text.length + 1;
    if (this.pendingSize >= this.bufferChars) await this.flush();
  }

  /** Writes text or bytes that already end with a newline (after the gathered lines). */
  async raw(chunk: string | Uint8Array): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (chunk.length === 0) return;
    if (this.bufferChars <= 0) {
      if (!this.out.write(chunk)) await once(this.out, 'drain');
      return;
    }
    this.joinLines();
    this.parts.push(chunk);
    this.pendingSize += chunk.length;
    if (this.pendingSize >= this.bufferChars) await this.flush();
  }

  /** Writes what was gathered. */
  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    this.joinLines();
    const parts = this.parts;
    if (parts.length === 0) return;
    this.parts = [];
    this.pendingSize = 0;
    // Corked, the pieces go out together (one writev where the stream has it), none copied.
    this.out.cork();
    let room = true;
    for (const p of parts) room = this.out.write(p);
    this.out.uncork();
    if (!room) await once(this.out, 'drain');
  }

  private joinLines(): void {
    if (this.lines.length === 0) return;
    this.parts.push(this.lines.join('\n') + '\n');
    this.lines = [];
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.out === process.stdout || this.out === process.stderr) return;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
