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
    if (!primed) prime();
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

let primed = false;

/**
 * Warms the JIT's type feedback once per process: a small built-in input (two interchanges, two
 * line styles, transactions and segments split across chunk boundaries) goes through a
 * throwaway reader in small chunks. Without it the optimized hot loop meets its rare paths (a
 * chunk that ends inside a segment, a GE, a transaction spanning chunks) for the first time on
 * real data and deoptimizes, several times, on the first megabytes (seen with --trace-deopt: 7
 * deoptimizations and 7 compilations of the hot loop on the 200 MB bench file; primed: 0 and 2).
 * Costs a few milliseconds once.
 */
function prime(): void {
  primed = true;
  // Two sinks with functions of their own: the framer's calls into its sink are then megamorphic
  // from the start, so the caller's sink does not deoptimize them ("wrong call target").
  const nothing = (): void => {};
  const nothingEither = (): void => {};
  const sinks: FrameSink[] = [
    { transaction: nothing, groupEnd: nothing, interchangeEnd: nothing, finding: nothing },
    { transaction: nothingEither, groupEnd: nothingEither, interchangeEnd: nothingEither, finding: nothingEither },
  ];
  const input = Buffer.from(primerText(), 'latin1');
  [61, 509].forEach((size, n) => {
    const r = new X12Reader(sinks[n]!);
    for (let i = 0; i < input.length; i += size) r.push(input.subarray(i, i + size));
    r.end();
  });
}

function primerText(): string {
  const parts: string[] = [];
  ['', '\r\n'].forEach((eol, n) => {
    const control = String(n + 1).padStart(9, '0');
    const segs = [`ISA*00*          *00*          *ZZ*PRIMER         *ZZ*PRIMER         *260101*0000*^*00501*${control}*0*T*:`];
    for (let g = 1; g <= 2; g++) {
      segs.push(`GS*HI*PRIMER*PRIMER*20260101*0000*${g}*X*005010X217`);
      for (let t = 1; t <= 3; t++) {
        const body = ['BHT*0007*13*P1*20260101*0000', 'HL*1**20*1', 'NM1*X3*2*PAYER*****PI*1', 'HL*2*1*21*1', 'NM1*1P*1*A*B****XX*1234567893', 'HL*3*2*22*1', 'NM1*IL*1*C*D****MI*1', 'HL*4*3*EV*0', 'UM*HS*I*1', 'HI*ABK:I10'];
        // Control numbers of every valid length (4-9 characters) across the twelve sets.
        const st02 = String(t).padStart(4 + ((n * 6 + g * 3 + t) % 6), '0');
        segs.push(`ST*278*${st02}*005010X217`, ...body, `SE*${body.length + 2}*${st02}`);
      }
      segs.push('GE*3*' + g);
    }
    segs.push(`IEA*2*${control}`);
    parts.push(segs.map((x) => x + '~').join(eol) + eol);
  });
  return parts.join('');
}
