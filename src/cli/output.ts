import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes lines to a stream, waiting when it asks us to (large outputs stay bounded in memory). */
export class LineWriter {
  constructor(private readonly out: Writable) {}

  async line(text: string): Promise<void> {
    if (!this.out.write(text + '\n')) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out === process.stdout || this.out === process.stderr) return;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}
