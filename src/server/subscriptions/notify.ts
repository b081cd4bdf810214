import type { SubmissionRecord } from '../../store/types.js';
import type { Gateway } from '../gateway.js';
import { notificationBundle } from './notification.js';

/**
 * A later decision changed a submission's answer: every live subscription of its PAS base that
 * filters on its submitter organization (the requester's identifier) — and, when clients
 * authenticate, belongs to the client that submitted it — gets one event notification queued,
 * carrying the full Response Bundle.
 */
export function notifyDecision(g: Gateway, rec: SubmissionRecord, responseBundle: string): number {
  if (rec.pasVersion === null) return 0;
  const orgs = [rec.correlation.requesterId, rec.submitter].filter((o): o is string => o !== null && o !== '');
  const subs = g.store.subscriptionsFor(rec.pasVersion, orgs).filter((s) => s.owner === '' || s.owner === rec.submitter);
  if (subs.length === 0) return 0;
  const response = JSON.parse(responseBundle) as Record<string, unknown>;
  const now = Date.now();
  for (const s of subs) g.store.enqueue(s.id, 'event-notification', rec.id, now, (n, count) => notificationBundle(s, 'event-notification', n, count, response));
  g.deliveries.kick();
  return subs.length;
}
