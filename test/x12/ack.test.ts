import { describe, expect, it } from 'vitest';
import { validateTransaction } from '../../src/grammar/validate.js';
import { AckBuilder, MemoryControlNumbers, type X12Event } from '../../src/x12/index.js';
import { BODY, interchange, read, transactions } from '../support/x12.js';

const NOW = new Date(Date.UTC(2026, 10, 23, 14, 5));

function ack(events: X12Event[], withValidation = false): string {
  const b = new AckBuilder({ now: () => NOW, controlNumbers: new MemoryControlNumbers({ interchange: 500, group: 900 }) });
  for (const e of events) {
    if (e.kind === 'transaction') b.transaction(e.transaction, withValidation ? validateTransaction(e.transaction) : []);
    else if (e.kind === 'group-end') b.groupEnd(e.group);
    else if (e.kind === 'interchange-end') b.interchangeEnd(e.interchange);
  }
  return b.drain();
}

/** The acknowledgment's segments, ISA dropped (fixed width makes it noisy), as strings. */
function segs(text: string): string[] {
  return text.split('~').filter((s) => s !== '' && !s.startsWith('ISA'));
}

describe('acknowledgments', () => {
  it('accepts a clean group with a 999 and no TA1 unless asked', () => {
    const out = ack(read(interchange([BODY, BODY])));
    expect(segs(out)).toEqual([
      'GS*FA*RECEIVER*SENDER*20261123*1405*900*X*005010X231A1',
      'ST*999*0001*005010X231A1',
      'AK1*HI*7*005010X217',
      'AK2*278*0001*005010X217',
      'IK5*A',
      'AK2*278*0002*005010X217',
      'IK5*A',
      'AK9*A*2*2*2',
      'SE*8*0001',
      'GE*1*900',
      'IEA*1*000000500',
    ]);
    // Sender and receiver swap in the acknowledgment's ISA.
    expect(out.slice(0, 106)).toBe('ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         *261123*1405*^*00501*000000500*0*T*:~');
  });

  it('sends a TA1 when ISA14 asks for one', () => {
    const out = ack(read(interchange([BODY], { ack: '1' })));
    expect(segs(out)[0]).toBe('TA1*000000001*261123*1200*A*000');
  });

  it('rejects the interchange with TA1 R and no 999 when the ISA is bad', () => {
    const out = ack(read(interchange([BODY]).replace('*1200*', '*2500*')));
    expect(segs(out)).toEqual(['TA1*000000001*261123*2500*R*015', 'IEA*0*000000500']);
  });

  it('reports trailer problems: IEA02 in the TA1, GE01 in AK9', () => {
    const text = interchange([BODY]).replace('GE*1*7', 'GE*3*7').replace('IEA*1*000000001', 'IEA*1*000000002');
    const s = segs(ack(read(text)));
    expect(s[0]).toBe('TA1*000000001*261123*1200*E*001');
    expect(s).toContain('AK9*E*3*1*1*5');
  });

  it('an ST03 that differs from its GS08 is reported in the 999: IK5 E 19, the set still accepted', () => {
    const events = read(interchange([BODY, BODY], { gs08: '005010X215' }).replace('ST*278*0002*005010X217', 'ST*278*0002*005010X215'));
    const s = segs(ack(events, true));
    // The first set says X217 under an X215 group: accepted with errors noted; the second agrees with GS08.
    expect(s.slice(s.indexOf('AK2*278*0001*005010X217'), s.findIndex((x) => x.startsWith('AK9')) + 1)).toEqual(['AK2*278*0001*005010X217', 'IK5*E*19', 'AK2*278*0002*005010X215', 'IK5*A', 'AK9*E*2*2*2']);
    expect(transactions(events).map((t) => t.accepted)).toEqual([true, true]);
  });

  it('rejects a transaction set with IK5 R and the codes that match the problem', () => {
    const text = interchange([BODY, BODY]).replace('SE*11*0002', 'SE*10*0002');
    const s = segs(ack(read(text)));
    expect(s).toContain('IK5*R*4');
    expect(s).toContain('AK9*P*2*2*1');
  });

  it('puts segment and element errors in IK3/IK4 with their position', () => {
    // NM109 missing while NM108 is there (a paired-element rule), HL03 an unknown level.
    const body = [...BODY];
    body[2] = 'NM1*X3*2*PAYER*****PI';
    body[7] = 'HL*4*3*ZZ*0';
    const ev = read(interchange([body]));
    const s = segs(ack(ev, true));
    const from = s.indexOf('AK2*278*0001*005010X217');
    const loop = s.slice(from, s.findIndex((x) => x.startsWith('IK5')) + 1);
    expect(loop[0]).toBe('AK2*278*0001*005010X217');
    expect(loop).toContain('IK3*NM1*4**8');
    expect(loop.find((x) => x.startsWith('IK4*9*'))).toMatch(/^IK4\*9\*67\*2/);
    expect(loop).toContain('IK3*HL*9**8');
    expect(loop.find((x) => x.startsWith('IK4*3*'))).toBe('IK4*3*735*7*ZZ');
    expect(loop.at(-1)).toBe('IK5*R*5');
    expect(s).toContain('AK9*R*1*1*0');
  });

  it('writes acknowledgments that our own reader frames without a finding', () => {
    const text = interchange([BODY, BODY], { ack: '1' }).replace('SE*11*0002', 'SE*10*0002') + interchange([BODY], { control: '000000002', e: '|', term: '\n' });
    const out = ack(read(text));
    const ev = read(out);
    const txs = transactions(ev);
    expect(txs).toHaveLength(2);
    expect(txs.every((t) => t.accepted && t.type === '999' && t.implementation === '005010X231A1')).toBe(true);
    // The second acknowledgment keeps its interchange's delimiters.
    expect(String.fromCharCode(txs[1]!.interchange.delimiters.element)).toBe('|');
  });
});
