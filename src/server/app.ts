import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isPasVersion, type PasVersion } from '../pas/versions.js';
import { sha256 } from './answers.js';
import { buildCore, CoreEnvelopeError, parseCore, PAYLOAD, SOAP_CONTENT_TYPE } from './core-envelope.js';
import type { Gateway } from './gateway.js';
import { operationOutcome, type HttpAnswer } from './outcome.js';
import { capabilityStatement } from './pas/metadata.js';
import { inquire } from './pas/inquire.js';
import { applyResponseText, submit } from './pas/submit.js';
import { UpstreamError } from './upstream/types.js';
import { x12Face, type PasCall } from './x12-face.js';
import { subscriptionRoutes } from './subscriptions/routes.js';
import { clientOf, requireScope } from './auth/guard.js';
import { SCOPES } from './auth/scopes.js';
import { issueToken } from './auth/token.js';
import { PEER_ENV, peerCertificate, type PeerCertificate } from './auth/mtls.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const FHIR_TYPES = ['application/fhir+json', 'application/json'];
const X12_TYPES = ['application/edi-x12', 'text/plain'];

const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['cross-origin-resource-policy', 'same-origin'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
];

const mediaType = (c: Context): string => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
const send = (c: Context, a: HttpAnswer): Response => c.body(a.body, a.status as 200, { 'content-type': a.contentType });

/**
 * The gateway's HTTP app: the PAS face (one base per version), the X12 face, /healthz, /metrics.
 * Handlers are thin: they read the body and hand it to the face's function.
 */
export function createApp(g: Gateway): Hono {
  const app = new Hono();

  // One log line and one metric per request: face, operation, status, time, sizes (no content).
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const path = c.req.path;
    const face = path.startsWith('/fhir/') ? 'pas' : path.startsWith('/x12/') ? 'x12' : 'admin';
    const op = c.get('op' as never) ?? (path === '/healthz' || path === '/metrics' ? path : 'other');
    const seconds = (performance.now() - started) / 1000;
    const outcome = (c.get('outcome' as never) as string | undefined) ?? String(c.res.status);
    g.metrics.requests.inc({ face, operation: String(op), status: String(c.res.status), outcome });
    g.metrics.latency.observe({ face, operation: String(op) }, seconds);
    if (face !== 'admin') g.log.info('request', { face, operation: String(op), status: c.res.status, outcome, ms: Math.round(seconds * 1000), bytesIn: Number(c.req.header('content-length') ?? 0) });
  });

  // Security headers on every answer; nothing but metadata may be cached. Set before the handler
  // (changing a finished response's headers costs a copy of it).
  app.use('*', async (c, next) => {
    for (const [k, v] of SECURITY_HEADERS) c.header(k, v);
    if (!c.req.path.endsWith('/metadata')) c.header('cache-control', 'no-store');
    await next();
  });

  app.get('/healthz', (c) => {
    const s = g.store.stats();
    return c.json({ status: 'ok', store: { submissions: s.submissions }, validation: g.validationOff === null ? 'on' : `off: ${g.validationOff}`, upstream: g.umPartner.upstream.name });
  });
  app.get('/metrics', (c) => c.body(g.metrics.expose(), 200, { 'content-type': 'text/plain; version=0.0.4' }));

  const limit = bodyLimit({
    maxSize: g.config.maxBodyBytes,
    onError: (c) => {
      c.set('outcome' as never, 'too-large' as never);
      return c.req.path.startsWith('/fhir/')
        ? send(c, operationOutcome(413, [{ code: 'too-costly', text: `the body is larger than ${g.config.maxBodyBytes} bytes` }]))
        : c.text(`the body is larger than ${g.config.maxBodyBytes} bytes\n`, 413);
    },
  });

  const pasVersionOf = (c: Context): PasVersion | null => {
    const v = c.req.param('version');
    return v !== undefined && isPasVersion(v) ? v : null;
  };

  app.get('/fhir/:version/metadata', (c) => {
    const v = pasVersionOf(c);
    if (v === null) return send(c, operationOutcome(404, [{ code: 'not-found', text: 'PAS bases: /fhir/2.2.1 and /fhir/2.0.1' }]));
    return c.json(capabilityStatement(v, new URL(`/fhir/${v}`, c.req.url).href, VERSION), 200, { 'content-type': 'application/fhir+json' });
  });

  const pasOperation = (operation: '$submit' | '$inquire') => async (c: Context) => {
    c.set('op' as never, operation as never);
    const v = pasVersionOf(c);
    if (v === null) return send(c, operationOutcome(404, [{ code: 'not-found', text: 'PAS bases: /fhir/2.2.1 and /fhir/2.0.1' }]));
    if (!FHIR_TYPES.includes(mediaType(c))) {
      c.set('outcome' as never, 'wrong-content-type' as never);
      return send(c, operationOutcome(415, [{ code: 'not-supported', text: `the body must be ${FHIR_TYPES.join(' or ')}, not ${JSON.stringify(c.req.header('content-type') ?? '')}` }]));
    }
    const text = await c.req.text();
    const client = g.config.auth.required ? clientOf(c) : null;
    const r = operation === '$submit' ? await submit(g, v, text, client) : await inquire(g, v, text, client);
    g.store.audit({ who: client ?? r.submitter, kind: `pas.${operation}`, outcome: r.outcome, bytesIn: Buffer.byteLength(text), bytesOut: Buffer.byteLength(r.answer.body), sha256In: sha256(text), sha256Out: sha256(r.answer.body) });
    c.set('outcome' as never, r.outcome as never);
    return send(c, r.answer);
  };
  app.post('/fhir/:version/Claim/$submit', requireScope(g, SCOPES.submit), limit, pasOperation('$submit'));
  app.post('/fhir/:version/Claim/$inquire', requireScope(g, SCOPES.inquire), limit, pasOperation('$inquire'));
  subscriptionRoutes(app, g, clientOf, { read: requireScope(g, SCOPES.subscriptionRead), write: requireScope(g, SCOPES.subscriptionWrite), limit });

  // SMART Backend Services: the token endpoint and its discovery document on each base.
  const tokenUrl = (c: Context): string => g.config.auth.tokenUrl ?? new URL('/auth/token', c.req.url).href;
  app.post('/auth/token', limit, async (c) => {
    c.set('op' as never, 'token' as never);
    if (mediaType(c) !== 'application/x-www-form-urlencoded') return c.json({ error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' }, 400);
    const r = await issueToken(g, new URLSearchParams(await c.req.text()), tokenUrl(c), peerCertificate(c));
    g.store.audit({ who: r.client, kind: 'auth.token', outcome: r.status === 200 ? 'issued' : String(r.body.error), bytesIn: 0, bytesOut: 0 });
    c.set('outcome' as never, (r.status === 200 ? 'issued' : String(r.body.error)) as never);
    return c.json(r.body, r.status as 200, { 'cache-control': 'no-store', pragma: 'no-cache' });
  });
  app.get('/fhir/:version/.well-known/smart-configuration', (c) =>
    c.json({
      token_endpoint: tokenUrl(c),
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      scopes_supported: [...new Set(Object.values(SCOPES))],
      capabilities: ['client-confidential-asymmetric'],
    }),
  );

  // The X12 face calls the configured payer's PAS base, or this app's own PAS face in process.
  // In process, the caller's own token (and TLS client certificate) goes along: the PAS face checks it and keeps the client's ownership.
  const callAs = (authorization: string | undefined, peer: PeerCertificate | null): PasCall => async (operation, pasVersion, body) => {
    if (g.pasUpstream !== null) return g.pasUpstream.call(operation, body);
    const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const res = await app.request(`/fhir/${pasVersion}/Claim/${operation}`, { method: 'POST', body: JSON.stringify(body), headers }, { [PEER_ENV]: peer });
    if (res.status >= 500) throw new UpstreamError(`the PAS face answered ${res.status}`, res.status === 504);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  app.post('/x12/278', requireScope(g, SCOPES.x12), limit, async (c) => {
    const call = callAs(c.req.header('authorization'), peerCertificate(c));
    const type = mediaType(c);
    const text = await c.req.text();
    if (type === SOAP_CONTENT_TYPE || type === 'application/xml' || type === 'text/xml') {
      c.set('op' as never, 'core' as never);
      let m;
      try {
        m = parseCore(text);
      } catch (e) {
        if (!(e instanceof CoreEnvelopeError)) throw e;
        c.set('outcome' as never, 'bad-envelope' as never);
        return c.body(buildCore({ kind: 'response', payloadType: PAYLOAD.response278, senderId: 'x12pas', receiverId: 'unknown', payload: '', errorCode: 'EnvelopeError', errorMessage: e.message }), 400, { 'content-type': SOAP_CONTENT_TYPE });
      }
      if (m.payloadType !== PAYLOAD.request278 && m.payloadType !== PAYLOAD.response278) {
        c.set('outcome' as never, 'bad-payload-type' as never);
        return c.body(buildCore({ kind: 'response', payloadType: m.payloadType, senderId: m.receiverId, receiverId: m.senderId, payload: '', payloadId: m.payloadId, errorCode: 'PayloadTypeIncorrect', errorMessage: `payload type ${m.payloadType} is not taken here` }), 400, { 'content-type': SOAP_CONTENT_TYPE });
      }
      const r = await x12Face(g, m.payload, call);
      audit(r.sender, 'x12.core', r.outcome, text, r.acks + r.responses);
      c.set('outcome' as never, r.outcome as never);
      if (r.status !== 200) return c.body(null, r.status as 502);
      const payloadType = r.responses !== '' ? PAYLOAD.response278 : /\bTA1\*/.test(r.acks) && !/\bST\*999/.test(r.acks) ? PAYLOAD.ta1 : PAYLOAD.ack999;
      const xml = buildCore({ kind: 'response', payloadType, senderId: m.receiverId, receiverId: m.senderId, payloadId: m.payloadId, payload: r.responses !== '' ? r.responses : r.acks });
      return c.body(xml, 200, { 'content-type': `${SOAP_CONTENT_TYPE}; charset=utf-8` });
    }
    c.set('op' as never, 'raw' as never);
    if (!X12_TYPES.includes(type)) {
      c.set('outcome' as never, 'wrong-content-type' as never);
      return c.text(`the body must be application/edi-x12 or ${SOAP_CONTENT_TYPE} (CAQH CORE)\n`, 415);
    }
    const r = await x12Face(g, text, call);
    audit(r.sender, 'x12.raw', r.outcome, text, r.acks + r.responses);
    c.set('outcome' as never, r.outcome as never);
    if (r.status !== 200) return c.body(null, r.status as 502);
    return c.body(r.acks + r.responses, 200, { 'content-type': 'application/edi-x12' });
  });

  const audit = (who: string, kind: string, outcome: string, input: string, output: string): void =>
    g.store.audit({ who, kind, outcome, bytesIn: Buffer.byteLength(input), bytesOut: Buffer.byteLength(output), sha256In: sha256(input), sha256Out: sha256(output) });

  app.notFound((c) => (c.req.path.startsWith('/fhir/') ? send(c, operationOutcome(404, [{ code: 'not-found', text: `no ${c.req.method} ${c.req.path} here` }])) : c.text('not found\n', 404)));
  app.onError((err, c) => {
    g.log.error('internal error', { path: c.req.path, error: err.message });
    return c.body(null, 500);
  });

  g.onUnsolicited = async (x12, from) => {
    applyResponseText(g, x12, `unsolicited:${from}`);
  };
  return app;
}
