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
 * With `bufferChars`, lines are gathered and written in chunks of about that many characters
 * (one write, and at most one wait, per chunk instead of per line); `flush()` and `close()`
 * write the rest.
 */
export class LineWriter {
  private pending: string[] = [];
  private pendingChars = 0;
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
    this.pending.push(text);
    this.pendingChars += text.length + 1;
    if (this.pendingChars >= this.bufferChars) await this.flush();
  }

  /** Writes text or bytes that already end with a newline (after the gathered lines). */
  async raw(chunk: string | Uint8Array): Promise<void> {
    await this.flush();
    if (this.failure !== null) throw this.failure;
    if (chunk.length > 0 && !this.out.write(chunk)) await once(this.out, 'drain');
  }

  /** Writes the gathered lines. */
  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingChars = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.out === process.stdout || this.out === process.stderr) return;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
