import { describe, expect, it } from 'vitest';
import { BODY, allFindings, codes, interchange, isa, read, transactions } from '../support/x12.js';

describe('envelope framing', () => {
  it('yields one transaction set at a time with its envelope context', () => {
    const ev = read(interchange([BODY, BODY], { eol: '\n' }));
    const txs = transactions(ev);
    expect(txs).toHaveLength(2);
    const [a, b] = txs;
    expect(a!.control).toBe('0001');
    expect(b!.control).toBe('0002');
    expect(a!.implementation).toBe('005010X217');
    expect(a!.segments[0]!.id).toBe('ST');
    expect(a!.segments.at(-1)!.id).toBe('SE');
    expect(a!.segments).toHaveLength(BODY.length + 2);
    expect(a!.interchange.control).toBe('000000001');
    expect(a!.interchange.sender).toBe('SENDER');
    expect(a!.interchange.lineEnding).toBe('\n');
    expect(a!.group!.control).toBe('7');
    expect(a!.group!.version).toBe('005010X217');
    expect(a!.accepted).toBe(true);
    expect(allFindings(ev)).toEqual([]);
    expect(ev.map((e) => e.kind)).toEqual(['transaction', 'transaction', 'group-end', 'interchange-end']);
  });

  it('checks SE01 and SE02 and rejects only that transaction', () => {
    const text = interchange([BODY, BODY, BODY]).replace('SE*11*0002', 'SE*12*0003');
    const txs = transactions(read(text));
    expect(txs.map((t) => t.accepted)).toEqual([true, false, true]);
    expect(txs[1]!.findings.map((f) => [f.code, f.ack])).toEqual([
      ['SE01_COUNT', { level: 'transaction', code: '4' }],
      ['SE02_CONTROL', { level: 'transaction', code: '3' }],
    ]);
  });

  it('checks GE01/GE02 and IEA01/IEA02', () => {
    const text = interchange([BODY]).replace('GE*1*7', 'GE*2*8').replace('IEA*1*000000001', 'IEA*3*000000009');
    const ev = read(text);
    expect(codes(ev)).toEqual(['GE01_COUNT', 'GE02_CONTROL', 'IEA01_COUNT', 'IEA02_CONTROL']);
    expect(transactions(ev)[0]!.accepted).toBe(true); // trailers do not unsay what was read
  });

  it('warns when GS08 and ST03 disagree and uses ST03', () => {
    const ev = read(interchange([BODY], { gs08: '005010X279' }));
    const tx = transactions(ev)[0]!;
    expect(tx.implementation).toBe('005010X217');
    expect(tx.accepted).toBe(true);
    expect(tx.findings.map((f) => [f.severity, f.code])).toEqual([['warning', 'ST03_GS08_MISMATCH']]);
  });

  it('rejects a 278 in a functional group of another kind, and a missing ST03', () => {
    const text = interchange([BODY]).replace('GS*HI', 'GS*HS').replace('ST*278*0001*005010X217', 'ST*278*0001').replace('SE*11', 'SE*11');
    const tx = transactions(read(text))[0]!;
    expect(tx.accepted).toBe(false);
    expect(tx.findings.map((f) => f.code)).toEqual(['GS01_MISMATCH', 'ST03_MISSING']);
  });

  it('reports a segment outside any transaction set and goes on', () => {
    const text = interchange([BODY, BODY]).replace('SE*11*0001~', 'SE*11*0001~NTE*STRAY~');
    const ev = read(text);
    expect(transactions(ev).map((t) => t.accepted)).toEqual([true, true]);
    const group = ev.find((e) => e.kind === 'group-end');
    expect(group?.kind === 'group-end' && group.group.findings.map((f) => [f.code, f.segment])).toEqual([['SEGMENT_OUTSIDE_ENVELOPE', 'NTE']]);
  });

  it('reports missing trailers: SE, GE, IEA', () => {
    const noSe = interchange([BODY, BODY]).replace('SE*11*0001~', '');
    const ev = read(noSe);
    const txs = transactions(ev);
    expect(txs).toHaveLength(2);
    expect(txs[0]!.accepted).toBe(false);
    expect(txs[0]!.findings.map((f) => f.code)).toEqual(['SE_MISSING']);
    expect(txs[1]!.accepted).toBe(true);

    const truncated = interchange([BODY]).replace(/GE\*1\*7~IEA\*1\*000000001~$/, '');
    expect(codes(read(truncated))).toEqual(['GE_MISSING', 'IEA_MISSING']);
  });

  it('rejects everything inside an interchange whose ISA is malformed', () => {
    const text = interchange([BODY]).replace('*261123*', '*261399*');
    const ev = read(text);
    const tx = transactions(ev)[0]!;
    expect(tx.accepted).toBe(false);
    expect(tx.interchange.rejected).toBe(true);
    expect(tx.interchange.findings.map((f) => [f.code, f.ack])).toEqual([['ISA_FIELD', { level: 'interchange', note: '014', reject: true }]]);
  });

  it('checks ISA field widths', () => {
    const text = interchange([BODY]).replace('SENDER         ', 'SENDER');
    const ev = read(text);
    const f = transactions(ev)[0]!.interchange.findings;
    expect(f.map((x) => x.message)).toEqual(['ISA06 (sender id) must be exactly 15 character(s), found 6: "SENDER"']);
  });

  it('counts what goes in and what comes out', () => {
    const text = interchange([BODY, BODY, BODY]).replace('SE*11*0002', 'SE*10*0002') + interchange([BODY], { control: '000000002' });
    const ev = read(text);
    const txs = transactions(ev);
    const sts = (text.match(/~ST\*/g) ?? []).length;
    expect(txs).toHaveLength(sts);
    expect(txs.filter((t) => t.accepted)).toHaveLength(3);
    expect(txs.filter((t) => !t.accepted)).toHaveLength(1);
  });

  it('rejects an oversized transaction set without keeping its segments', async () => {
    const { readX12Buffer } = await import('../../src/x12/index.js');
    const many = Array.from({ length: 500 }, (_, i) => `NTE*LINE ${i}`);
    const ev = readX12Buffer(Buffer.from(interchange([[...BODY, ...many], BODY])), { maxTransactionBytes: 2000 });
    const txs = transactions(ev);
    expect(txs[0]!.accepted).toBe(false);
    expect(txs[0]!.segments.length).toBeLessThan(3);
    expect(txs[0]!.segmentCount).toBe(BODY.length + 502);
    expect(txs[0]!.findings.map((f) => f.code)).toEqual(['TRANSACTION_TOO_LARGE']);
    expect(txs[1]!.accepted).toBe(true);
  });

  it('flags duplicate control numbers', () => {
    const text = interchange([BODY, BODY]).replace('ST*278*0002', 'ST*278*0001').replace('SE*11*0002', 'SE*11*0001');
    const txs = transactions(read(text));
    expect(txs[1]!.findings.map((f) => f.code)).toEqual(['DUPLICATE_TRANSACTION_CONTROL']);
    const twice = read(interchange([BODY]) + interchange([BODY]));
    expect(codes(twice)).toEqual(['DUPLICATE_INTERCHANGE_CONTROL']);
  });

  it('frames an ST outside any functional group as a rejected transaction', () => {
    const text = isa() + 'ST*278*0001*005010X217~BHT*0007*13~SE*3*0001~IEA*0*000000001~';
    const txs = transactions(read(text));
    expect(txs).toHaveLength(1);
    expect(txs[0]!.group).toBeNull();
    expect(txs[0]!.findings.map((f) => f.code)).toEqual(['ST_OUTSIDE_GROUP']);
  });
});
