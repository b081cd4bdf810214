/**
 * Reading a PAS Subscription (R4 subscriptions backport, as PAS profiles it): topic
 * PASSubscriptionTopic, channel rest-hook, payload full-resource, one filter on the submitter
 * organization identifier (`orgIdentifier=` or `org-identifier=`).
 */
import type { SubscriptionStatus } from '../../store/types.js';
import type { Issue } from '../outcome.js';
import { isObj } from '../../mapping/engine/obj.js';

export const PAS_TOPIC = 'http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic';
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/';
export const FILTER_EXT = `${BACKPORT}backport-filter-criteria`;
export const PAYLOAD_EXT = `${BACKPORT}backport-payload-content`;
export const HEARTBEAT_EXT = `${BACKPORT}backport-heartbeat-period`;

export interface SubscriptionRequest {
  orgIdentifier: string;
  endpoint: string;
  headers: string[];
  heartbeatSeconds: number | null;
  /** The status the client asks for: only `off` changes anything (the rest is the server's). */
  off: boolean;
  resource: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const extensions = (o: unknown): Obj[] => (isObj(o) && Array.isArray(o.extension) ? (o.extension as unknown[]).filter(isObj) : []);
const ext = (o: unknown, url: string): Obj | undefined => extensions(o).find((e) => e.url === url);

/** The organization identifier of a filter: `orgIdentifier=X`, `org-identifier=X`, optionally `Type?` before and `system|` in the value. */
export function filterOrg(filter: string): string | null {
  const m = /^(?:[A-Za-z]+\?)?(?:orgIdentifier|org-identifier)=([^&]+)$/.exec(filter.trim());
  if (m === null) return null;
  const value = decodeURIComponent(m[1]!);
  const bar = value.lastIndexOf('|');
  const v = bar >= 0 ? value.slice(bar + 1) : value;
  return v === '' ? null : v;
}

/** Checks a Subscription body; the issues name the element (FHIRPath). */
export function readSubscription(body: unknown): { sub: SubscriptionRequest } | { issues: Issue[] } {
  const bad = (text: string, expression: string, code: Issue['code'] = 'invalid'): { issues: Issue[] } => ({ issues: [{ code, text, expression: [expression] }] });
  if (!isObj(body) || body.resourceType !== 'Subscription') return bad('the body must be a Subscription', 'Subscription');
  if (body.criteria !== PAS_TOPIC) return bad(`the only topic here is ${PAS_TOPIC}`, 'Subscription.criteria', 'not-supported');
  const filters = extensions(body._criteria).filter((e) => e.url === FILTER_EXT);
  if (filters.length !== 1 || typeof filters[0]!.valueString !== 'string') return bad('one filter on the organization identifier is required (orgIdentifier=...)', 'Subscription.criteria.extension');
  const org = filterOrg(filters[0]!.valueString);
  if (org === null) return bad('the filter must be orgIdentifier=<identifier> (or org-identifier=)', 'Subscription.criteria.extension.value', 'not-supported');
  const ch = body.channel;
  if (!isObj(ch)) return bad('channel is required', 'Subscription.channel', 'required');
  if (ch.type !== 'rest-hook') return bad('only rest-hook channels are supported', 'Subscription.channel.type', 'not-supported');
  let endpoint: URL;
  try {
    endpoint = new URL(String(ch.endpoint));
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error();
  } catch {
    return bad('channel.endpoint must be an http(s) URL', 'Subscription.channel.endpoint');
  }
  if (ch.payload !== undefined && ch.payload !== 'application/fhir+json' && ch.payload !== 'application/json') return bad('notifications are sent as application/fhir+json', 'Subscription.channel.payload', 'not-supported');
  const content = ext(ch._payload, PAYLOAD_EXT)?.valueCode;
  if (content !== undefined && content !== 'full-resource') return bad('only full-resource payloads are supported', 'Subscription.channel.payload.extension', 'not-supported');
  const headers: string[] = [];
  if (ch.header !== undefined) {
    if (!Array.isArray(ch.header) || !ch.header.every((h) => typeof h === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*$/.test(h))) return bad('channel.header must be "Name: value" strings', 'Subscription.channel.header');
    headers.push(...(ch.header as string[]));
  }
  const hb = ext(ch, HEARTBEAT_EXT)?.valueUnsignedInt;
  if (hb !== undefined && (typeof hb !== 'number' || !Number.isInteger(hb) || hb < 1)) return bad('the heartbeat period must be a positive number of seconds', 'Subscription.channel.extension');
  return { sub: { orgIdentifier: org, endpoint: endpoint.href, headers, heartbeatSeconds: hb ?? null, off: body.status === 'off', resource: body } };
}

/** The resource as the server shows it: its id and the store's status. */
export function shownSubscription(resource: string, id: string, status: SubscriptionStatus, error: string | null): Obj {
  const r = JSON.parse(resource) as Obj;
  return { ...r, id, status, ...(error !== null ? { error } : { error: undefined }) };
}
