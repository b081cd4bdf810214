/** Helpers for the grammar tests: one transaction set from body lines, finding summaries. */
import { checkStructure, outline } from '../../src/grammar/index.js';
import type { Finding, TransactionSet } from '../../src/x12/index.js';
import { interchange, read, transactions } from '../support/x12.js';

/** A request body (between ST and SE) that every 278 grammar accepts. */
export const REQUEST = [
  'BHT*0007*13*X1*20261123*1200',
  'HL*1**20*1',
  'NM1*X3*2*PAYER*****PI*12345',
  'HL*2*1*21*1',
  'NM1*1P*1*DOE*JO****XX*1234567893',
  'HL*3*2*22*1',
  'NM1*IL*1*ROE*RI****MI*M1',
  'HL*4*3*EV*1',
  'TRN*1*T1*1234567893',
  'UM*HS*I*1',
  'DTP*435*D8*20261201',
  'HI*ABK:I10',
  'HL*5*4*SS*0',
  'UM*HS*I',
  'SV1*HC:99213',
];

/** One transaction set read from `body` (ST and SE added; ST03/GS08 = `implementation`). */
export function tx(body: readonly string[], implementation = '005010X217'): TransactionSet {
  const text = interchange([[...body]]).replaceAll('005010X217', implementation);
  const [t] = transactions(read(text));
  if (t === undefined) throw new Error('no transaction set');
  return t;
}

/** `CODE@position loop` for each finding, the short form most tests compare. */
export function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}@${f.position ?? '?'}${f.loop !== undefined ? ` ${f.loop}` : ''}`);
}

/** Structure findings and outline of a body. */
export function structure(body: readonly string[], implementation?: string): { findings: Finding[]; outline: string; grammar: string | undefined } {
  const r = checkStructure(tx(body, implementation));
  return { findings: r.findings, outline: r.tree !== null ? outline(r.tree.root) : '', grammar: r.grammar?.id };
}
