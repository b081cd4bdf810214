/** The SQLite store on a real file: migrations, control numbers across reopenings, idempotency claims, matching. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreControlNumbers } from '../../src/store/control-numbers.js';
import type { Correlation } from '../../src/store/types.js';

const dirs: string[] = [];
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'x12pas-store-'));
  dirs.push(d);
  return join(d, 'store.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const corr = (over: Partial<Correlation> = {}): Correlation => ({
  partner: 'um', bht03: null, claimIdentifier: null, requesterId: 'R1', memberId: 'M1', payerId: 'P1', isa13: null, gs06: null, st02: null, requestX12: null, traces: [], ...over,
});

describe('SqliteStore', () => {
  it('applies each migration once, in WAL mode; reopening applies none again', () => {
    const f = file();
    const a = new SqliteStore(f);
    expect(a.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(a.rows('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    a.close();
    const b = new SqliteStore(f);
    expect(b.schemaVersions()).toEqual(MIGRATIONS.map((m) => m.version));
    b.close();
  });

  it('control numbers are never handed out twice per partner and kind, across any sequence of reopenings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ partner: fc.constantFrom('a', 'b'), kind: fc.constantFrom('isa' as const, 'st' as const), count: fc.integer({ min: 1, max: 5 }), reopen: fc.boolean() }), { minLength: 1, maxLength: 30 }), (ops) => {
        const f = file();
        let s = new SqliteStore(f);
        const seen = new Map<string, Set<number>>();
        for (const op of ops) {
          if (op.reopen) {
            s.close();
            s = new SqliteStore(f);
          }
          const first = s.allocate(op.partner, op.kind, op.count);
          const set = seen.get(`${op.partner}/${op.kind}`) ?? new Set();
          for (let n = first; n < first + op.count; n++) {
            expect(set.has(n)).toBe(false);
            set.add(n);
          }
          seen.set(`${op.partner}/${op.kind}`, set);
        }
        s.close();
      }),
      { numRuns: 25 },
    );
  });

  it('StoreControlNumbers gives X12-shaped numbers (9-digit ISA13, 4-digit ST02) from the store', () => {
    const s = new SqliteStore(file());
    const c = new StoreControlNumbers(s, 'um');
    expect([c.nextInterchange(), c.nextInterchange(), c.nextGroup(), c.nextTransaction()]).toEqual(['000000001', '000000002', '1', '0001']);
    expect(c.issued.isa).toEqual(['000000001', '000000002']);
    s.close();
  });

  it('begin claims a key once; the second caller gets the record; an abandoned claim can be made again', () => {
    const s = new SqliteStore(file());
    const a = s.begin('pas', 'sub', 'K1', '2.2.1', 'h', '{}');
    expect(a.kind).toBe('new');
    const b = s.begin('pas', 'sub', 'K1', '2.2.1', 'h', '{}');
    expect(b.kind).toBe('existing');
    expect(s.begin('pas', 'other', 'K1', '2.2.1', 'h', '{}').kind).toBe('new');
    if (a.kind !== 'new') throw new Error();
    s.abandon(a.id);
    expect(s.begin('pas', 'sub', 'K1', '2.2.1', 'h', '{}').kind).toBe('new');
    s.close();
  });

  it('an answer is kept with its items; trace numbers and BHT03 find the submission', () => {
    const s = new SqliteStore(file());
    const r = s.begin('pas', 'sub', 'K2', '2.2.1', 'h', '{}');
    if (r.kind !== 'new') throw new Error();
    s.correlate(r.id, corr({ bht03: 'B1', traces: ['T1', 'T2'] }));
    s.answer(r.id, { status: 200, contentType: 'application/fhir+json', body: '{"a":1}' }, 'ISA...', [{ position: 1, trace: 'T2', decision: 'A4', authNumber: null }]);
    expect(s.findByTraces(['T2'], null)?.id).toBe(r.id);
    expect(s.findByTraces(['nope'], 'B1')?.id).toBe(r.id);
    expect(s.get(r.id)?.answer?.body).toBe('{"a":1}');
    expect(s.stats().pendedItems).toBe(1);
    s.update(r.id, { status: 200, contentType: 'application/fhir+json', body: '{"a":2}' }, 'ISA2', [{ position: 1, trace: 'T2', decision: 'A1', authNumber: 'X9' }]);
    expect(s.items(r.id)).toEqual([{ position: 1, trace: 'T2', decision: 'A1', authNumber: 'X9', sequence: null, cancelled: false }]);
    expect(s.stats().pendedItems).toBe(0);
    s.close();
  });

  it('a Claim Update supersedes its prior in the answer\'s transaction; findClaim finds the prior by Claim identifier per submitter; latest follows the chain; inquiries find the current state', () => {
    const s = new SqliteStore(file());
    const ok = { status: 200, contentType: 'application/fhir+json', body: '{}' };
    const submit = (key: string, claim: string, submitter = 'sub'): number => {
      const r = s.begin('pas', submitter, key, '2.2.1', 'h', '{}');
      if (r.kind !== 'new') throw new Error();
      s.correlate(r.id, corr({ claimIdentifier: claim, requesterId: 'R', memberId: 'M', traces: [`${claim}-T`] }));
      return r.id;
    };
    const p = submit('P', 'C1');
    s.answer(p, ok, null, [{ position: 1, trace: null, decision: 'A1', authNumber: 'AUTH1', sequence: 1 }]);
    submit('X', 'C1', 'someone-else');
    expect(s.findClaim('sub', ['nope', 'C1'])?.id).toBe(p);
    expect(s.findClaim('sub', ['nope'])).toBeNull();
    const u1 = submit('U1', 'C1-U1');
    s.answer(u1, ok, null, [{ position: 1, trace: null, decision: 'C', authNumber: null, sequence: 1, cancelled: true }, { position: 2, trace: null, decision: 'A1', authNumber: 'AUTH2', sequence: 2 }], p);
    const u2 = submit('U2', 'C1-U2');
    s.answer(u2, ok, null, [{ position: 1, trace: null, decision: 'A1', authNumber: 'AUTH2', sequence: 2 }], u1);
    expect(s.get(p)!.supersededBy).toBe(u1);
    expect(s.get(u1)!.priorId).toBe(p);
    expect(s.latest(p)!.id).toBe(u2);
    expect(s.latest(u2)!.id).toBe(u2);
    expect(s.items(u1).map((i) => [i.sequence, i.decision, i.cancelled])).toEqual([[1, 'C', true], [2, 'A1', false]]);
    // PAS: an old reference finds the current record.
    expect(s.match({ requesterId: 'R', memberId: 'M', references: ['C1-T'] }).map((r) => r.id)).toEqual([u2]);
    s.close();
  });

  it('match: requester and member must match; references then narrow (authorization number, trace, BHT03)', () => {
    const s = new SqliteStore(file());
    const mk = (key: string, c: Partial<Correlation>, auth: string): number => {
      const r = s.begin('pas', 'sub', key, '2.2.1', 'h', '{}');
      if (r.kind !== 'new') throw new Error();
      s.correlate(r.id, corr(c));
      s.answer(r.id, { status: 200, contentType: 'x', body: key }, null, [{ position: 1, trace: null, decision: 'A1', authNumber: auth }]);
      return r.id;
    };
    const one = mk('K1', { bht03: 'B1', traces: ['T1'] }, 'AUTH1');
    const two = mk('K2', { bht03: 'B2', traces: ['T2'] }, 'AUTH2');
    mk('K3', { requesterId: 'R2', bht03: 'B3' }, 'AUTH3');
    expect(s.match({ requesterId: 'R1', memberId: 'M1', references: [] }).map((r) => r.id)).toEqual([one, two]);
    expect(s.match({ requesterId: 'R1', memberId: 'M1', references: ['AUTH2'] }).map((r) => r.id)).toEqual([two]);
    expect(s.match({ requesterId: 'R1', memberId: 'M1', references: ['T1'] }).map((r) => r.id)).toEqual([one]);
    expect(s.match({ requesterId: 'R1', memberId: 'M1', references: ['AUTH3'] })).toEqual([]);
    expect(s.match({ requesterId: 'R1', memberId: 'M2', references: [] })).toEqual([]);
    s.close();
  });

  it('the audit log keeps who, what, outcome, sizes and hashes', () => {
    const s = new SqliteStore(file());
    s.audit({ who: 'sub', kind: 'pas.$submit', outcome: 'decided-A1', bytesIn: 10, bytesOut: 20, sha256In: 'a', sha256Out: 'b' });
    expect(s.rows('SELECT who, kind, outcome, bytes_in, bytes_out, sha256_in, sha256_out FROM audit')).toEqual([
      { who: 'sub', kind: 'pas.$submit', outcome: 'decided-A1', bytes_in: 10, bytes_out: 20, sha256_in: 'a', sha256_out: 'b' },
    ]);
    s.close();
  });
});
