/**
 * Mutual TLS per client, over real TLS: the gateway serves https with a client CA; certificates
 * are made in the test (a CA, the server's, clients', and a rogue CA's impostor) with node-forge.
 * A client registered with `--require-mtls` (by fingerprint or by subject) gets tokens, and is let
 * in with them, only over a connection that presented its certificate; a client without the
 * requirement still comes in without one.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemActions, sampleBundle, sampleText, testGateway, type TestGateway } from './support.js';

const BIN = new URL('../../bin/x12pas.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'x12pas-mtls-'));
const pki = forge.pki;

interface Pem {
  cert: string;
  key: string;
}
interface Issuer {
  cert: forge.pki.Certificate;
  key: string;
}
let serial = 1;
/** A certificate for `subject` with a fresh RSA key, signed by `issuer` (self-signed without one). */
function certify(subject: Record<string, string>, issuer: Issuer | null, kind: 'ca' | 'server' | 'client'): Pem & { issuer: Issuer } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const c = pki.createCertificate();
  c.publicKey = pki.publicKeyFromPem(publicKey);
  c.serialNumber = (serial++).toString(16).padStart(4, '0');
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = Object.entries(subject).map(([shortName, value]) => ({ shortName, value }));
  c.setSubject(attrs);
  c.setIssuer(issuer === null ? attrs : issuer.cert.subject.attributes);
  const ext: object[] = [{ name: 'basicConstraints', cA: kind === 'ca' }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: kind === 'ca' }];
  if (kind === 'server') ext.push({ name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] });
  if (kind === 'client') ext.push({ name: 'extKeyUsage', clientAuth: true });
  c.setExtensions(ext);
  c.sign(pki.privateKeyFromPem(issuer?.key ?? privateKey), forge.md.sha256.create());
  return { cert: pki.certificateToPem(c), key: privateKey, issuer: { cert: c, key: privateKey } };
}

interface Client {
  id: string;
  kid: string;
  key: CryptoKey;
}
let ca: ReturnType<typeof certify>;
let certM: Pem;
let certS: Pem;
let impostor: Pem;
let g: TestGateway;
const clients: Record<string, Client> = {};

beforeAll(async () => {
  ca = certify({ CN: 'x12pas test client CA' }, null, 'ca');
  const server = certify({ CN: '127.0.0.1' }, ca.issuer, 'server');
  certM = certify({ CN: 'clinic-m', O: 'Clinic M' }, ca.issuer, 'client');
  certS = certify({ CN: 'clinic-s', O: 'Clinic S' }, ca.issuer, 'client');
  // The same subject as clinic-s, issued by a CA the gateway does not trust.
  const rogue = certify({ CN: 'rogue CA' }, null, 'ca');
  impostor = certify({ CN: 'clinic-s', O: 'Clinic S' }, rogue.issuer, 'client');
  for (const [name, pem] of [['server.pem', server.cert], ['server.key', server.key], ['ca.pem', ca.cert]] as const) writeFileSync(join(dir, name), pem);

  const store = join(dir, 'gateway.db');
  const fingerprint = new X509Certificate(certM.cert).fingerprint256;
  const registrations: Array<[string, string[]]> = [
    ['clinic-m', ['--require-mtls', '--cert-sha256', fingerprint]],
    ['clinic-s', ['--require-mtls', '--cert-subject', 'CN=clinic-s, O=Clinic S']],
    ['clinic-plain', []],
  ];
  for (const [id, extra] of registrations) {
    const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
    const kid = `${id}-1`;
    const jwks = join(dir, `${id}.jwks.json`);
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }] }));
    execFileSync(process.execPath, [BIN, 'clients', 'add', id, '--jwks', jwks, '--scope', 'system/Claim.write system/ClaimResponse.read', '--store', store, ...extra]);
    clients[id] = { id, kid, key: privateKey };
  }
  const listed = execFileSync(process.execPath, [BIN, 'clients', 'list', '--store', store], { encoding: 'utf8' });
  expect(listed).toContain(fingerprint.replaceAll(':', '').toLowerCase());
  g = await testGateway({ store, auth: { required: true }, tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), clientCaFile: join(dir, 'ca.pem') } }, {}, dir);

  // CLI processes, keys and certificates: slow on a busy machine.
}, 120_000);
afterAll(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTPS request; the server is checked against the test CA; `tls` is the client certificate to present. */
function call(method: string, path: string, options: { body?: string; type?: string; bearer?: string; tls?: Pem } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.type !== undefined) headers['content-type'] = options.type;
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    const req = request(`${g.url}${path}`, { method, headers, ca: ca.cert, ...(options.tls !== undefined ? { cert: options.tls.cert, key: options.tls.key } : {}), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function token(id: string, tls?: Pem): Promise<{ status: number; body: any }> {
  const c = clients[id]!;
  const jwt = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES384', kid: c.kid, typ: 'JWT' })
    .setIssuer(c.id)
    .setSubject(c.id)
    .setAudience(`${g.url}/auth/token`)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 240)
    .sign(c.key);
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/Claim.write', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }).toString();
  const r = await call('POST', '/auth/token', { body, type: 'application/x-www-form-urlencoded', ...(tls !== undefined ? { tls } : {}) });
  return { status: r.status, body: JSON.parse(r.text) };
}
const submit = (bearer: string, tls?: Pem) =>
  call('POST', '/fhir/2.2.1/Claim/$submit', { body: JSON.stringify(sampleBundle('referral-request', '2.2.1')), type: 'application/fhir+json', bearer, ...(tls !== undefined ? { tls } : {}) });

describe('mutual TLS per client', () => {
  it('serves https; a client registered by fingerprint gets a token and submits with its certificate', async () => {
    expect(g.url.startsWith('https://')).toBe(true);
    const t = await token('clinic-m', certM);
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    const r = await submit(t.body.access_token, certM);
    expect(r.status).toBe(200);
    expect(itemActions(JSON.parse(r.text))).toEqual(['A1']);
    // Through the X12 face too: its in-process call to the PAS face carries the same certificate.
    const x = await call('POST', '/x12/278', { body: sampleText('referral-request'), type: 'application/edi-x12', bearer: t.body.access_token, tls: certM });
    expect(x.status, x.text.slice(0, 200)).toBe(200);
    expect(x.text).toContain('HCR*A1');
  });

  it('without its certificate, or with another one, the client gets no token; its token is refused on a connection without the certificate', async () => {
    for (const tls of [undefined, certS]) {
      const t = await token('clinic-m', tls);
      expect(t.status).toBe(401);
      expect(t.body).toEqual({ error: 'invalid_client', error_description: 'this client must present its registered TLS client certificate' });
    }
    const good = (await token('clinic-m', certM)).body.access_token as string;
    for (const tls of [undefined, certS]) {
      const r = await submit(good, tls);
      expect(r.status).toBe(401);
      const oo = JSON.parse(r.text);
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(r.text).toContain('registered client certificate');
      expect(r.text).not.toContain('W123456789');
    }
  });

  it('a client registered by subject: its CA-issued certificate works; the same subject from an untrusted CA does not', async () => {
    const t = await token('clinic-s', certS);
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    expect((await submit(t.body.access_token, certS)).status).toBe(200);
    const fake = await token('clinic-s', impostor);
    expect(fake.status).toBe(401);
    expect(fake.body.error).toBe('invalid_client');
    expect((await submit(t.body.access_token, impostor)).status).toBe(401);
  });

  it('a client without the requirement comes in over https without a certificate', async () => {
    const t = await token('clinic-plain');
    expect(t.status).toBe(200);
    expect((await submit(t.body.access_token)).status).toBe(200);
  });
});
