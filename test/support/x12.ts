import { readFileSync, readdirSync } from 'node:fs';
import { sharedPath } from './shared.js';
import { readX12Buffer, type Finding, type TransactionSet, type X12Event } from '../../src/x12/index.js';

/** `../shared/corpus/x12/`, read inside `describeShared` (test/support/shared.ts). */
export const CORPUS = sharedPath('corpus/x12');

/** Every corpus file as [relative name, bytes]. */
export function corpusFiles(): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const dir of readdirSync(CORPUS).sort()) {
    for (const f of readdirSync(CORPUS + dir).sort()) if (f.endsWith('.x12')) out.push([`${dir}/${f}`, readFileSync(`${CORPUS}${dir}/${f}`)]);
  }
  return out;
}

export interface IsaOptions {
  e?: string;
  rep?: string;
  comp?: string;
  term?: string;
  control?: string;
  sender?: string;
  receiver?: string;
  version?: string;
  ack?: string;
}

/** A well-formed ISA (106 characters with its terminator). */
export function isa(o: IsaOptions = {}): string {
  const e = o.e ?? '*';
  const f = [
    'ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', (o.sender ?? 'SENDER').padEnd(15), 'ZZ', (o.receiver ?? 'RECEIVER').padEnd(15),
    '261123', '1200', o.rep ?? '^', o.version ?? '00501', o.control ?? '000000001', o.ack ?? '0', 'T', o.comp ?? ':',
  ];
  return f.join(e) + (o.term ?? '~');
}

/** A small valid interchange with one 278 transaction per entry of `bodies` (segments without ST/SE). */
export function interchange(bodies: string[][], o: IsaOptions & { eol?: string; gs08?: string } = {}): string {
  const e = o.e ?? '*';
  const t = o.term ?? '~';
  const eol = o.eol ?? '';
  const segs: string[] = [isa(o).slice(0, -1)];
  segs.push(['GS', 'HI', 'SENDER', 'RECEIVER', '20261123', '1200', '7', 'X', o.gs08 ?? '005010X217'].join(e));
  bodies.forEach((body, i) => {
    const c = String(i + 1).padStart(4, '0');
    segs.push(['ST', '278', c, '005010X217'].join(e));
    for (const s of body) segs.push(s.replaceAll('*', e));
    segs.push(['SE', String(body.length + 2), c].join(e));
  });
  segs.push(['GE', String(bodies.length), '7'].join(e));
  segs.push(['IEA', '1', o.control ?? '000000001'].join(e));
  return segs.map((s) => s + t).join(eol) + eol;
}

export const BODY = ['BHT*0007*13*X1*20261123*1200', 'HL*1**20*1', 'NM1*X3*2*PAYER*****PI*12345', 'HL*2*1*21*1', 'NM1*1P*1*DOE*JO****XX*1234567893', 'HL*3*2*22*1', 'NM1*IL*1*ROE*RI****MI*M1', 'HL*4*3*EV*0', 'UM*HS*I*1'];

export function read(text: string | Buffer): X12Event[] {
  return readX12Buffer(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
}

export function transactions(events: X12Event[]): TransactionSet[] {
  return events.flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
}

/** Every finding in the events: transaction, group, interchange and loose ones. */
export function allFindings(events: X12Event[]): Finding[] {
  const out: Finding[] = [];
  for (const e of events) {
    if (e.kind === 'transaction') out.push(...e.transaction.findings);
    else if (e.kind === 'group-end') out.push(...e.group.findings);
    else if (e.kind === 'interchange-end') out.push(...e.interchange.findings);
    else out.push(e.finding);
  }
  return out;
}

export function codes(events: X12Event[]): string[] {
  return allFindings(events).map((f) => f.code);
}
