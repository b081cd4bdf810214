import { describe, expect, it } from 'vitest';
import { MemoryControlNumbers, X12WriteError, X12Writer, delimitersFromStrings } from '../../src/x12/index.js';
import { read, transactions } from '../support/x12.js';

const NOW = () => new Date(Date.UTC(2026, 0, 5, 7, 3));

describe('writer', () => {
  it('pads ISA fields, counts SE01/GE01/IEA01 and echoes control numbers', () => {
    const w = new X12Writer({ now: NOW, lineEnding: '\n', controlNumbers: new MemoryControlNumbers({ interchange: 42, group: 7 }) });
    w.beginInterchange({ senderQualifier: 'ZZ', sender: 'ME', receiverQualifier: '30', receiver: '123456789' });
    w.beginGroup({ functionalId: 'HI', sender: 'ME', receiver: 'YOU', version: '005010X217' });
    w.beginTransaction('278', '005010X217');
    w.segment(['BHT', '0007', '13', 'A1', '20260105', '0703', '', '']);
    w.segment(['HL', '1', '', '20', '1']);
    w.endTransaction();
    w.beginTransaction('278', '005010X217');
    w.segment(['BHT', '0007', '13', 'A2']);
    w.endGroup();
    w.endInterchange();
    const text = w.toString();
    expect(text.split('\n')).toEqual([
      'ISA*00*          *00*          *ZZ*ME             *30*123456789      *260105*0703*^*00501*000000042*0*P*:~',
      'GS*HI*ME*YOU*20260105*0703*7*X*005010X217~',
      'ST*278*0001*005010X217~',
      'BHT*0007*13*A1*20260105*0703~',
      'HL*1**20*1~',
      'SE*4*0001~',
      'ST*278*0002*005010X217~',
      'BHT*0007*13*A2~',
      'SE*3*0002~',
      'GE*2*7~',
      'IEA*1*000000042~',
      '',
    ]);
    expect(text.split('\n')[0]).toHaveLength(106);
    const txs = transactions(read(text));
    expect(txs.map((t) => [t.accepted, t.findings.length])).toEqual([
      [true, 0],
      [true, 0],
    ]);
  });

  it('writes with other delimiters and joins composites and repetitions', () => {
    const w = new X12Writer({ delimiters: delimitersFromStrings({ element: '|', component: '>', repetition: '!', segment: '\n' }), finalLineEnding: false });
    w.segment(['HI', w.composite('ABK', 'I10', '', ''), w.repeat('A', 'B')]);
    expect(w.toString()).toBe('HI|ABK>I10|A!B\n');
  });

  it('refuses a value that holds a delimiter instead of corrupting the output', () => {
    const w = new X12Writer();
    expect(() => w.segment(['NM1', 'IL', '1', 'SMITH*JONES'])).toThrow(X12WriteError);
    expect(() => w.segment(['MSG', 'see you~'])).toThrow(/MSG01 holds a delimiter/);
    expect(() => w.beginInterchange({ senderQualifier: 'ZZ', sender: 'A'.repeat(16), receiverQualifier: 'ZZ', receiver: 'B' })).toThrow(/ISA06 is longer than 15/);
  });

  it('refuses delimiter sets that cannot work', () => {
    expect(() => new X12Writer({ delimiters: delimitersFromStrings({ element: '*', component: '*' }) })).toThrow(X12WriteError);
    expect(() => new X12Writer({ delimiters: delimitersFromStrings({ element: 'A' }) })).toThrow(/letter or digit/);
  });

  it('keeps the envelope in order', () => {
    const w = new X12Writer();
    expect(() => w.beginGroup({ functionalId: 'HI', sender: 'a', receiver: 'b', version: 'v' })).toThrow(/GS outside an interchange/);
    expect(() => w.endTransaction()).toThrow(/SE without ST/);
  });
});
