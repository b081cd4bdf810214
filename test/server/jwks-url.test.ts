/**
 * Clients whose keys are given by a JWKS URL (`x12pas clients add ID --jwks-url URL`): a real HTTP
 * server serves the JWKS; RS384 and ES384 assertions are verified with its keys; a key rotated at
 * the URL (a kid the gateway has not seen) makes the gateway fetch the JWKS again; an old key that
 * is gone is refused; a URL that cannot be read is refused cleanly (401 naming why) and costs no
 * other client anything.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, itemActions, sampleBundle, testGateway, type TestGateway } from './support.js';

const BIN = new URL('../../bin/x12pas.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'x12pas-jwks-'));

type Alg = 'RS384' | 'ES384';
interface Key {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  jwk: Record<string, unknown>;
}
async function newKey(alg: Alg, kid: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The JWKS each path serves now (changed by the tests), how often each was fetched, and a path that fails. */
const served = new Map<string, Key[]>();
const fetches = new Map<string, number>();
let jwksServer: Server;
let jwksBase: string;
let g: TestGateway;

beforeAll(async () => {
  jwksServer = createServer((req, res) => {
    const path = req.url ?? '';
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    if (path === '/broken.json') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('down for maintenance');
      return;
    }
    if (path === '/not-a-jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello": "world"}');
      return;
    }
    const keys = served.get(path);
    if (keys === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  jwksBase = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  served.set('/rs.json', [await newKey('RS384', 'rs-1')]);
  served.set('/es.json', [await newKey('ES384', 'es-1')]);
  const store = join(dir, 'gateway.db');
  const add = (id: string, url: string): void => {
    execFileSync(process.execPath, [BIN, 'clients', 'add', id, '--jwks-url', url, '--scope', 'system/Claim.write system/ClaimResponse.read', '--store', store]);
  };
  add('rs-clinic', `${jwksBase}/rs.json`);
  add('es-clinic', `${jwksBase}/es.json`);
  add('gone-clinic', await closedPort());
  add('broken-clinic', `${jwksBase}/broken.json`);
  add('odd-clinic', `${jwksBase}/not-a-jwks.json`);
  // No cooldown: a kid not found fetches the JWKS again at once (the default waits 30 s between fetches).
  g = await testGateway({ store, auth: { required: true, jwksCooldownMs: 0 } }, {}, dir);

  // CLI processes, keys and certificates: slow on a busy machine.
}, 120_000);
afterAll(async () => {
  await g?.stop();
  await new Promise((r) => jwksServer?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function tokenFor(client: string, key: Key): Promise<{ status: number; body: any }> {
  const jwt = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(client)
    .setSubject(client)
    .setAudience(`${g.url}/auth/token`)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 240)
    .sign(key.privateKey);
  const res = await fetch(`${g.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/Claim.write', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }),
  });
  return { status: res.status, body: await res.json() };
}

describe('keys from a JWKS URL', () => {
  it('RS384 and ES384 assertions verify against the keys the URL serves; the token then submits', async () => {
    for (const [client, path] of [['rs-clinic', '/rs.json'], ['es-clinic', '/es.json']] as const) {
      const r = await tokenFor(client, served.get(path)![0]!);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.scope).toBe('system/Claim.write');
      expect(fetches.get(path)).toBe(1);
    }
    const t = (await tokenFor('rs-clinic', served.get('/rs.json')![0]!)).body.access_token as string;
    const res = await fetch(`${g.url}/fhir/2.2.1/Claim/$submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${t}` },
      body: JSON.stringify(sampleBundle('referral-request', '2.2.1')),
    });
    expect(res.status).toBe(200);
    expect(itemActions((await res.json()) as Record<string, any>)).toEqual(['A1']);
    // The keys were cached: a second assertion with a known kid fetched nothing.
    expect(fetches.get('/rs.json')).toBe(1);
  });

  it('a rotated key (a kid not seen before) fetches the JWKS again; the retired key is refused after that', async () => {
    for (const [client, path, alg] of [['rs-clinic', '/rs.json', 'RS384'], ['es-clinic', '/es.json', 'ES384']] as const) {
      const old = served.get(path)![0]!;
      const next = await newKey(alg, `${alg}-2`);
      served.set(path, [next]);
      const before = fetches.get(path)!;
      const r = await tokenFor(client, next);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(fetches.get(path)).toBe(before + 1);
      const stale = await tokenFor(client, old);
      expect(stale.status).toBe(401);
      expect(stale.body).toEqual({ error: 'invalid_client', error_description: 'the assertion is not signed by a registered key' });
    }
  });

  it('a key of another client at the same kid is still refused (the signature, not the kid, decides)', async () => {
    const current = served.get('/es.json')![0]!;
    const impostor = await newKey('ES384', current.kid);
    const r = await tokenFor('es-clinic', impostor);
    expect(r.status).toBe(401);
    expect(r.body.error_description).toBe('the assertion is not signed by a registered key');
  });

  it('a JWKS URL that refuses connections, answers 500 or serves no JWKS: 401 invalid_client naming why; other clients go on', async () => {
    const someKey = await newKey('ES384', 'whatever');
    for (const client of ['gone-clinic', 'broken-clinic', 'odd-clinic']) {
      const r = await tokenFor(client, someKey);
      expect(r.status, client).toBe(401);
      expect(r.body, client).toEqual({ error: 'invalid_client', error_description: "the client's JWKS URL could not be read" });
    }
    expect(fetches.get('/broken.json')).toBeGreaterThanOrEqual(1);
    expect(g.logs.some((l) => l.includes('token refused') && l.includes('broken-clinic'))).toBe(true);
    // The refusals cost nobody else anything.
    const ok = await tokenFor('rs-clinic', served.get('/rs.json')![0]!);
    expect(ok.status).toBe(200);
    const health = await fetch(`${g.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
