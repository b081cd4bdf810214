import { describe, expect, it } from 'vitest';
import { describeShared } from '../support/shared.js';
import { validateTransaction } from '../../src/grammar/validate.js';
import type { Finding } from '../../src/x12/index.js';
import { allFindings, corpusFiles, read, transactions } from '../support/x12.js';

describeShared('corpus/x12', 'the public corpus', () => {
  const files = corpusFiles();

  /** Every finding for a file, including the ones of the checks after framing. */
  function findingsOf(bytes: Buffer): { accepted: boolean[]; findings: Finding[] } {
    const ev = read(bytes);
    const txs = transactions(ev);
    const extra = txs.flatMap((t) => validateTransaction(t));
    const accepted = txs.map((t) => t.accepted && !validateTransaction(t).some((f) => f.severity === 'error'));
    return { accepted, findings: [...allFindings(ev), ...extra] };
  }

  describe('public corpus', () => {
    it('has the files PROVENANCE.md lists', () => {
      expect(files.length).toBe(35); // 11 stupidedi, 6 oopfactory, 1 oboe, 17 negative-synthetic
    });

    it.each(files)('%s is read without an exception, one transaction set', (_name, bytes) => {
      expect(() => read(bytes)).not.toThrow();
      expect(transactions(read(bytes))).toHaveLength(1);
    });

    it('reports the wrong SE01 of two stupidedi files', () => {
      for (const [name, bytes] of files.filter(([n]) => n.startsWith('stupidedi/'))) {
        const wrong = name.endsWith('admission-request-for-review.x12') && !name.includes('emergency') || name.endsWith('request-for-home-health-care.x12');
        const { findings } = findingsOf(bytes);
        expect(findings.some((f) => f.code === 'SE01_COUNT'), name).toBe(wrong);
      }
    });

    it('reports the nested SS level of the non-emergency transportation request', () => {
      const [, bytes] = files.find(([n]) => n === 'stupidedi/request-for-non-emergency-transportation.x12')!;
      const hl = findingsOf(bytes).findings.filter((f) => f.code === 'HL_STRUCTURE');
      expect(hl.map((f) => f.message)).toEqual([
        'level SS (2000F) cannot hang under level SS; allowed: EV',
        'level SS (2000F) cannot hang under level SS; allowed: EV',
      ]);
    });

    it('reports the oopfactory envelope: 00401 ISA, GS08 vs ST03, BOM', () => {
      for (const [name, bytes] of files.filter(([n]) => n.startsWith('oopfactory/'))) {
        const codes = findingsOf(bytes).findings.map((f) => f.code);
        expect(codes, name).toEqual(expect.arrayContaining(['BOM', 'ISA_VERSION', 'ST03_GS08_MISMATCH']));
      }
    });

    it('reports the NM1 one element short in Example_3_3_2_Response', () => {
      const [, bytes] = files.find(([n]) => n === 'oopfactory/Example_3_3_2_Response.x12')!;
      const { findings, accepted } = findingsOf(bytes);
      const nm1 = findings.filter((f) => f.code === 'ELEMENT_SYNTAX' && f.segment === 'NM1');
      expect(nm1.length).toBeGreaterThan(0);
      expect(nm1.every((f) => f.position === 7)).toBe(true); // ST BHT HL NM1 PER HL NM1
      expect(accepted).toEqual([false]);
    });

    it('reports the overflowing REF composite of the OBOE file', () => {
      const [, bytes] = files.find(([n]) => n.startsWith('oboe/'))!;
      const { findings } = findingsOf(bytes);
      const ref = findings.filter((f) => f.code === 'ELEMENT_SYNTAX' && f.segment === 'REF');
      expect(ref.map((f) => f.ack)).toEqual([expect.objectContaining({ level: 'element', element: 4, code: '13' })]);
    });

    it('rejects every negative-synthetic file with findings', () => {
      for (const [name, bytes] of files.filter(([n]) => n.startsWith('negative-synthetic/'))) {
        const { accepted, findings } = findingsOf(bytes);
        expect(accepted, name).toEqual([false]);
        expect(findings.filter((f) => f.severity === 'error').length, name).toBeGreaterThan(0);
      }
    });

    it('accepts the well-formed files with no error', () => {
      const clean = ['stupidedi/referral-request-for-review.x12', 'stupidedi/emergency-admission-request-for-review.x12', 'stupidedi/request-for-medical-services-reservation.x12', 'oopfactory/Example_3_1_1_Request.x12', 'oopfactory/Example_3_2_1_Request.x12'];
      for (const name of clean) {
        const [, bytes] = files.find(([n]) => n === name)!;
        const { accepted, findings } = findingsOf(bytes);
        expect(findings.filter((f) => f.severity === 'error'), name).toEqual([]);
        expect(accepted, name).toEqual([true]);
      }
    });
  });
});
