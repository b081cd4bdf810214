import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, defaultConfig, loadConfig } from '../server/config.js';
import { SqliteStore } from '../store/sqlite.js';
import type { MtlsRequirement } from '../store/types.js';
import { normalFingerprint, subjectParts } from '../server/auth/mtls.js';
import { EXIT_OK, UsageError } from './output.js';

export const CLIENTS_HELP = `Usage: x12pas clients add ID (--jwks FILE | --jwks-url URL) --scope SCOPES [--name NAME]
                          [--require-mtls (--cert-sha256 HEX | --cert-subject "CN=...") ...]
       x12pas clients list
       x12pas clients remove ID
Options for all: --config FILE (its store) or --store FILE (default ./x12pas-gateway.db)

Registers the SMART Backend Services clients the gateway lets in. A client signs its token
requests (RS384 or ES384) with a key of its JWKS (a public JWKS file, or a URL the gateway fetches).
SCOPES is space-separated, e.g. "system/Claim.write system/ClaimResponse.read system/Subscription.*".
With --require-mtls the client must also present its TLS client certificate (the gateway serving
https with tls.clientCaFile), named by its SHA-256 fingerprint and/or subject fields.
`;

const SCOPE = /^system\/([A-Za-z]+|\*)\.(read|write|\*|[cruds]+)$/;

function checkJwks(text: string, file: string): string {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  const keys = (j as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new UsageError(`${file}: a JWKS needs a non-empty "keys" array`);
  for (const k of keys as Record<string, unknown>[]) {
    if (k.kty !== 'RSA' && k.kty !== 'EC') throw new UsageError(`${file}: keys must be RSA or EC`);
    if ('d' in k) throw new UsageError(`${file}: holds a private key; register the public JWKS only`);
  }
  return JSON.stringify(j);
}

export async function clientsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { jwks: { type: 'string' }, 'jwks-url': { type: 'string' }, 'require-mtls': { type: 'boolean' }, 'cert-sha256': { type: 'string' }, 'cert-subject': { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' }, config: { type: 'string' }, store: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(CLIENTS_HELP);
    return EXIT_OK;
  }
  const [action, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`clients: unexpected ${JSON.stringify(extra[0])}`);
  let file = values.store;
  if (file === undefined) {
    try {
      file = values.config !== undefined ? loadConfig(values.config).store : defaultConfig().store;
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
  }
  const out = (s: string): boolean => process.stdout.write(s);
  if (action === 'list') {
    const store = new SqliteStore(file);
    try {
      for (const c of store.listClients()) out(`${JSON.stringify({ id: c.id, name: c.name, keys: c.jwks !== null ? 'jwks' : c.jwksUrl, scopes: c.scopes.join(' '), ...(c.mtls ? { mtls: c.mtls } : {}), createdAt: c.createdAt })}\n`);
    } finally {
      store.close();
    }
    return EXIT_OK;
  }
  if (id === undefined || id === '') throw new UsageError(`clients ${action ?? ''}: which client (ID)?`);
  if (action === 'remove') {
    const store = new SqliteStore(file);
    try {
      if (!store.removeClient(id)) throw new UsageError(`clients remove: no client ${JSON.stringify(id)}`);
    } finally {
      store.close();
    }
    out(`removed ${id}\n`);
    return EXIT_OK;
  }
  if (action !== 'add') throw new UsageError(`clients: add, list or remove, not ${JSON.stringify(action ?? '')}`);
  if ((values.jwks === undefined) === (values['jwks-url'] === undefined)) throw new UsageError('clients add: give --jwks FILE or --jwks-url URL (one of them)');
  const scopes = (values.scope ?? '').split(/\s+/).filter((s) => s !== '');
  if (scopes.length === 0) throw new UsageError('clients add: --scope is required');
  const bad = scopes.find((s) => !SCOPE.test(s));
  if (bad !== undefined) throw new UsageError(`clients add: ${JSON.stringify(bad)} is not a system scope (system/Type.read|write|*)`);
  let jwks: string | null = null;
  let jwksUrl: string | null = null;
  if (values.jwks !== undefined) jwks = checkJwks(readFileSync(values.jwks, 'utf8'), values.jwks);
  else {
    try {
      const u = new URL(values['jwks-url']!);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
      jwksUrl = u.href;
    } catch {
      throw new UsageError('clients add: --jwks-url must be an http(s) URL');
    }
  }
  let mtls: MtlsRequirement | null = null;
  const sha = values['cert-sha256'];
  const subject = values['cert-subject'];
  if (values['require-mtls'] === true) {
    if (sha === undefined && subject === undefined) throw new UsageError('clients add: --require-mtls needs --cert-sha256 HEX or --cert-subject "CN=..." (or both)');
    const fp = sha === undefined ? null : normalFingerprint(sha);
    if (sha !== undefined && fp === null) throw new UsageError('clients add: --cert-sha256 must be 64 hex digits (colons allowed)');
    if (subject !== undefined && subjectParts(subject) === null) throw new UsageError('clients add: --cert-subject must be NAME=value pairs, e.g. "CN=clinic-a, O=Clinic A"');
    mtls = { sha256: fp, subject: subject ?? null };
  } else if (sha !== undefined || subject !== undefined) throw new UsageError('clients add: --cert-sha256 and --cert-subject go with --require-mtls');
  const store = new SqliteStore(file);
  try {
    if (store.getClient(id) !== null) throw new UsageError(`clients add: ${JSON.stringify(id)} is registered already (remove it first)`);
    store.addClient({ id, name: values.name ?? id, jwks, jwksUrl, scopes, mtls });
  } finally {
    store.close();
  }
  out(`added ${id}\n`);
  return EXIT_OK;
}
