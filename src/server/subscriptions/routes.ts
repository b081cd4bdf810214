/** `Subscription` on each PAS base: create, read, update, delete, list, `$status`. */
import { randomUUID } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { isPasVersion, type PasVersion } from '../../pas/versions.js';
import type { SubscriptionFields, SubscriptionRecord } from '../../store/types.js';
import type { Gateway } from '../gateway.js';
import { FHIR_JSON, operationOutcome, type HttpAnswer } from '../outcome.js';
import { notificationBundle, subscriptionStatus } from './notification.js';
import { readSubscription, shownSubscription } from './resource.js';
import { parseJson } from '../pas/parse.js';

const send = (c: Context, a: HttpAnswer, headers: Record<string, string> = {}): Response => c.body(a.body, a.status as 200, { 'content-type': a.contentType, ...headers });
const json = (status: number, r: unknown): HttpAnswer => ({ status, contentType: FHIR_JSON, body: JSON.stringify(r) });
const notFound = (id: string): HttpAnswer => operationOutcome(404, [{ code: 'not-found', text: `no Subscription/${id} here` }]);

/**
 * Registers the Subscription routes. `owner` names the calling client ('' when clients do not
 * authenticate); a client sees only its own subscriptions (another's id answers 404).
 */
export function subscriptionRoutes(app: Hono, g: Gateway, owner: (c: Context) => string, guard: { read: MiddlewareHandler; write: MiddlewareHandler; limit: MiddlewareHandler }): void {
  const version = (c: Context): PasVersion | null => {
    const v = c.req.param('version');
    return v !== undefined && isPasVersion(v) ? v : null;
  };
  const base = (c: Context, v: PasVersion): string => new URL(`/fhir/${v}`, c.req.url).href;
  const own = (c: Context): { v: PasVersion; rec: SubscriptionRecord } | HttpAnswer => {
    c.set('op' as never, 'Subscription' as never);
    const v = version(c);
    const id = c.req.param('id') ?? '';
    const rec = v === null ? null : g.store.getSubscription(id);
    if (v === null || rec === null || rec.pasVersion !== v || (rec.owner !== owner(c) && owner(c) !== '')) return notFound(id);
    return { v, rec };
  };
  const shown = (rec: SubscriptionRecord): Record<string, unknown> => shownSubscription(rec.resource, rec.id, rec.status, rec.error);
  const body = async (c: Context): Promise<{ fields: Omit<SubscriptionFields, 'pasVersion' | 'base' | 'owner'>; off: boolean } | HttpAnswer> => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/fhir+json' && type !== 'application/json') return operationOutcome(415, [{ code: 'not-supported', text: 'the body must be application/fhir+json' }]);
    const parsed = parseJson(await c.req.text(), g.config.maxJsonDepth);
    if ('answer' in parsed) return parsed.answer;
    const r = readSubscription(parsed.value);
    if ('issues' in r) return operationOutcome(400, r.issues);
    const { status: _s, id: _i, ...resource } = r.sub.resource;
    return { fields: { orgIdentifier: r.sub.orgIdentifier, endpoint: r.sub.endpoint, headers: r.sub.headers, heartbeatSeconds: r.sub.heartbeatSeconds, resource: JSON.stringify(resource) }, off: r.sub.off };
  };
  /** The handshake, queued like any notification: its delivery makes the subscription active. */
  const handshake = (rec: SubscriptionRecord): void => {
    g.store.enqueue(rec.id, 'handshake', null, Date.now(), (n, count) => notificationBundle(rec, 'handshake', n, count, null));
    g.deliveries.kick();
  };

  app.post('/fhir/:version/Subscription', guard.write, guard.limit, async (c) => {
    c.set('op' as never, 'Subscription' as never);
    const v = version(c);
    if (v === null) return send(c, operationOutcome(404, [{ code: 'not-found', text: 'PAS bases: /fhir/2.2.1 and /fhir/2.0.1' }]));
    const b = await body(c);
    if ('status' in b) return send(c, b);
    const id = randomUUID();
    g.store.createSubscription(id, { ...b.fields, pasVersion: v, base: base(c, v), owner: owner(c) });
    if (b.off) g.store.setSubscriptionStatus(id, 'off', null);
    const rec = g.store.getSubscription(id)!;
    if (!b.off) handshake(rec);
    g.store.audit({ who: owner(c) || 'anonymous', kind: 'subscription.create', outcome: rec.status, bytesIn: 0, bytesOut: 0 });
    return send(c, json(201, shown(rec)), { location: `${base(c, v)}/Subscription/${id}` });
  });
  app.get('/fhir/:version/Subscription', guard.read, (c) => {
    c.set('op' as never, 'Subscription' as never);
    const v = version(c);
    if (v === null) return send(c, operationOutcome(404, [{ code: 'not-found', text: 'PAS bases: /fhir/2.2.1 and /fhir/2.0.1' }]));
    const subs = g.store.listSubscriptions(owner(c)).filter((s) => s.pasVersion === v);
    return send(c, json(200, { resourceType: 'Bundle', type: 'searchset', total: subs.length, entry: subs.map((s) => ({ fullUrl: `${s.base}/Subscription/${s.id}`, resource: shown(s), search: { mode: 'match' } })) }));
  });
  app.get('/fhir/:version/Subscription/:id', guard.read, (c) => {
    const o = own(c);
    return 'status' in o ? send(c, o) : send(c, json(200, shown(o.rec)));
  });
  app.get('/fhir/:version/Subscription/:id/$status', guard.read, (c) => {
    const o = own(c);
    if ('status' in o) return send(c, o);
    const st = subscriptionStatus(o.rec, o.rec.status, 'query-status', o.rec.eventCount);
    return send(c, json(200, { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: st, search: { mode: 'match' } }] }));
  });
  app.put('/fhir/:version/Subscription/:id', guard.write, guard.limit, async (c) => {
    const o = own(c);
    if ('status' in o) return send(c, o);
    const b = await body(c);
    if ('status' in b) return send(c, b);
    const prev = o.rec;
    // A new endpoint (or a subscription in error switched back on) starts over with a handshake.
    const restart = !b.off && (prev.endpoint !== b.fields.endpoint || prev.status === 'error' || prev.status === 'off');
    const status = b.off ? 'off' : restart ? 'requested' : prev.status;
    g.store.updateSubscription(prev.id, { ...b.fields, pasVersion: prev.pasVersion, base: prev.base, owner: prev.owner }, status);
    const rec = g.store.getSubscription(prev.id)!;
    if (restart) handshake(rec);
    return send(c, json(200, shown(rec)));
  });
  app.delete('/fhir/:version/Subscription/:id', guard.write, (c) => {
    const o = own(c);
    if ('status' in o) return send(c, o);
    g.store.deleteSubscription(o.rec.id);
    g.store.audit({ who: owner(c) || 'anonymous', kind: 'subscription.delete', outcome: 'deleted', bytesIn: 0, bytesOut: 0 });
    return c.body(null, 204);
  });
}
