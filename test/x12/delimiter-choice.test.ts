import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseDelimiters, UsedCharacters } from '../../src/x12/delimiter-choice.js';
import { DEFAULT_DELIMITERS, isAlphanumeric, mapping, readX12Buffer } from '../../src/index.js';
import { convertTransaction } from '../../src/pipeline/convert-transaction.js';

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

describe('separators chosen to fit the data', () => {
  it('are four different characters that occur in no value, never letters, digits or spaces; pinned ones are kept', () => {
    fc.assert(
      fc.property(fc.array(printable, { maxLength: 20 }), fc.boolean(), (values, pin) => {
        const used = new UsedCharacters();
        for (const v of values) used.add(v);
        const pinned = pin ? { component: DEFAULT_DELIMITERS.component } : {};
        const d = chooseDelimiters(used, pinned);
        if (d === null) return;
        const all = [d.element, d.component, d.repetition, d.segment];
        expect(new Set(all).size).toBe(4);
        for (const c of all) {
          expect(isAlphanumeric(c) || c === 0x20).toBe(false);
          if (!pin || c !== DEFAULT_DELIMITERS.component) expect(used.has(c)).toBe(false);
        }
        if (pin) expect(d.component).toBe(DEFAULT_DELIMITERS.component);
      }),
    );
  });

  it('are the conventional * : ^ ~ when no value holds them', () => {
    expect(chooseDelimiters(new UsedCharacters())).toEqual(DEFAULT_DELIMITERS);
  });

  const tx = [...readX12Buffer(readFileSync(new URL('../../samples/referral-request.x12', import.meta.url)))].find((e) => e.kind === 'transaction');
  const bundle = (): Record<string, unknown> => JSON.parse(convertTransaction((tx as { transaction: Parameters<typeof convertTransaction>[0] }).transaction, { pasVersion: '2.2.1', lossless: false }).line!) as Record<string, unknown>;

  it('a Bundle.identifier like urn:uuid:... converts, and reads back as it was', () => {
    const b = bundle();
    const id = 'urn:uuid:6f1c2a3e-9a1b-4c7d-8e2f-0123456789ab';
    b.identifier = { ...(b.identifier as object), value: id };
    const r = mapping.bundlesToRequestX12([b]);
    expect(r.outcomes[0]!.status).toBe('converted');
    const [ev] = [...readX12Buffer(Buffer.from(r.text, 'latin1'))].filter((e) => e.kind === 'transaction');
    const t = (ev as { transaction: { accepted: boolean; interchange: { delimiters: { component: number } }; segments: Array<{ id: string; element(n: number): string }> } }).transaction;
    expect(t.accepted).toBe(true);
    expect(t.interchange.delimiters.component).not.toBe(0x3a);
    expect(t.segments.find((s) => s.id === 'BHT')!.element(3)).toBe(id);
  });

  it('a separator pinned by the partner and found in a value: that bundle is rejected with a finding, the others written', () => {
    const b = bundle();
    b.identifier = { ...(b.identifier as object), value: 'urn:uuid:6f1c2a3e' };
    const r = mapping.bundlesToRequestX12([b, bundle()], { delimiters: DEFAULT_DELIMITERS });
    expect(r.outcomes.map((o) => o.status)).toEqual(['rejected', 'converted']);
    expect(r.outcomes[0]!.findings.map((f) => f.message).join(' ')).toMatch(/component separator/);
    expect([...readX12Buffer(Buffer.from(r.text, 'latin1'))].filter((e) => e.kind === 'transaction')).toHaveLength(1);
  });
});
