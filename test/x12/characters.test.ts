import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { characterFindings, fitCharacters } from '../../src/x12/characters.js';
import { mapping, readX12Buffer, type TransactionSet } from '../../src/index.js';
import { convertTransaction } from '../../src/pipeline/convert-transaction.js';

const SAMPLE = readFileSync(new URL('../../samples/referral-request.x12', import.meta.url), 'latin1');

function firstTransaction(bytes: Buffer): TransactionSet {
  for (const ev of readX12Buffer(bytes)) if (ev.kind === 'transaction') return ev.transaction;
  throw new Error('no transaction');
}

describe('characters an interchange can carry', () => {
  it('reports control characters where read (byte offset), and non-ASCII ones for a plain-ASCII partner', () => {
    const at = SAMPLE.indexOf('RIVERA');
    const text = `${SAMPLE.slice(0, at)}RI\u0007VERA${SAMPLE.slice(at + 6)}`.replace('ANA', 'ANÉ');
    const bytes = Buffer.from(text, 'utf8');
    const tx = firstTransaction(bytes);
    const utf8 = characterFindings(tx.segments);
    expect(utf8.map((f) => [f.code, f.offset, f.segment])).toEqual([['CONTROL_CHARACTER', bytes.indexOf(0x07), 'NM1']]);
    const ascii = characterFindings(tx.segments, 'ascii');
    expect(ascii.map((f) => [f.code, f.offset]).sort((a, b) => (a[1] as number) - (b[1] as number))).toEqual(
      [
        ['CONTROL_CHARACTER', bytes.indexOf(0x07)],
        ['NON_ASCII_CHARACTER', bytes.indexOf(Buffer.from('É', 'utf8'))],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    // convert reports them with the transaction set, which still converts.
    const r = convertTransaction(tx, { pasVersion: '2.2.1', lossless: false });
    expect(r.line).not.toBeNull();
    expect(r.findings.filter((f) => f.code === 'CONTROL_CHARACTER')).toHaveLength(1);
    expect(characterFindings(firstTransaction(Buffer.from(SAMPLE, 'latin1')).segments, 'ascii')).toEqual([]);
  });

  it('makes any value writable: controls become spaces, non-ASCII its base letter or ? in ascii; writable values untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 5 }), fc.constantFrom('utf8' as const, 'ascii' as const), (values, charset) => {
        const segs = [[['NM1'], ...values.map((v) => [v])]];
        const changes = fitCharacters(segs, charset);
        for (let i = 0; i < values.length; i++) {
          const out = segs[0]![i + 1]![0]!;
          expect(/[\u0000-\u001f\u007f-\u009f]/.test(out)).toBe(false);
          if (charset === 'ascii') expect(/^[\x20-\x7e]*$/.test(out)).toBe(true);
          if (out !== values[i]) expect(changes.some((c) => c.element === i + 1)).toBe(true);
        }
        expect(changes.length).toBeLessThanOrEqual(values.length);
      }),
    );
    const segs = [[['NM1'], ['IL'], ['1'], ['JOS\u00c9\u0007']]];
    expect(fitCharacters(segs, 'ascii').map((c) => c.message)).toEqual(['NM103: "JOSÉ\\u0007" holds characters X12 in plain ASCII cannot carry; written as "JOSE "']);
  });

  it('FHIR -> X12 never writes a control character, and names each value changed (LOSSY_VALUE)', () => {
    const tx = firstTransaction(Buffer.from(SAMPLE, 'latin1'));
    const bundle = JSON.parse(convertTransaction(tx, { pasVersion: '2.2.1', lossless: false }).line!) as { entry: Array<{ resource: { resourceType: string; name?: Array<{ family?: string }> } }> };
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource;
    patient.name![0]!.family = 'MU\u0000\u00d1OZ';
    const utf8 = mapping.bundlesToRequestX12([bundle]);
    expect(utf8.outcomes[0]!.status).toBe('converted');
    expect(utf8.text).toContain('*MU \u00d1OZ*');
    expect(utf8.outcomes[0]!.findings.filter((f) => f.code === 'LOSSY_VALUE').map((f) => f.message)).toEqual([expect.stringContaining('written as "MU \u00d1OZ"')]);
    const ascii = mapping.bundlesToRequestX12([bundle], { charset: 'ascii' });
    expect(ascii.text).toContain('*MU NOZ*');
    expect(/[^\x20-\x7e\n]/.test(ascii.text)).toBe(false);
  });
});
