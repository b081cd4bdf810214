/**
 * The delivery queue's worker: sends what the store has queued (handshakes, event notifications,
 * heartbeats) to each subscriber, one at a time per subscription and in order. A subscriber that
 * fails is retried with exponential backoff; a notification not delivered within `giveUpAfterMs` of
 * being queued is given up and its subscription's status becomes error. The queue is the store, so
 * a restarted gateway carries on where the last one stopped.
 */
import type { SubscriptionSettings } from '../config.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics.js';
import type { DeliveryRecord, GatewayStore } from '../../store/types.js';
import { notificationBundle } from './notification.js';

export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: GatewayStore,
    private readonly settings: SubscriptionSettings,
    private readonly log: Logger,
    private readonly metrics: GatewayMetrics,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks at the queue now (something was queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Stops looking at the queue and waits for the sends in flight (what is left stays queued). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      const now = Date.now();
      for (const sub of this.store.heartbeatsDue(now)) {
        this.store.enqueue(sub.id, 'heartbeat', null, now, (n, count) => notificationBundle(sub, 'heartbeat', n, count, null));
      }
      for (;;) {
        if (this.stopped) return;
        const due = this.store.dueDeliveries(Date.now(), 64);
        if (due.length === 0) return;
        await Promise.all(due.map((d) => this.send(d)));
      }
    } catch (e) {
      this.log.error('delivery queue failed', { error: (e as Error).message });
    }
  }

  private async send(d: DeliveryRecord): Promise<void> {
    const sub = this.store.getSubscription(d.subscriptionId);
    if (sub === null) return;
    const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
    for (const h of sub.headers) {
      const i = h.indexOf(':');
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    let problem: string | null = null;
    try {
      const res = await fetch(sub.endpoint, { method: 'POST', body: d.body, headers, signal: AbortSignal.timeout(this.settings.timeoutMs), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) problem = `the endpoint answered ${res.status}`;
    } catch (e) {
      problem = (e as Error).name === 'TimeoutError' ? 'the endpoint timed out' : 'the endpoint could not be reached';
    }
    const now = Date.now();
    const fields = { subscription: d.subscriptionId, delivery: d.id, kind: d.kind, attempt: d.attempts + 1 };
    if (problem === null) {
      this.store.delivered(d.id, now);
      if (sub.status === 'requested') this.store.setSubscriptionStatus(sub.id, 'active', null);
      this.metrics.notifications.inc({ kind: d.kind, outcome: 'delivered' });
      if (d.kind === 'event-notification') this.metrics.notificationDelay.observe({}, (now - d.firstAt) / 1000);
      this.log.info('notification delivered', fields);
      return;
    }
    if (now - d.firstAt >= this.settings.giveUpAfterMs) {
      this.store.giveUp(d.id, problem);
      this.metrics.notifications.inc({ kind: d.kind, outcome: 'given-up' });
      this.log.warn('notification given up; subscription in error', { ...fields, problem });
      return;
    }
    const wait = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** Math.min(d.attempts, 30));
    this.store.retryLater(d.id, now + wait, problem);
    this.metrics.notifications.inc({ kind: d.kind, outcome: 'retry' });
    this.log.warn('notification failed; will retry', { ...fields, problem, retryInMs: wait });
  }
}
