/**
 * The notification a PAS subscriber receives (R4 backport): a history Bundle whose first entry is
 * the SubscriptionStatus (a Parameters in R4) and, for an event, the full PAS Response Bundle.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryKind, SubscriptionRecord, SubscriptionStatus } from '../../store/types.js';
import { PAS_TOPIC } from './resource.js';

const STATUS_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4';

/** The SubscriptionStatus Parameters. */
export function subscriptionStatus(sub: Pick<SubscriptionRecord, 'id' | 'base'>, status: SubscriptionStatus, kind: DeliveryKind | 'query-status', eventCount: number, event?: { number: number; timestamp: string; focus: string }): Record<string, unknown> {
  return {
    resourceType: 'Parameters',
    meta: { profile: [STATUS_PROFILE] },
    parameter: [
      { name: 'subscription', valueReference: { reference: `${sub.base}/Subscription/${sub.id}` } },
      { name: 'topic', valueCanonical: PAS_TOPIC },
      { name: 'status', valueCode: status },
      { name: 'type', valueCode: kind },
      { name: 'events-since-subscription-start', valueString: String(eventCount) },
      ...(event !== undefined
        ? [{ name: 'notification-event', part: [{ name: 'event-number', valueString: String(event.number) }, { name: 'timestamp', valueInstant: event.timestamp }, { name: 'focus', valueReference: { reference: event.focus } }] }]
        : []),
    ],
  };
}

/** The notification bundle; `response` (the PAS Response Bundle) only for an event notification. */
export function notificationBundle(sub: SubscriptionRecord, kind: DeliveryKind, eventNumber: number, eventCount: number, response: Record<string, unknown> | null): string {
  const timestamp = new Date().toISOString();
  const focus = `urn:uuid:${randomUUID()}`;
  const status = subscriptionStatus(sub, sub.status === 'requested' && kind === 'handshake' ? 'requested' : 'active', kind, eventCount, response !== null ? { number: eventNumber, timestamp, focus } : undefined);
  const entry: unknown[] = [
    { fullUrl: `urn:uuid:${randomUUID()}`, resource: status, request: { method: 'GET', url: `${sub.base}/Subscription/${sub.id}/$status` }, response: { status: '200' } },
  ];
  if (response !== null) entry.push({ fullUrl: focus, resource: response, request: { method: 'POST', url: 'Bundle' }, response: { status: '200' } });
  return JSON.stringify({ resourceType: 'Bundle', id: randomUUID(), type: 'history', timestamp, entry });
}
