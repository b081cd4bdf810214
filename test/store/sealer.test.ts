/** Encryption at rest: AES-256-GCM sealing, key ids and rotation, on a real SQLite file. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { keyId, parseKey, Sealer, SealerError } from '../../src/store/sealer.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Sealer', () => {
  it('opens what it sealed, for any text (property); each sealing differs (fresh IV); clear text reads as it is', () => {
    const s = new Sealer([randomBytes(32)]);
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (t) => s.open(s.seal(t)) === t), { numRuns: 200 });
    expect(s.seal('same')).not.toBe(s.seal('same'));
    expect(s.seal('NGUYEN')).not.toContain('NGUYEN');
    expect(s.open('{"resourceType":"Bundle"}')).toBe('{"resourceType":"Bundle"}');
    expect(s.seal(null)).toBeNull();
  });

  it('rotation: a sealer with a new key first and the old one after opens both, seals with the new', () => {
    const old = randomBytes(32);
    const now = randomBytes(32);
    const sealedOld = new Sealer([old]).seal('before');
    const rotated = new Sealer([now, old]);
    expect(rotated.open(sealedOld)).toBe('before');
    expect(rotated.seal('after')).toContain(`enc1:${keyId(now)}:`);
    expect(() => new Sealer([now]).open(sealedOld)).toThrow(SealerError);
  });

  it('a changed sealed value does not authenticate', () => {
    const s = new Sealer([randomBytes(32)]);
    const v = s.seal('approved');
    const parts = v.split(':');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0]! ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => s.open(parts.join(':'))).toThrow(/does not authenticate/);
  });

  it('keys: 64 hex digits or base64 of 32 bytes; anything else is refused naming where', () => {
    const k = randomBytes(32);
    expect(parseKey(k.toString('hex'), 'f')).toEqual(k);
    expect(parseKey(k.toString('base64'), 'f')).toEqual(k);
    expect(() => parseKey('short', '$X12PAS_STORE_KEY')).toThrow(/\$X12PAS_STORE_KEY/);
  });
});

describe('SqliteStore with a sealer', () => {
  it('keeps request, answer and 278s sealed in the file, reads them back in clear; reopened with a rotated key list it still reads them', () => {
    const d = mkdtempSync(join(tmpdir(), 'x12pas-seal-'));
    dirs.push(d);
    const f = join(d, 's.db');
    const k1 = randomBytes(32);
    const s = new SqliteStore(f, { sealer: new Sealer([k1]) });
    const begun = s.begin('pas', 'client', 'k', '2.2.1', 'h', '{"name":"NGUYEN"}');
    if (begun.kind !== 'new') throw new Error('not new');
    s.correlate(begun.id, { partner: 'um', bht03: 'B1', claimIdentifier: null, requesterId: 'R', memberId: 'M', payerId: 'P', isa13: '1', gs06: '1', st02: '0001', requestX12: 'ISA*00*NGUYEN~', traces: ['T1'] });
    s.answer(begun.id, { status: 200, contentType: 'application/fhir+json', body: '{"patient":"NGUYEN"}' }, 'ISA*00*RESPONSE*NGUYEN~', []);
    s.createSubscription('sub', { pasVersion: '2.2.1', base: 'http://x', owner: '', orgIdentifier: 'O', endpoint: 'http://r', headers: ['Authorization: Bearer secret-of-subscriber'], heartbeatSeconds: null, resource: '{"reason":"mine"}' });
    s.enqueue('sub', 'event-notification', begun.id, Date.now(), () => '{"patient":"NGUYEN"}');
    const rec = s.get(begun.id)!;
    expect(rec.requestBody).toBe('{"name":"NGUYEN"}');
    expect(rec.answer!.body).toBe('{"patient":"NGUYEN"}');
    expect(rec.responseX12).toContain('RESPONSE');
    expect(s.getSubscription('sub')!.headers).toEqual(['Authorization: Bearer secret-of-subscriber']);
    expect(s.dueDeliveries(Date.now() + 1, 10)[0]!.body).toBe('{"patient":"NGUYEN"}');
    s.close();
    const bytes = Buffer.concat([f, `${f}-wal`].map((p) => { try { return readFileSync(p); } catch { return Buffer.alloc(0); } })).toString('latin1');
    for (const secret of ['NGUYEN', 'ISA*00', 'secret-of-subscriber', 'mine']) expect(bytes.includes(secret), secret).toBe(false);
    const k2 = randomBytes(32);
    const again = new SqliteStore(f, { sealer: new Sealer([k2, k1]) });
    expect(again.get(begun.id)!.responseX12).toContain('RESPONSE');
    again.close();
    const wrong = new SqliteStore(f, { sealer: new Sealer([k2]) });
    expect(() => wrong.get(begun.id)).toThrow(SealerError);
    wrong.close();
  });
});
