/** The UM simulator on its own: real 278 responses, accepted by our X217 response grammar, decided by the rules. */
import { describe, expect, it } from 'vitest';
import { analyzeTransaction } from '../../src/grammar/validate.js';
import { checkRules, loadRules } from '../../src/server/simulator/rules.js';
import { UmSimulator } from '../../src/server/simulator/simulator.js';
import { factsOf } from '../../src/server/x12-facts.js';
import { readX12Buffer, type TransactionSet } from '../../src/x12/index.js';
import { sampleText, waitFor } from './support.js';

const txOf = (text: string): TransactionSet => {
  const ev = readX12Buffer(Buffer.from(text, 'latin1')).find((e) => e.kind === 'transaction');
  if (ev?.kind !== 'transaction') throw new Error('no 278');
  return ev.transaction;
};

function answer(sim: UmSimulator, name: string, replace: [string, string][] = []): { tx: TransactionSet; decisions: (string | null)[]; errors: readonly string[] } {
  let text = sampleText(name);
  for (const [a, b] of replace) text = text.replaceAll(a, b);
  const tx = txOf(sim.respond(text));
  expect(tx.accepted).toBe(true);
  const a = analyzeTransaction(tx);
  expect(a.tree?.grammar.id).toBe(tx.implementation === '005010X215' ? '278-x215-response' : '278-x217-response');
  expect(a.findings.filter((f) => f.severity === 'error')).toEqual([]);
  const f = factsOf(tx);
  expect(f.purpose).toBe('11');
  return { tx, decisions: f.levels.map((l) => l.decision), errors: f.errors };
}

describe('UmSimulator', () => {
  const sim = new UmSimulator({ rules: loadRules() });

  it('certifies by default, with an authorization number, echoing the trace number', () => {
    const { tx, decisions } = answer(sim, 'referral-request');
    expect(decisions).toEqual(['A1']);
    expect(factsOf(tx).levels[0]!.echo).toBe('REF2026112301');
    expect(factsOf(tx).levels[0]!.authNumber).toMatch(/^SIM/);
  });

  it('denies, pends and modifies by the rules; the service levels each get their decision', () => {
    expect(answer(sim, 'referral-request', [['M5416', 'Z411']]).decisions).toEqual(['A3']);
    expect(answer(sim, 'referral-request', [['M5416', 'M5442']]).decisions).toEqual(['A6']);
    expect(answer(sim, 'dependent-request', [['97155', '72148']]).decisions).toEqual([null, 'A1', 'A4', 'A1']);
    expect(answer(sim, 'dependent-request', [['97156', '0232T']]).decisions).toEqual([null, 'A1', 'A1', 'A3']);
  });

  it('an error rule writes AAA in its loop and no decision', () => {
    const member = answer(sim, 'referral-request', [['W123456789', 'NOTFOUND00']]);
    expect(member.errors).toEqual(['75']);
    expect(member.decisions).toEqual([null]);
    const requester = answer(sim, 'referral-request', [['1578902342', '1999999984']]);
    expect(requester.errors).toEqual(['51']);
  });

  it('answers an X215 inquiry with an X215 response', () => {
    const { tx } = answer(sim, 'referral-inquiry');
    expect(tx.implementation).toBe('005010X215');
  });

  it('a pended item is decided later and delivered unsolicited', async () => {
    const delivered: string[] = [];
    const rules = checkRules({ rules: [{ when: { diagnoses: ['M5416'] }, then: { decision: 'A4', later: 'A3', laterMs: 30 } }] });
    const s = new UmSimulator({ rules, deliver: (x) => void delivered.push(x) });
    expect(factsOf(txOf(s.respond(sampleText('referral-request')))).levels[0]!.decision).toBe('A4');
    await waitFor(() => (delivered.length > 0 ? true : null), 3000);
    const later = factsOf(txOf(delivered[0]!));
    expect(later.levels[0]!.decision).toBe('A3');
    expect(later.levels[0]!.echo).toBe('REF2026112301');
    s.close();
  });
});
