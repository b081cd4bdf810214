import type { WriteStream } from 'node:fs';
import { AckBuilder, type ControlNumberAllocator, type X12Event } from '../x12/index.js';
import { findingsLine } from './ndjson.js';
import { openOutput, type LineWriter } from './line-writer.js';

/** Acknowledgments written to a file as each input interchange ends (`--ack FILE`). */
export class AckFile {
  readonly builder: AckBuilder;
  private readonly out: WriteStream;

  /** Opened at once: a path that cannot be written is an error here, not an 'error' event later. */
  constructor(path: string, options: { readonly controlNumbers?: ControlNumberAllocator } = {}) {
    this.builder = new AckBuilder(options.controlNumbers !== undefined ? { controlNumbers: options.controlNumbers } : {});
    this.out = openOutput(path);
  }

  async flush(): Promise<void> {
    const text = this.builder.drain();
    if (text && !this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  close(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/**
 * What every X12 command does with the events that are not transaction sets: tells the
 * acknowledgment builder, and writes problems tied to no transaction set as
 * {"file","findings"} lines. Returns how many of them are errors.
 */
export async function envelopeEvent(ev: Exclude<X12Event, { kind: 'transaction' }>, file: string, lines: LineWriter, ack: AckFile | null): Promise<number> {
  let findings;
  let line: string;
  if (ev.kind === 'group-end') {
    ack?.builder.groupEnd(ev.group);
    findings = ev.group.findings;
    line = findingsLine(file, findings, ev.group.interchange, ev.group);
  } else if (ev.kind === 'interchange-end') {
    ack?.builder.interchangeEnd(ev.interchange);
    await ack?.flush();
    findings = ev.interchange.findings;
    line = findingsLine(file, findings, ev.interchange);
  } else {
    findings = [ev.finding];
    line = findingsLine(file, findings);
    // An interchange whose ISA is unusable: rejected in a TA1 when its fields can be read.
    if (ack?.builder.unusableInterchange(ev.finding)) await ack.flush();
  }
  if (findings.length === 0) return 0;
  await lines.line(line);
  return findings.filter((f) => f.severity === 'error').length;
}
