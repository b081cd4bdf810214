import type { GroupInfo, InterchangeInfo, TransactionSet, X12Event } from './envelope.js';
import type { Finding } from './finding.js';
import { Framer, type FrameSink, type FrameStats, type FramerOptions } from './framer.js';
import { Tokenizer, type TokenizerOptions } from './tokenizer.js';

export interface ReadOptions extends TokenizerOptions, FramerOptions {}

/** Push-style reader: bytes in (any chunking), framed transactions out through `sink`. */
export class X12Reader {
  private readonly framer: Framer;
  private readonly tokenizer: Tokenizer;

  constructor(sink: FrameSink, options: ReadOptions = {}) {
    this.framer = new Framer(sink, options);
    this.tokenizer = new Tokenizer(this.framer, options);
  }

  push(chunk: Uint8Array): void {
    this.tokenizer.push(chunk);
  }

  end(): void {
    this.tokenizer.end();
    this.framer.end();
  }

  get stats(): FrameStats & { bytes: number } {
    return { ...this.framer.stats, bytes: this.tokenizer.bytesRead };
  }
}

/** A FrameSink that collects events into an array (drained by the caller). */
class EventQueue implements FrameSink {
  events: X12Event[] = [];
  transaction(transaction: TransactionSet): void {
    this.events.push({ kind: 'transaction', transaction });
  }
  groupEnd(group: GroupInfo): void {
    this.events.push({ kind: 'group-end', group });
  }
  interchangeEnd(interchange: InterchangeInfo): void {
    this.events.push({ kind: 'interchange-end', interchange });
  }
  finding(finding: Finding): void {
    this.events.push({ kind: 'finding', finding });
  }
  drain(): X12Event[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

/** Reads a whole buffer at once. */
export function readX12Buffer(input: Uint8Array, options: ReadOptions = {}): X12Event[] {
  const q = new EventQueue();
  const reader = new X12Reader(q, options);
  reader.push(input);
  reader.end();
  return q.drain();
}

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Reads any byte stream (a Node Readable, a web ReadableStream's async iterator, an array of
 * chunks) and yields events in input order, one transaction set at a time. Memory stays bounded
 * by the chunk size and the largest transaction set.
 */
export async function* readX12(source: ByteSource, options: ReadOptions = {}): AsyncGenerator<X12Event, void, undefined> {
  const q = new EventQueue();
  const reader = new X12Reader(q, options);
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    if (q.events.length > 0) yield* q.drain();
  }
  reader.end();
  yield* q.drain();
}
