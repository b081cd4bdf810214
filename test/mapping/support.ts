import { readFileSync } from 'node:fs';
import { readX12Buffer, type TransactionSet } from '../../src/x12/index.js';

/** The transaction sets of an X12 text (or file bytes). */
export function transactions(input: string | Buffer): TransactionSet[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  return readX12Buffer(buf).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
}

/** A sample's text, with `(from, to)` replacements applied (to make a bad variant of it). */
export function sample(name: string, replace: ReadonlyArray<readonly [string, string]> = []): TransactionSet {
  let text = readFileSync(new URL(`../../samples/${name}.x12`, import.meta.url), 'latin1');
  for (const [a, b] of replace) text = text.replaceAll(a, b);
  const [tx] = transactions(text);
  if (tx === undefined) throw new Error(`no transaction in ${name}`);
  return tx;
}

/** One X217 request transaction set of a body (BHT ... last segment, `*` and `:` separators), in a whole interchange; or of another implementation (`005010X215`). */
export function requestSet(body: readonly string[], implementation = '005010X217'): TransactionSet {
  const segs = [`ST*278*0001*${implementation}`, ...body];
  const text = [
    'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261123*1200*^*00501*000000001*0*T*:',
    `GS*HI*SENDER*RECEIVER*20261123*1200*1*X*${implementation}`,
    ...segs,
    `SE*${segs.length + 1}*0001`,
    'GE*1*1',
    'IEA*1*000000001',
  ].join('~\n');
  return transactions(`${text}~\n`)[0]!;
}

/** BHT, payer, requester and subscriber of a minimal request, up to the event's HL (the body of a set before the 2000E's own segments). */
export const REQUEST_HEAD: readonly string[] = [
  'BHT*0007*13*REF1*20261123*1200',
  'HL*1**20*1',
  'NM1*X3*2*PAYER*****PI*12345',
  'HL*2*1*21*1',
  'NM1*1P*2*CLINIC*****XX*1234567893',
  'HL*3*2*22*1',
  'NM1*IL*1*ROE*RI****MI*M1',
  'HL*4*3*EV*1',
];
