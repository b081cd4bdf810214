/**
 * Pended to decided, with PAS subscriptions over real HTTP: the gateway on a free port, its built-in
 * UM simulator pending then deciding, a real receiver server as the subscriber's rest-hook endpoint,
 * the delivery queue in a real SQLite file (kept across a restart).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { PAS_TOPIC } from '../../src/server/subscriptions/resource.js';
import { notificationType, startReceiver, type Receiver } from './receiver.js';
import { claimResponse, itemActions, postJson, sampleBundle, testGateway, waitFor, type TestGateway } from './support.js';

const REQUESTER = '1578902342'; // the requester NPI (2010B) of samples/referral-request.x12
const dir = mkdtempSync(join(tmpdir(), 'x12pas-subs-'));
const rules = join(dir, 'rules.json');
writeFileSync(rules, JSON.stringify({ rules: [{ when: { diagnoses: ['R938'] }, then: { decision: 'A4', later: 'A1', laterMs: 150 } }], default: { decision: 'A1' } }));
const config = (store: string, subs: Record<string, number> = {}) => ({
  store: join(dir, store),
  upstreams: { simulator: { type: 'simulator', rules } },
  subscriptions: { retryBaseMs: 100, pollMs: 50, ...subs },
});

let rx: Receiver;
let g: TestGateway;
beforeAll(async () => {
  rx = await startReceiver();
  g = await testGateway(config('main.db'));
});
afterAll(async () => {
  await g?.stop();
  await rx?.close();
  rmSync(dir, { recursive: true, force: true });
});

function subscription(endpoint: string, filter = `orgIdentifier=${REQUESTER}`, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'pended decisions for my organization',
    criteria: PAS_TOPIC,
    _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: filter }] },
    channel: {
      type: 'rest-hook',
      endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'full-resource' }] },
      header: ['Authorization: Bearer subscriber-secret'],
    },
    ...over,
  };
}

const pendedBundle = () => sampleBundle('referral-request', '2.2.1', [['M5416', 'R938']]);
const store = (t: TestGateway = g) => t.gateway.store as SqliteStore;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function subscribe(t: TestGateway, path: string, filter?: string): Promise<string> {
  const r = await postJson(`${t.url}/fhir/2.2.1/Subscription`, subscription(`${rx.url}${path}`, filter));
  expect(r.status).toBe(201);
  const id = r.json().id as string;
  // The handshake reaches the endpoint; the subscription turns active.
  await waitFor(() => (store(t).getSubscription(id)?.status === 'active' ? true : null), 5000);
  return id;
}

describe('pended to decided, notified', () => {
  it('a pended submission, then the UM decision: ONE notification to the subscriber, the history bundle with SubscriptionStatus then the final Response Bundle; another organization gets nothing', async () => {
    const mine = await subscribe(g, '/mine');
    await subscribe(g, '/other', 'org-identifier=1999999992');
    const hs = rx.received.find((x) => x.path === '/mine')!;
    expect(notificationType(hs.body)).toBe('handshake');
    expect(hs.headers.authorization).toBe('Bearer subscriber-secret');
    expect(hs.headers['content-type']).toContain('application/fhir+json');

    const bundle = pendedBundle();
    const r = await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, bundle);
    expect(r.status).toBe(200);
    expect(itemActions(r.json())).toEqual(['A4']);
    const [n] = await waitFor(() => (rx.events('/mine').length > 0 ? rx.events('/mine') : null), 8000);
    // Nothing more comes: one decision, one notification; the other organization's subscriber got none.
    await sleep(600);
    expect(rx.events('/mine')).toHaveLength(1);
    expect(rx.events('/other')).toHaveLength(0);

    const b = n!.body;
    expect(b.resourceType).toBe('Bundle');
    expect(b.type).toBe('history');
    expect(b.entry).toHaveLength(2);
    const status = b.entry[0].resource;
    expect(status.resourceType).toBe('Parameters');
    const param = (name: string) => status.parameter.find((p: any) => p.name === name);
    expect(param('topic').valueCanonical).toBe(PAS_TOPIC);
    expect(param('subscription').valueReference.reference).toBe(`${g.url}/fhir/2.2.1/Subscription/${mine}`);
    expect(param('events-since-subscription-start').valueString).toBe('1');
    const ev = param('notification-event').part;
    expect(ev.find((p: any) => p.name === 'event-number').valueString).toBe('1');
    expect(ev.find((p: any) => p.name === 'focus').valueReference.reference).toBe(b.entry[1].fullUrl);
    // The final Response Bundle: the item is now certified, as stored for the submission.
    const final = b.entry[1].resource;
    expect(final.resourceType).toBe('Bundle');
    expect(itemActions(final)).toEqual(['A1']);
    expect(claimResponse(final).outcome).toBe('complete');
    const rec = store().findByTraces([], (bundle as any).identifier.value)!;
    expect(JSON.parse(rec.answer!.body)).toEqual(final);
    expect(store().getSubscription(mine)!.eventCount).toBe(1);
    const delivered = store().rows("SELECT state, attempts FROM deliveries WHERE subscription_id = ? AND kind = 'event-notification'", mine);
    expect(delivered).toEqual([{ state: 'done', attempts: 1 }]);
  });

  it('a receiver that fails twice gets the notification on the third try (backoff), the same event each time', async () => {
    let failures = 0;
    rx.answer = (path, body, nth) => (path === '/flaky' && notificationType(body) === 'event-notification' && nth <= 2 ? (failures++, 503) : 200);
    await subscribe(g, '/flaky');
    await postJson(`${g.url}/fhir/2.2.1/Claim/$submit`, pendedBundle());
    await waitFor(() => (rx.events('/flaky').filter((x) => x.status === 200).length > 0 ? true : null), 8000);
    const tries = rx.events('/flaky');
    expect(tries.map((t) => t.status)).toEqual([503, 503, 200]);
    expect(failures).toBe(2);
    expect(new Set(tries.map((t) => JSON.stringify(t.body))).size).toBe(1);
    // Backoff: the second wait is longer than the first (100 ms, then 200 ms).
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(190);
    rx.answer = () => 200;
  });

  it('a restart of the gateway between a failure and the retry still delivers it (the queue is in the store)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'x12pas-subs-restart-'));
    let up = false;
    rx.answer = (path, body) => (path === '/restart' && notificationType(body) === 'event-notification' && !up ? 500 : 200);
    const cfg = { ...config('unused.db', { retryBaseMs: 400 }), store: join(d, 'gw.db') };
    const a = await testGateway(cfg, {}, d);
    try {
      await subscribe(a, '/restart');
      await postJson(`${a.url}/fhir/2.2.1/Claim/$submit`, pendedBundle());
      await waitFor(() => (rx.events('/restart').length > 0 ? true : null), 8000);
    } finally {
      await a.stop();
    }
    expect(rx.events('/restart').map((x) => x.status)).toEqual([500]);
    up = true;
    const b = await testGateway(cfg, {}, d);
    try {
      await waitFor(() => (rx.events('/restart').some((x) => x.status === 200) ? true : null), 8000);
      expect(rx.events('/restart').map((x) => x.status)).toEqual([500, 200]);
      expect(store(b).queuedDeliveries()).toBe(0);
    } finally {
      await b.stop();
      rmSync(d, { recursive: true, force: true });
      rx.answer = () => 200;
    }
  });

  it('a notification never delivered is given up after the configured time; the subscription status becomes error', async () => {
    const t = await testGateway(config('giveup.db', { retryBaseMs: 50, giveUpAfterMs: 400 }));
    rx.answer = (path, body) => (path === '/dead' && notificationType(body) === 'event-notification' ? 500 : 200);
    try {
      const id = await subscribe(t, '/dead');
      await postJson(`${t.url}/fhir/2.2.1/Claim/$submit`, pendedBundle());
      await waitFor(() => (store(t).getSubscription(id)?.status === 'error' ? true : null), 8000);
      const sub = (await fetch(`${t.url}/fhir/2.2.1/Subscription/${id}`).then((r) => r.json())) as any;
      expect(sub.status).toBe('error');
      expect(sub.error).toContain('500');
      expect(rx.events('/dead').length).toBeGreaterThanOrEqual(2);
      expect(store(t).queuedDeliveries()).toBe(0);
    } finally {
      await t.stop();
      rx.answer = () => 200;
    }
  });

  it('heartbeats go out when nothing else has for the period', async () => {
    const s = subscription(`${rx.url}/heartbeat`);
    (s.channel as any).extension = [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period', valueUnsignedInt: 1 }];
    const r = await postJson(`${g.url}/fhir/2.2.1/Subscription`, s);
    expect(r.status).toBe(201);
    await waitFor(() => (rx.received.some((x) => x.path === '/heartbeat' && notificationType(x.body) === 'heartbeat') ? true : null), 5000);
    await fetch(`${g.url}/fhir/2.2.1/Subscription/${r.json().id}`, { method: 'DELETE' });
  });
});

describe('Subscription CRUD on each PAS base', () => {
  const url = (v = '2.2.1') => `${g.url}/fhir/${v}/Subscription`;

  it('creates, reads, updates (off), lists and deletes; an unknown id answers 404', async () => {
    const c = await postJson(url('2.0.1'), subscription(`${rx.url}/crud`, 'org-identifier=http://hl7.org/fhir/sid/us-npi|1234567893'));
    expect(c.status).toBe(201);
    const id = c.json().id;
    expect(c.json().status).toBe('requested');
    const got = (await fetch(`${url('2.0.1')}/${id}`).then((r) => r.json())) as any;
    expect(got.criteria).toBe(PAS_TOPIC);
    expect(store().getSubscription(id)!.orgIdentifier).toBe('1234567893');
    // Not on the other base.
    expect((await fetch(`${url('2.2.1')}/${id}`)).status).toBe(404);
    const off = await fetch(`${url('2.0.1')}/${id}`, { method: 'PUT', body: JSON.stringify({ ...subscription(`${rx.url}/crud`), status: 'off' }), headers: { 'content-type': 'application/fhir+json' } });
    expect(off.status).toBe(200);
    expect(((await off.json()) as any).status).toBe('off');
    expect(store().getSubscription(id)!.orgIdentifier).toBe(REQUESTER);
    const list = (await fetch(url('2.0.1')).then((r) => r.json())) as any;
    expect(list.entry.map((e: any) => e.resource.id)).toContain(id);
    const st = (await fetch(`${url('2.0.1')}/${id}/$status`).then((r) => r.json())) as any;
    expect(st.entry[0].resource.parameter.find((p: any) => p.name === 'status').valueCode).toBe('off');
    expect((await fetch(`${url('2.0.1')}/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url('2.0.1')}/${id}`)).status).toBe(404);
    expect((await fetch(`${url('2.0.1')}/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it.each([
    ['another topic', { criteria: 'http://example.org/SubscriptionTopic/other' }, 'Subscription.criteria'],
    ['no filter', { _criteria: undefined }, 'Subscription.criteria.extension'],
    ['a filter on something else', { _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: 'patient=123' }] } }, 'Subscription.criteria.extension.value'],
    ['an email channel', { channel: { type: 'email', endpoint: 'mailto:a@b.example' } }, 'Subscription.channel.type'],
    ['an id-only payload', { channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:1/x', _payload: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'id-only' }] } } }, 'Subscription.channel.payload.extension'],
    ['a non-http endpoint', { channel: { type: 'rest-hook', endpoint: 'ftp://x.example/' } }, 'Subscription.channel.endpoint'],
  ])('refuses %s: 400 with one OperationOutcome naming the element', async (_name, over, expression) => {
    const r = await postJson(url(), subscription(`${rx.url}/x`, undefined, over));
    expect(r.status).toBe(400);
    expect(r.json().resourceType).toBe('OperationOutcome');
    expect(r.json().issue[0].expression).toEqual([expression]);
  });
});
