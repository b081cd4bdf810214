/**
 * The guard of every PAS and X12 endpoint. When `auth.required`: a bearer access token from the
 * token endpoint, not expired, whose scopes cover the operation; 401 without a valid token, 403
 * when a scope is missing (the PAS face answers with one OperationOutcome, the X12 face in text).
 * The client id is set on the context (`client`) for ownership. Then the rate limit per client
 * (per remote address when auth is off): 429 with Retry-After. Calls made in process (the X12
 * face's call to this gateway's PAS face) were counted when they came in.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Gateway } from '../gateway.js';
import { operationOutcome } from '../outcome.js';
import { hashToken } from './token.js';
import { permits } from './scopes.js';
import { RateLimiter } from './rate-limit.js';
import { certificateMatches, peerCertificate } from './mtls.js';

const limiters = new WeakMap<Gateway, RateLimiter>();
const remoteAddress = (c: Context): string | null => {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming === undefined ? null : (incoming.socket?.remoteAddress ?? 'unknown');
};

/** The authenticated client of a request ('' when auth is off). */
export const clientOf = (c: Context): string => (c.get('client' as never) as string | undefined) ?? '';

export function requireScope(g: Gateway, scope: string | ((c: Context) => string)): MiddlewareHandler {
  return async (c, next) => {
    const address = remoteAddress(c);
    const limited = (key: string): Response | null => {
      const perMinute = g.config.rateLimitPerMinute;
      if (perMinute === 0 || address === null) return null;
      let l = limiters.get(g);
      if (l === undefined) limiters.set(g, (l = new RateLimiter(perMinute)));
      const wait = l.take(key, Date.now());
      if (wait === 0) return null;
      c.set('outcome' as never, 'rate-limited' as never);
      const text = 'too many requests; retry later';
      const headers = { 'retry-after': String(Math.ceil(wait / 1000)) };
      if (!c.req.path.startsWith('/fhir/')) return c.text(`${text}\n`, 429, headers);
      const oo = operationOutcome(429, [{ code: 'throttled', text }]);
      return c.body(oo.body, 429, { 'content-type': oo.contentType, ...headers });
    };
    if (!g.config.auth.required) return limited(`address:${address ?? ''}`) ?? next();
    const needed = typeof scope === 'string' ? scope : scope(c);
    const refuse = (status: 401 | 403, error: string, text: string): Response => {
      c.set('outcome' as never, status === 401 ? 'unauthenticated' : 'forbidden' as never);
      const www = `Bearer error="${error}"${status === 403 ? `, scope="${needed}"` : ''}`;
      if (c.req.path.startsWith('/fhir/')) {
        const oo = operationOutcome(status, [{ code: status === 401 ? 'login' : 'forbidden', text }]);
        return c.body(oo.body, status, { 'content-type': oo.contentType, 'www-authenticate': www });
      }
      return c.text(`${text}\n`, status, { 'www-authenticate': www });
    };
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (m === null) return refuse(401, 'invalid_request', 'a bearer access token is required');
    const t = g.store.getToken(hashToken(m[1]!));
    if (t === null || t.expiresAt <= Date.now()) return refuse(401, 'invalid_token', 'the access token is unknown or expired');
    const client = g.store.getClient(t.clientId);
    if (client === null) return refuse(401, 'invalid_token', 'the client is no longer registered');
    if (client.mtls && !certificateMatches(client.mtls, peerCertificate(c))) return refuse(401, 'invalid_token', "this client's tokens are accepted only over TLS with its registered client certificate");
    if (!permits(t.scopes, needed)) return refuse(403, 'insufficient_scope', `this needs the scope ${needed}`);
    c.set('client' as never, t.clientId as never);
    return limited(`client:${t.clientId}`) ?? next();
  };
}
