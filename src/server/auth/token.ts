/**
 * The SMART Backend Services token endpoint: `client_credentials` with a JWT client assertion
 * (RS384 or ES384) signed by a key of the client's registered JWKS (or JWKS URL). The assertion's
 * iss and sub are the client id, aud this endpoint, exp within five minutes, jti never seen before.
 * The answer is a short-lived opaque access token (kept in the store by its hash).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Gateway } from '../gateway.js';
import { grant } from './scopes.js';
import { certificateMatches, type PeerCertificate } from './mtls.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The assertion may not live longer than this (SMART: five minutes). */
const MAX_ASSERTION_SECONDS = 300;

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Who asked (for the audit), when it is known. */
  client: string;
}

const oauthError = (status: number, error: string, description: string, client = 'unknown'): TokenAnswer => ({ status, body: { error, error_description: description }, client });

export const hashToken = (t: string): string => createHash('sha256').update(t).digest('hex');

/** Each gateway's fetched JWKS by URL (jose caches the keys, refetches on an unknown kid at most once per cooldown). */
const remoteSets = new WeakMap<Gateway, Map<string, JWTVerifyGetKey>>();

function remoteKeys(g: Gateway, url: string): JWTVerifyGetKey {
  let sets = remoteSets.get(g);
  if (sets === undefined) remoteSets.set(g, (sets = new Map()));
  let keys = sets.get(url);
  if (keys === undefined) sets.set(url, (keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: g.config.auth.jwksCooldownMs })));
  return keys;
}

/** Why an assertion was not verified, in words a client can act on (no key material, no URL content). */
function whyRefused(e: unknown, remote: boolean): string {
  if (e instanceof errors.JWTExpired) return 'the assertion has expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `the assertion's ${e.claim} is wrong`;
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWSSignatureVerificationFailed) return 'the assertion is not signed by a registered key';
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the assertion must be signed with RS384 or ES384';
  if (remote && e instanceof errors.JWKSTimeout) return "the client's JWKS URL did not answer in time";
  // A refused connection (fetch's TypeError), a non-200 answer (jose's generic error) or a body that is no JWKS.
  if (remote && (e instanceof TypeError || e instanceof errors.JWKSInvalid || (e instanceof errors.JOSEError && e.code === 'ERR_JOSE_GENERIC'))) return "the client's JWKS URL could not be read";
  return 'the assertion could not be verified';
}

/** `peer`: the request's verified TLS client certificate (a client registered for mutual TLS must present its own). */
export async function issueToken(g: Gateway, form: URLSearchParams, tokenUrl: string, peer: PeerCertificate | null = null): Promise<TokenAnswer> {
  if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  if (form.get('client_assertion_type') !== ASSERTION_TYPE) return oauthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
  const assertion = form.get('client_assertion');
  if (assertion === null || assertion === '') return oauthError(400, 'invalid_request', 'client_assertion is required');
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    return oauthError(400, 'invalid_request', 'client_assertion is not a JWT');
  }
  const client = typeof iss === 'string' ? g.store.getClient(iss) : null;
  if (client === null) return oauthError(401, 'invalid_client', 'the client is not registered');
  if (client.mtls && !certificateMatches(client.mtls, peer)) {
    g.log.warn('token refused', { client: client.id, reason: 'no matching client certificate' });
    return oauthError(401, 'invalid_client', 'this client must present its registered TLS client certificate', client.id);
  }
  let keys: JWTVerifyGetKey;
  try {
    if (client.jwks !== null) keys = createLocalJWKSet(JSON.parse(client.jwks));
    else keys = remoteKeys(g, client.jwksUrl!);
  } catch {
    return oauthError(401, 'invalid_client', 'the client has no usable keys', client.id);
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, keys, {
      algorithms: ['RS384', 'ES384'],
      issuer: client.id,
      subject: client.id,
      audience: tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: 30,
    }));
  } catch (e) {
    const why = whyRefused(e, client.jwks === null);
    g.log.warn('token refused', { client: client.id, reason: why });
    return oauthError(401, 'invalid_client', why, client.id);
  }
  const nowS = Math.floor(Date.now() / 1000);
  if (payload.exp! > nowS + MAX_ASSERTION_SECONDS + 30) return oauthError(401, 'invalid_client', 'the assertion may live at most five minutes', client.id);
  if (typeof payload.jti !== 'string' || payload.jti === '') return oauthError(401, 'invalid_client', 'the assertion needs a jti', client.id);
  if (!g.store.useAssertion(client.id, payload.jti, (payload.exp! + 60) * 1000, Date.now())) {
    g.log.warn('token refused', { client: client.id, reason: 'jti replayed' });
    return oauthError(401, 'invalid_client', 'the assertion was used before (jti)', client.id);
  }
  const requested = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
  const scopes = grant(requested, client.scopes);
  if (scopes.length === 0) return oauthError(400, 'invalid_scope', `none of the requested scopes is allowed to this client`, client.id);
  const token = randomBytes(32).toString('base64url');
  const lifetime = g.config.auth.tokenLifetimeSeconds;
  g.store.saveToken(hashToken(token), { clientId: client.id, scopes, expiresAt: Date.now() + lifetime * 1000 }, Date.now());
  return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime, scope: scopes.join(' ') }, client: client.id };
}
