/**
 * Who may call (SMART Backend Services) over real HTTP: clients registered with the real
 * `x12pas clients add` in the gateway's SQLite file, JWT client assertions signed with RS384 and
 * ES384 keys, the token endpoint, scopes per operation, and each client seeing only its own.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readX12Buffer } from '../../src/x12/index.js';
import { requestToBundle } from '../../src/mapping/index.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { PAS_TOPIC } from '../../src/server/subscriptions/resource.js';
import { startReceiver } from './receiver.js';
import { itemActions, sampleBundle, sampleText, testGateway, waitFor, type TestGateway } from './support.js';

const BIN = new URL('../../bin/x12pas.js', import.meta.url).pathname;
const MEMBER = 'W123456789'; // the sample patient's member id (samples/referral-request.x12)
const dir = mkdtempSync(join(tmpdir(), 'x12pas-auth-'));
const ALL = 'system/Claim.write system/ClaimResponse.read system/Subscription.*';

interface Client {
  id: string;
  alg: 'RS384' | 'ES384';
  kid: string;
  key: CryptoKey;
}
let g: TestGateway;
let a: Client;
let b: Client;
let narrow: Client;
let stranger: CryptoKey;

async function keyed(id: string, alg: 'RS384' | 'ES384'): Promise<{ client: Client; jwks: string }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${id}-key-1`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] });
  return { client: { id, alg, kid, key: privateKey }, jwks };
}

beforeAll(async () => {
  const store = join(dir, 'gateway.db');
  // Registered with the real CLI, into the store the gateway then opens.
  for (const [id, alg, scope] of [['clinic-a', 'RS384', ALL], ['clinic-b', 'ES384', ALL], ['watcher', 'ES384', 'system/Subscription.read']] as const) {
    const k = await keyed(id, alg);
    const f = join(dir, `${id}.jwks.json`);
    writeFileSync(f, k.jwks);
    execFileSync(process.execPath, [BIN, 'clients', 'add', id, '--jwks', f, '--scope', scope, '--store', store]);
    if (id === 'clinic-a') a = k.client;
    else if (id === 'clinic-b') b = k.client;
    else narrow = k.client;
  }
  stranger = (await generateKeyPair('RS384')).privateKey;
  g = await testGateway({ store, auth: { required: true } }, {}, dir);
});
afterAll(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tokenUrl = () => `${g.url}/auth/token`;
async function assertion(c: Client, over: { aud?: string; exp?: number; jti?: string; key?: CryptoKey; alg?: string; iss?: string } = {}): Promise<string> {
  return new SignJWT({ jti: over.jti ?? randomUUID() })
    .setProtectedHeader({ alg: over.alg ?? c.alg, kid: c.kid, typ: 'JWT' })
    .setIssuer(over.iss ?? c.id)
    .setSubject(over.iss ?? c.id)
    .setAudience(over.aud ?? tokenUrl())
    .setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 240)
    .sign(over.key ?? c.key);
}
async function tokenRequest(jwt: string, scope = ALL): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(tokenUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
async function token(c: Client, scope = ALL): Promise<string> {
  const r = await tokenRequest(await assertion(c), scope);
  expect(r.status).toBe(200);
  return r.body.access_token;
}
async function call(method: string, path: string, bearer: string | null, body?: unknown, type = 'application/fhir+json'): Promise<{ status: number; text: string; json: () => any; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': type };
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${g.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text), headers: res.headers };
}
/** The sample inquiry (same requester and member as referral-request) naming an authorization number. */
function inquiry(auth: string): unknown {
  const ev = readX12Buffer(Buffer.from(sampleText('referral-inquiry').replaceAll('AUTH7781234', auth), 'latin1')).find((e) => e.kind === 'transaction');
  if (ev?.kind !== 'transaction') throw new Error('no inquiry');
  return requestToBundle(ev.transaction, { pasVersion: '2.2.1' }).bundle;
}
const subscription = (endpoint: string) => ({
  resourceType: 'Subscription',
  status: 'requested',
  criteria: PAS_TOPIC,
  _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: 'orgIdentifier=1578902342' }] },
  channel: { type: 'rest-hook', endpoint },
});
/** A refusal says nothing about the data behind it. */
const discloses = (text: string): boolean => text.includes(MEMBER) || /SIM\d/.test(text) || text.includes('1578902342');

describe('the token endpoint (client_credentials, JWT client assertion)', () => {
  it('issues short-lived bearer tokens to RS384 and ES384 clients, with the scopes they may have, not cached', async () => {
    const r = await tokenRequest(await assertion(a));
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('bearer');
    expect(r.body.expires_in).toBe(300);
    expect(r.body.scope.split(' ').sort()).toEqual(ALL.split(' ').sort());
    expect(r.headers.get('cache-control')).toBe('no-store');
    const e = await tokenRequest(await assertion(b), 'system/Subscription.read system/Claim.write');
    expect(e.status).toBe(200);
    expect(e.body.scope).toBe('system/Subscription.read system/Claim.write');
    // Only what the client is registered for.
    const w = await tokenRequest(await assertion(narrow), 'system/Claim.write system/Subscription.read');
    expect(w.body.scope).toBe('system/Subscription.read');
    const none = await tokenRequest(await assertion(narrow), 'system/Claim.write');
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('invalid_scope');
  });

  it('publishes its discovery document on each base', async () => {
    const r = await call('GET', '/fhir/2.2.1/.well-known/smart-configuration', null);
    expect(r.json().token_endpoint).toBe(tokenUrl());
    expect(r.json().token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
  });

  it.each([
    ['an expired assertion', async () => assertion(a, { exp: Math.floor(Date.now() / 1000) - 120 }), 'expired'],
    ['a wrong audience', async () => assertion(a, { aud: 'https://elsewhere.example/token' }), 'aud'],
    ['a key not registered', async () => assertion(a, { key: stranger }), 'registered key'],
    ['an algorithm not allowed (RS256)', async () => assertion(a, { key: (await generateKeyPair('RS256')).privateKey, alg: 'RS256' }), 'RS384 or ES384'],
    ['an unregistered client', async () => assertion(a, { iss: 'nobody' }), 'not registered'],
    ['an assertion living too long', async () => assertion(a, { exp: Math.floor(Date.now() / 1000) + 3600 }), 'five minutes'],
  ])('refuses %s: 401 invalid_client, no token', async (_name, make, why) => {
    const r = await tokenRequest(await make());
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(r.body.error_description).toContain(why);
    expect(r.body.access_token).toBeUndefined();
  });

  it('refuses a replayed jti: the same assertion works once', async () => {
    const jwt = await assertion(a);
    expect((await tokenRequest(jwt)).status).toBe(200);
    const again = await tokenRequest(jwt);
    expect(again.status).toBe(401);
    expect(again.body.error_description).toContain('jti');
    // The same jti in a new assertion too.
    const jti = randomUUID();
    expect((await tokenRequest(await assertion(b, { jti }))).status).toBe(200);
    expect((await tokenRequest(await assertion(b, { jti }))).status).toBe(401);
  });

  it('refuses another grant type and a missing assertion: 400', async () => {
    const res = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=x' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toBe('unsupported_grant_type');
  });
});

describe('every PAS and X12 endpoint needs a token with the operation scope', () => {
  const bundle = () => sampleBundle('referral-request', '2.2.1');

  it.each([
    ['POST', '/fhir/2.2.1/Claim/$submit'],
    ['POST', '/fhir/2.0.1/Claim/$inquire'],
    ['GET', '/fhir/2.2.1/Subscription'],
    ['POST', '/fhir/2.2.1/Subscription'],
    ['POST', '/x12/278'],
  ])('%s %s without a token: 401, WWW-Authenticate, nothing disclosed, nothing sent upstream', async (method, path) => {
    const before = (g.gateway.store as SqliteStore).stats().submissions;
    const body = path.startsWith('/x12') ? sampleText('referral-request') : path.includes('Subscription') ? (method === 'GET' ? undefined : subscription('http://127.0.0.1:9/x')) : bundle();
    const r = await call(method, path, null, body, path.startsWith('/x12') ? 'application/edi-x12' : 'application/fhir+json');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    if (path.startsWith('/fhir/')) expect(r.json().resourceType).toBe('OperationOutcome');
    expect(discloses(r.text)).toBe(false);
    expect((g.gateway.store as SqliteStore).stats().submissions).toBe(before);
  });

  it('an unknown or expired access token: 401 invalid_token', async () => {
    const r = await call('POST', '/fhir/2.2.1/Claim/$submit', 'not-a-token', bundle());
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('invalid_token');
    const short = await testGateway({ store: join(dir, 'gateway.db'), auth: { required: true, tokenLifetimeSeconds: 1 }, validation: { enabled: false } }, {}, dir);
    try {
      const res = await fetch(`${short.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: ALL, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(a, { aud: `${short.url}/auth/token` }) }),
      });
      const t = ((await res.json()) as any).access_token as string;
      expect((await fetch(`${short.url}/fhir/2.2.1/Subscription`, { headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const late = await fetch(`${short.url}/fhir/2.2.1/Subscription`, { headers: { authorization: `Bearer ${t}` } });
      expect(late.status).toBe(401);
      expect(late.headers.get('www-authenticate')).toContain('invalid_token');
    } finally {
      await short.close();
    }
  });

  it('a token without the operation scope: 403 insufficient_scope naming it, nothing disclosed', async () => {
    const t = await token(narrow, 'system/Subscription.read');
    const r = await call('POST', '/fhir/2.2.1/Claim/$submit', t, bundle());
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(r.json().issue[0].code).toBe('forbidden');
    expect(r.text).toContain('system/Claim.write');
    expect(discloses(r.text)).toBe(false);
    expect((await call('POST', '/fhir/2.2.1/Subscription', t, subscription('http://127.0.0.1:9/x'))).status).toBe(403);
    expect((await call('GET', '/fhir/2.2.1/Subscription', t)).status).toBe(200);
  });

  it('with a token, $submit and the X12 face work as before; the submission is the client\'s', async () => {
    const t = await token(a);
    const x = bundle();
    const r = await call('POST', '/fhir/2.2.1/Claim/$submit', t, x);
    expect(r.status).toBe(200);
    expect(itemActions(r.json())).toEqual(['A1']);
    const rec = (g.gateway.store as SqliteStore).findByTraces([], (x as any).identifier.value)!;
    expect(rec.submitter).toBe('clinic-a');
    const raw = await call('POST', '/x12/278', t, sampleText('referral-request').replace(/BHT\*0007\*13\*[^*]+/, 'BHT*0007*13*AUTHX12'), 'application/edi-x12');
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('HCR*A1');
  });
});

describe('each client sees its own', () => {
  it("another client's subscription ids answer 404, like ids that do not exist; lists hold only one's own", async () => {
    const ta = await token(a);
    const tb = await token(b);
    const made = await call('POST', '/fhir/2.2.1/Subscription', ta, subscription('http://127.0.0.1:9/a'));
    expect(made.status).toBe(201);
    const id = made.json().id;
    expect((await call('GET', `/fhir/2.2.1/Subscription/${id}`, ta)).status).toBe(200);
    const missing = await call('GET', `/fhir/2.2.1/Subscription/${randomUUID()}`, tb);
    for (const [m, body] of [['GET', undefined], ['PUT', subscription('http://127.0.0.1:9/b')], ['DELETE', undefined]] as const) {
      const r = await call(m, `/fhir/2.2.1/Subscription/${id}`, tb, body);
      expect(r.status).toBe(404);
      expect(r.text.replace(id, 'ID')).toBe(missing.text.replace(/[0-9a-f-]{36}/, 'ID'));
      expect(r.text).not.toContain('127.0.0.1');
    }
    expect((await call('GET', `/fhir/2.2.1/Subscription/${id}/$status`, tb)).status).toBe(404);
    const listB = (await call('GET', '/fhir/2.2.1/Subscription', tb)).json();
    expect(listB.entry.map((e: any) => e.resource.id)).not.toContain(id);
    expect((g.gateway.store as SqliteStore).getSubscription(id)!.endpoint).toBe('http://127.0.0.1:9/a');
  });

  it("$inquire returns only the client's own authorizations from the store", async () => {
    const ta = await token(a);
    const tb = await token(b);
    const sub = await call('POST', '/fhir/2.2.1/Claim/$submit', ta, sampleBundle('referral-request', '2.2.1'));
    expect(sub.status).toBe(200);
    const store = g.gateway.store as SqliteStore;
    const auth = (store.rows("SELECT auth_number FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.submitter = 'clinic-a' AND auth_number IS NOT NULL ORDER BY s.id DESC LIMIT 1")[0] as { auth_number: string }).auth_number;
    const ownA = await call('POST', '/fhir/2.2.1/Claim/$inquire', ta, inquiry(auth));
    expect(ownA.status).toBe(200);
    const outcome = () => (store.rows("SELECT outcome, who FROM audit WHERE kind = 'pas.$inquire' ORDER BY id DESC LIMIT 1")[0] as { outcome: string; who: string });
    expect(outcome()).toEqual({ outcome: 'from-store', who: 'clinic-a' });
    expect(ownA.text).toContain(auth);
    // Client B asks about the same requester and member: the store has nothing of B's, so it goes upstream.
    const other = await call('POST', '/fhir/2.2.1/Claim/$inquire', tb, inquiry(auth));
    expect(other.status).toBe(200);
    expect(outcome()).toEqual({ outcome: 'from-upstream', who: 'clinic-b' });
    expect(JSON.stringify(other.json()).match(/SIM\d+/g) ?? []).not.toContain(auth);
  });
});

describe('notifications go only to the client that submitted', () => {
  it("a decision on client A's submission reaches A's subscription, not B's with the same organization filter", async () => {
    const rx = await startReceiver();
    try {
      const ta = await token(a);
      const tb = await token(b);
      for (const [t, path] of [[ta, '/a'], [tb, '/b']] as const) {
        const r = await call('POST', '/fhir/2.2.1/Subscription', t, subscription(`${rx.url}${path}`));
        expect(r.status).toBe(201);
        await waitFor(() => (g.gateway.store.getSubscription(r.json().id)?.status === 'active' ? true : null), 5000);
      }
      // R93.8: pended, decided by the simulator 2 s later (the shipped rules).
      const r = await call('POST', '/fhir/2.2.1/Claim/$submit', ta, sampleBundle('referral-request', '2.2.1', [['M5416', 'R938']]));
      expect(itemActions(r.json())).toEqual(['A4']);
      await waitFor(() => (rx.events('/a').length > 0 ? true : null), 8000);
      await new Promise((res) => setTimeout(res, 300));
      expect(rx.events('/a')).toHaveLength(1);
      expect(rx.events('/b')).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });
});

describe('x12pas clients', () => {
  it('lists and removes clients; a removed client\'s tokens stop working', async () => {
    const store = join(dir, 'gateway.db');
    const list = execFileSync(process.execPath, [BIN, 'clients', 'list', '--store', store], { encoding: 'utf8' });
    expect(list.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['clinic-a', 'clinic-b', 'watcher']);
    expect(list).not.toContain('"n"');
    const t = await token(narrow, 'system/Subscription.read');
    execFileSync(process.execPath, [BIN, 'clients', 'remove', 'watcher', '--store', store]);
    expect((await call('GET', '/fhir/2.2.1/Subscription', t)).status).toBe(401);
    expect((await tokenRequest(await assertion(narrow), 'system/Subscription.read')).status).toBe(401);
  });
});
