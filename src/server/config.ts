import { readFileSync } from 'node:fs';
import type { PasVersion } from '../pas/versions.js';
import { isObj } from '../mapping/engine/obj.js';

/**
 * The gateway's configuration: one JSON file, checked key by key (an error names the key).
 * Every key has a default, so `x12pas serve` runs with no file at all.
 */
export interface UpstreamLimits {
  /** Milliseconds before an exchange counts as failed (5xx). */
  timeoutMs: number;
  /** Extra attempts when the upstream could not be reached at all (nothing was sent). */
  retries: number;
  /** Exchanges in flight at once; more wait their turn. */
  concurrency: number;
}

export type UpstreamConfig =
  | ({ type: 'simulator'; rules: string | null; latencyMs: number } & UpstreamLimits)
  | ({ type: 'x12-http'; url: string; envelope: 'raw' | 'core' } & UpstreamLimits)
  | ({ type: 'pas-fhir'; url: string; pasVersion: PasVersion } & UpstreamLimits);

export interface PartnerConfig {
  /** Name of the upstream in `upstreams`. */
  upstream: string;
  senderQualifier: string;
  sender: string;
  receiverQualifier: string;
  receiver: string;
  usage: 'P' | 'T';
}

export interface GatewayConfig {
  port: number;
  host: string;
  /** The SQLite file. */
  store: string;
  /** The answer PAS gets within this many ms, else its items pended. */
  syncBudgetMs: number;
  maxBodyBytes: number;
  /** JSON bodies nested deeper than this are refused (400). */
  maxJsonDepth: number;
  /** A client must send its request headers within this many ms, its whole request within requestTimeoutMs (else 408). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Requests per minute per client (per address when auth is off) on the PAS and X12 faces; 0: no limit. */
  rateLimitPerMinute: number;
  validation: { enabled: boolean; packages: string | null };
  /** Which partner the PAS face writes 278s to. */
  pas: { partner: string };
  /** Which partner (a PAS FHIR upstream) the X12 face sends its bundles to; null: this gateway's own PAS face. */
  x12: { partner: string | null; pasVersion: PasVersion };
  partners: Record<string, PartnerConfig>;
  upstreams: Record<string, UpstreamConfig>;
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  subscriptions: SubscriptionSettings;
  auth: AuthSettings;
  /** Encryption at rest: keys (one per line, the first seals, all open) from a file or an environment variable. */
  encryption: { keyFile: string | null; keyEnv: string | null };
  /** HTTPS instead of HTTP; with `clientCaFile`, client certificates are asked for (mutual TLS for the clients that require it). */
  tls: TlsSettings | null;
}

/** The server's certificate and key (PEM files), and the CA(s) client certificates must chain to. */
export interface TlsSettings {
  certFile: string;
  keyFile: string;
  /** PEM file of the CA certificates client certificates are checked against; null: none asked for. */
  clientCaFile: string | null;
}

/** Who may call: SMART Backend Services. */
export interface AuthSettings {
  /** Every PAS and X12 endpoint asks for an access token (default true; `serve --no-auth` for a local trial). */
  required: boolean;
  /** Access tokens live this long. */
  tokenLifetimeSeconds: number;
  /** The token endpoint's URL as clients address it (the assertions' aud); null: as the request reached it. */
  tokenUrl: string | null;
  /** A client's JWKS URL is fetched again (a kid not found: its keys rotated) at most this often. */
  jwksCooldownMs: number;
}

/** How notifications are delivered to subscribers (rest-hook). */
export interface SubscriptionSettings {
  /** First retry after this many ms; each later one waits twice as long... */
  retryBaseMs: number;
  /** ...up to this. */
  retryMaxMs: number;
  /** A notification not delivered this long after it was queued is given up; its subscription's status becomes error. */
  giveUpAfterMs: number;
  /** One POST to a subscriber fails after this many ms. */
  timeoutMs: number;
  /** How often the queue is looked at (new notifications are sent at once). */
  pollMs: number;
}

export class ConfigError extends Error {}

const LIMITS: UpstreamLimits = { timeoutMs: 10_000, retries: 1, concurrency: 32 };

export function defaultConfig(): GatewayConfig {
  return {
    port: 8080,
    host: '0.0.0.0',
    store: 'x12pas-gateway.db',
    syncBudgetMs: 15_000,
    maxBodyBytes: 5 * 1024 * 1024,
    maxJsonDepth: 64,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    rateLimitPerMinute: 0,
    validation: { enabled: true, packages: null },
    pas: { partner: 'um' },
    x12: { partner: null, pasVersion: '2.2.1' },
    partners: {
      um: { upstream: 'simulator', senderQualifier: 'ZZ', sender: 'X12PAS', receiverQualifier: 'ZZ', receiver: 'UMSIMULATOR', usage: 'P' },
    },
    upstreams: { simulator: { type: 'simulator', rules: null, latencyMs: 0, ...LIMITS } },
    log: { level: 'info' },
    auth: { required: true, tokenLifetimeSeconds: 300, tokenUrl: null, jwksCooldownMs: 30_000 },
    encryption: { keyFile: null, keyEnv: 'X12PAS_STORE_KEY' },
    tls: null,
    subscriptions: { retryBaseMs: 1000, retryMaxMs: 300_000, giveUpAfterMs: 86_400_000, timeoutMs: 10_000, pollMs: 500 },
  };
}

type Obj = Record<string, unknown>;

function fail(key: string, msg: string): never {
  throw new ConfigError(`config ${key}: ${msg}`);
}

function known(o: Obj, key: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k) && !k.startsWith('$')) fail(key === '' ? k : `${key}.${k}`, `unknown key (known: ${keys.join(', ')})`);
}
function str(o: Obj, k: string, key: string, def: string): string {
  const v = o[k];
  if (v === undefined) return def;
  if (typeof v !== 'string' || v === '') fail(key, 'must be a non-empty string');
  return v;
}
function int(o: Obj, k: string, key: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = o[k];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(key, `must be an integer from ${min} to ${max}`);
  return v;
}
function oneOf<T extends string>(o: Obj, k: string, key: string, def: T, values: readonly T[]): T {
  const v = o[k];
  if (v === undefined) return def;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(key, `must be one of ${values.join(', ')}`);
  return v as T;
}
function url(o: Obj, k: string, key: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail(key, 'must be an http(s) URL');
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    fail(key, 'must be an http(s) URL');
  }
  return v.replace(/\/+$/, '');
}

/** Checks a parsed config (defaults filled in); throws ConfigError naming the key. */
export function checkConfig(raw: unknown): GatewayConfig {
  const d = defaultConfig();
  if (!isObj(raw)) fail('(root)', 'must be a JSON object');
  known(raw, '', ['port', 'host', 'store', 'syncBudgetMs', 'maxBodyBytes', 'maxJsonDepth', 'headersTimeoutMs', 'requestTimeoutMs', 'rateLimitPerMinute', 'validation', 'pas', 'x12', 'partners', 'upstreams', 'log', 'subscriptions', 'auth', 'encryption', 'tls']);
  const sub = (k: string): Obj => {
    const v = raw[k];
    if (v === undefined) return {};
    if (!isObj(v)) fail(k, 'must be an object');
    return v;
  };
  const validation = sub('validation');
  known(validation, 'validation', ['enabled', 'packages']);
  if (validation.enabled !== undefined && typeof validation.enabled !== 'boolean') fail('validation.enabled', 'must be true or false');
  const upstreams: Record<string, UpstreamConfig> = {};
  const upRaw = raw.upstreams === undefined ? d.upstreams : sub('upstreams');
  for (const [name, u] of Object.entries(upRaw)) {
    const key = `upstreams.${name}`;
    if (!isObj(u)) fail(key, 'must be an object');
    const type = oneOf(u, 'type', `${key}.type`, 'simulator', ['simulator', 'x12-http', 'pas-fhir'] as const);
    const limits: UpstreamLimits = {
      timeoutMs: int(u, 'timeoutMs', `${key}.timeoutMs`, LIMITS.timeoutMs, 1),
      retries: int(u, 'retries', `${key}.retries`, LIMITS.retries, 0, 10),
      concurrency: int(u, 'concurrency', `${key}.concurrency`, LIMITS.concurrency, 1, 10_000),
    };
    const common = ['type', 'timeoutMs', 'retries', 'concurrency'];
    if (type === 'simulator') {
      known(u, key, [...common, 'rules', 'latencyMs']);
      upstreams[name] = { type, rules: u.rules === undefined || u.rules === null ? null : str(u, 'rules', `${key}.rules`, ''), latencyMs: int(u, 'latencyMs', `${key}.latencyMs`, 0, 0), ...limits };
    } else if (type === 'x12-http') {
      known(u, key, [...common, 'url', 'envelope']);
      upstreams[name] = { type, url: url(u, 'url', `${key}.url`), envelope: oneOf(u, 'envelope', `${key}.envelope`, 'raw', ['raw', 'core'] as const), ...limits };
    } else {
      known(u, key, [...common, 'url', 'pasVersion']);
      upstreams[name] = { type, url: url(u, 'url', `${key}.url`), pasVersion: oneOf(u, 'pasVersion', `${key}.pasVersion`, '2.2.1', ['2.2.1', '2.0.1'] as const), ...limits };
    }
  }
  const partners: Record<string, PartnerConfig> = {};
  const pRaw = raw.partners === undefined ? d.partners : sub('partners');
  for (const [name, p] of Object.entries(pRaw)) {
    const key = `partners.${name}`;
    if (!isObj(p)) fail(key, 'must be an object');
    known(p, key, ['upstream', 'senderQualifier', 'sender', 'receiverQualifier', 'receiver', 'usage']);
    const upstream = str(p, 'upstream', `${key}.upstream`, 'simulator');
    if (upstreams[upstream] === undefined) fail(`${key}.upstream`, `names no upstream (known: ${Object.keys(upstreams).join(', ') || 'none'})`);
    const id = (k: string, def: string, len: number): string => {
      const v = str(p, k, `${key}.${k}`, def);
      if (v.length > len || /[*~:^\n\r]/.test(v)) fail(`${key}.${k}`, `must be at most ${len} characters with no X12 delimiter`);
      return v;
    };
    partners[name] = {
      upstream,
      senderQualifier: id('senderQualifier', 'ZZ', 2),
      sender: id('sender', 'X12PAS', 15),
      receiverQualifier: id('receiverQualifier', 'ZZ', 2),
      receiver: id('receiver', 'UMSIMULATOR', 15),
      usage: oneOf(p, 'usage', `${key}.usage`, 'P', ['P', 'T'] as const),
    };
  }
  const pas = sub('pas');
  known(pas, 'pas', ['partner']);
  const pasPartner = str(pas, 'partner', 'pas.partner', Object.keys(partners)[0] ?? 'um');
  if (partners[pasPartner] === undefined) fail('pas.partner', `names no partner (known: ${Object.keys(partners).join(', ') || 'none'})`);
  if (upstreams[partners[pasPartner].upstream]?.type === 'pas-fhir') fail('pas.partner', 'the PAS face needs a partner whose upstream speaks X12 (simulator or x12-http)');
  const x12 = sub('x12');
  known(x12, 'x12', ['partner', 'pasVersion']);
  const x12Partner = x12.partner === undefined || x12.partner === null ? null : str(x12, 'partner', 'x12.partner', '');
  if (x12Partner !== null) {
    const p = partners[x12Partner];
    if (p === undefined) fail('x12.partner', `names no partner (known: ${Object.keys(partners).join(', ')})`);
    if (upstreams[p.upstream]?.type !== 'pas-fhir') fail('x12.partner', 'the X12 face needs a partner whose upstream is a PAS FHIR base (type pas-fhir)');
  }
  const log = sub('log');
  known(log, 'log', ['level']);
  const subs = sub('subscriptions');
  const ds = d.subscriptions;
  known(subs, 'subscriptions', Object.keys(ds));
  const subscriptions = {
    retryBaseMs: int(subs, 'retryBaseMs', 'subscriptions.retryBaseMs', ds.retryBaseMs, 1),
    retryMaxMs: int(subs, 'retryMaxMs', 'subscriptions.retryMaxMs', ds.retryMaxMs, 1),
    giveUpAfterMs: int(subs, 'giveUpAfterMs', 'subscriptions.giveUpAfterMs', ds.giveUpAfterMs, 1),
    timeoutMs: int(subs, 'timeoutMs', 'subscriptions.timeoutMs', ds.timeoutMs, 1),
    pollMs: int(subs, 'pollMs', 'subscriptions.pollMs', ds.pollMs, 10),
  };
  const headersTimeoutMs = int(raw, 'headersTimeoutMs', 'headersTimeoutMs', d.headersTimeoutMs, 100);
  const requestTimeoutMs = int(raw, 'requestTimeoutMs', 'requestTimeoutMs', d.requestTimeoutMs, 100);
  if (headersTimeoutMs > requestTimeoutMs) fail('headersTimeoutMs', 'must not exceed requestTimeoutMs');
  const enc = sub('encryption');
  known(enc, 'encryption', ['keyFile', 'keyEnv']);
  const optStr = (o: Obj, k: string, key: string, def: string | null): string | null => (o[k] === undefined ? def : o[k] === null ? null : str(o, k, key, ''));
  const auth = sub('auth');
  known(auth, 'auth', ['required', 'tokenLifetimeSeconds', 'tokenUrl', 'jwksCooldownMs']);
  let tls: TlsSettings | null = null;
  if (raw.tls !== undefined && raw.tls !== null) {
    const t = sub('tls');
    known(t, 'tls', ['certFile', 'keyFile', 'clientCaFile']);
    if (t.certFile === undefined || t.keyFile === undefined) fail('tls', 'needs certFile and keyFile');
    tls = { certFile: str(t, 'certFile', 'tls.certFile', ''), keyFile: str(t, 'keyFile', 'tls.keyFile', ''), clientCaFile: optStr(t, 'clientCaFile', 'tls.clientCaFile', null) };
  }
  if (auth.required !== undefined && typeof auth.required !== 'boolean') fail('auth.required', 'must be true or false');
  return {
    port: int(raw, 'port', 'port', d.port, 0, 65535),
    host: str(raw, 'host', 'host', d.host),
    store: str(raw, 'store', 'store', d.store),
    syncBudgetMs: int(raw, 'syncBudgetMs', 'syncBudgetMs', d.syncBudgetMs, 1),
    maxBodyBytes: int(raw, 'maxBodyBytes', 'maxBodyBytes', d.maxBodyBytes, 1024),
    maxJsonDepth: int(raw, 'maxJsonDepth', 'maxJsonDepth', d.maxJsonDepth, 16, 10_000),
    headersTimeoutMs,
    requestTimeoutMs,
    rateLimitPerMinute: int(raw, 'rateLimitPerMinute', 'rateLimitPerMinute', d.rateLimitPerMinute, 0),
    validation: {
      enabled: (validation.enabled as boolean | undefined) ?? true,
      packages: validation.packages === undefined || validation.packages === null ? null : str(validation, 'packages', 'validation.packages', ''),
    },
    pas: { partner: pasPartner },
    x12: { partner: x12Partner, pasVersion: oneOf(x12, 'pasVersion', 'x12.pasVersion', '2.2.1', ['2.2.1', '2.0.1'] as const) },
    partners,
    upstreams,
    log: { level: oneOf(log, 'level', 'log.level', 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const) },
    subscriptions,
    encryption: { keyFile: optStr(enc, 'keyFile', 'encryption.keyFile', null), keyEnv: optStr(enc, 'keyEnv', 'encryption.keyEnv', d.encryption.keyEnv) },
    auth: {
      required: (auth.required as boolean | undefined) ?? d.auth.required,
      tokenLifetimeSeconds: int(auth, 'tokenLifetimeSeconds', 'auth.tokenLifetimeSeconds', d.auth.tokenLifetimeSeconds, 1, 3600),
      tokenUrl: auth.tokenUrl === undefined || auth.tokenUrl === null ? null : url(auth, 'tokenUrl', 'auth.tokenUrl'),
      jwksCooldownMs: int(auth, 'jwksCooldownMs', 'auth.jwksCooldownMs', d.auth.jwksCooldownMs, 0, 3_600_000),
    },
    tls,
  };
}

/** Reads and checks a config file. */
export function loadConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config ${file}: not JSON: ${(e as Error).message}`);
  }
  return checkConfig(raw);
}
