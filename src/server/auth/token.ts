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

const remoteSets = new Map<string, JWTVerifyGetKey>();

export async function issueToken(g: Gateway, form: URLSearchParams, tokenUrl: string): Promise<TokenAnswer> {
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
  let keys: JWTVerifyGetKey;
  try {
    if (client.jwks !== null) keys = createLocalJWKSet(JSON.parse(client.jwks));
    else {
      const url = client.jwksUrl!;
      keys = remoteSets.get(url) ?? createRemoteJWKSet(new URL(url), { timeoutDuration: 5000 });
      remoteSets.set(url, keys);
    }
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
    const why =
      e instanceof errors.JWTExpired ? 'the assertion has expired'
      : e instanceof errors.JWTClaimValidationFailed ? `the assertion's ${e.claim} is wrong`
      : e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWSSignatureVerificationFailed ? 'the assertion is not signed by a registered key'
      : e instanceof errors.JOSEAlgNotAllowed ? 'the assertion must be signed with RS384 or ES384'
      : 'the assertion could not be verified';
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
