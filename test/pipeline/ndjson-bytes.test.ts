import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NdjsonBytes } from '../../src/pipeline/ndjson-bytes.js';
import { transactionReportLine } from '../../src/pipeline/report-line.js';
import type { Finding } from '../../src/x12/index.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

describe('NdjsonBytes', () => {
  it('gives back the UTF-8 of every line and its newline, batch after batch, whatever the starting capacity', () => {
    // Lines of any text (astral characters, lone surrogates written as U+FFFD by the encoder), no newlines.
    const line = fc.string({ unit: fc.constantFrom('a', '{', '"', 'é', '€', '😀', '\ud800', 'z', '\u0000'), maxLength: 300 }).map((s) => s.replace(/\n/g, ' '));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.array(line, { maxLength: 12 }), { minLength: 1, maxLength: 6 }), (capacity, batches) => {
        const gather = new NdjsonBytes(capacity);
        const taken: Uint8Array[] = [];
        for (const lines of batches) {
          let counted = 0;
          for (const l of lines) counted += gather.add(l);
          const bytes = gather.take();
          expect(counted).toBe(bytes.length);
          taken.push(bytes);
        }
        // Each batch's bytes are its own: later batches did not write over them.
        taken.forEach((bytes, i) => {
          const expected = batches[i]!.map((l) => l + '\n').join('');
          expect(decoder.decode(bytes)).toBe(Buffer.from(expected, 'utf8').toString('utf8'));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives an empty buffer for a batch with no lines', () => {
    const gather = new NdjsonBytes(8);
    gather.add('x');
    gather.take();
    expect(gather.take().length).toBe(0);
  });
});

describe('transactionReportLine', () => {
  const at = { offset: 120, interchange: '000000001', group: '1', control: '0001', implementation: '005010X217' };

  it('writes findings without their acknowledgment routing, and leaves the findings as they were', () => {
    const findings: Finding[] = [
      { severity: 'error', code: 'SE01_COUNT', message: 'count', ack: { level: 'transaction', code: '4' } },
      { severity: 'warning', code: 'UNMAPPED_ELEMENT', message: 'no row reads it', segment: 'PER', position: 9 },
    ];
    const before = structuredClone(findings);
    const line = JSON.parse(transactionReportLine('in.x12', at, false, findings)) as { status: string; findings: Finding[] };
    expect(line.status).toBe('rejected');
    expect(line.findings).toEqual([
      { severity: 'error', code: 'SE01_COUNT', message: 'count' },
      { severity: 'warning', code: 'UNMAPPED_ELEMENT', message: 'no row reads it', segment: 'PER', position: 9 },
    ]);
    expect(findings).toEqual(before);
  });

  it('writes findings that have no routing as they are', () => {
    const findings: Finding[] = [{ severity: 'warning', code: 'DEFAULTED', message: 'TRN03 defaulted' }];
    expect(JSON.parse(transactionReportLine('in.x12', at, true, findings))).toEqual({ file: 'in.x12', ...at, status: 'converted', findings });
  });
});
