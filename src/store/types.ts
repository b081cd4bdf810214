/** What the gateway keeps, behind one interface (SQLite first; PostgreSQL may follow). */

export type ControlKind = 'isa' | 'gs' | 'st';

/** Correlation of a submission with the 278s written for it and the parties they name. */
export interface Correlation {
  partner: string;
  bht03: string | null;
  claimIdentifier: string | null;
  requesterId: string | null;
  memberId: string | null;
  payerId: string | null;
  isa13: string | null;
  gs06: string | null;
  st02: string | null;
  requestX12: string | null;
  /** Every trace number of the request (2000E and 2000F TRN*1). */
  traces: readonly string[];
}

export interface ItemDecision {
  /** 1-based, in the order of the 278's service (or event) levels. */
  position: number;
  trace: string | null;
  /** HCR01 (A1, A3, A4, A6...) or null when the level has none (an AAA error). */
  decision: string | null;
  authNumber: string | null;
  /** The PAS Claim.item.sequence it answers, when known. */
  sequence?: number | null;
  /** Ended by a cancel (the item's or the whole request's). */
  cancelled?: boolean;
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export interface SubmissionRecord {
  id: number;
  face: string;
  submitter: string;
  key: string;
  pasVersion: string | null;
  state: 'pending' | 'answered';
  requestHash: string;
  requestBody: string | null;
  answer: Answer | null;
  responseX12: string | null;
  correlation: Correlation;
  /** The submission this one updates (a PAS Claim Update), if any. */
  priorId: number | null;
  /** The update that took this submission's place, if any (its answer is the current state). */
  supersededBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export type BeginResult = { readonly kind: 'new'; readonly id: number } | { readonly kind: 'existing'; readonly record: SubmissionRecord };

export interface AuditEntry {
  who: string;
  kind: string;
  outcome: string;
  submissionId?: number | null;
  bytesIn: number;
  bytesOut: number;
  sha256In?: string | null;
  sha256Out?: string | null;
}

export interface InquiryMatch {
  requesterId: string | null;
  memberId: string | null;
  /** When clients authenticate: only this client's submissions. */
  submitter?: string;
  /** Authorization numbers (HCR02 / REF) or administrative / trace references to narrow by. */
  references: readonly string[];
}

export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';

/** A PAS Subscription (R4 backport) as the store keeps it. */
export interface SubscriptionFields {
  pasVersion: string;
  /** The PAS base URL it was created on (notifications name it). */
  base: string;
  /** The client that owns it ('' when clients do not authenticate). */
  owner: string;
  /** The submitter organization identifier it filters on. */
  orgIdentifier: string;
  endpoint: string;
  /** channel.header lines ("Name: value"), sent with every notification. */
  headers: readonly string[];
  heartbeatSeconds: number | null;
  /** The resource as last written by the client (its status is the store's). */
  resource: string;
}

export interface SubscriptionRecord extends SubscriptionFields {
  id: string;
  status: SubscriptionStatus;
  error: string | null;
  /** events-since-subscription-start. */
  eventCount: number;
  /** When a notification last reached the endpoint (ms since the epoch). */
  lastSentAt: number | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryKind = 'handshake' | 'heartbeat' | 'event-notification';

export interface DeliveryRecord {
  id: number;
  subscriptionId: string;
  kind: DeliveryKind;
  submissionId: number | null;
  eventNumber: number;
  body: string;
  attempts: number;
  /** When it was queued (ms); it is given up a configured time after. */
  firstAt: number;
  nextAt: number;
}

/** A client registered for SMART Backend Services (`x12pas clients add`). */
export interface ClientRecord {
  id: string;
  name: string;
  /** A JWKS (JSON text) of its public keys, or null when they are fetched from `jwksUrl`. */
  jwks: string | null;
  jwksUrl: string | null;
  /** The scopes it may be granted. */
  scopes: readonly string[];
  /** When set, the client must present this TLS client certificate (mutual TLS) to get and use tokens. */
  mtls?: MtlsRequirement | null;
  createdAt: string;
}

/** Which client certificate a client must present: by SHA-256 fingerprint (hex) and/or subject ("CN=a, O=b"). */
export interface MtlsRequirement {
  sha256: string | null;
  subject: string | null;
}

export interface AccessToken {
  clientId: string;
  scopes: readonly string[];
  expiresAt: number;
}

export interface GatewayStore {
  /** First number of `count` consecutive ones of this kind for this partner; never handed out again. */
  allocate(partner: string, kind: ControlKind, count: number): number;
  /** Claims the idempotency key, or returns what is stored under it. */
  begin(face: string, submitter: string, key: string, pasVersion: string | null, requestHash: string, requestBody: string | null): BeginResult;
  /** Takes over a pending submission left by a process that died (its request is sent again). */
  restart(id: number): void;
  correlate(id: number, c: Correlation): void;
  /** Stores the answer and item decisions; `supersedes`: the prior submission this update takes the place of (linked both ways, in the same transaction). */
  answer(id: number, answer: Answer, responseX12: string | null, items: readonly ItemDecision[], supersedes?: number): void;
  /** The latest PAS submission of this submitter whose Claim.identifier is one of these (a Claim Update's prior). */
  findClaim(submitter: string, claimIdentifiers: readonly string[]): SubmissionRecord | null;
  /** The submission that holds the current state of this one: itself, or the last update in its chain. */
  latest(id: number): SubmissionRecord | null;
  /** Drops a pending claim whose exchange failed (a retry starts afresh). */
  abandon(id: number): void;
  get(id: number): SubmissionRecord | null;
  find(face: string, submitter: string, key: string): SubmissionRecord | null;
  /** The submission a 278 response answers: by its echoed trace numbers, else by BHT03. */
  findByTraces(traces: readonly string[], bht03: string | null): SubmissionRecord | null;
  items(id: number): ItemDecision[];
  /** Updates item decisions and the stored answer (an unsolicited 278 response). */
  update(id: number, answer: Answer, responseX12: string, items: readonly ItemDecision[]): void;
  /** Answered PAS submissions matching an inquiry (PAS's rules: requester and member, then references). */
  match(q: InquiryMatch): SubmissionRecord[];
  audit(e: AuditEntry): void;

  createSubscription(id: string, s: SubscriptionFields): void;
  getSubscription(id: string): SubscriptionRecord | null;
  /** Replaces what the client controls; a changed endpoint starts over (status requested). */
  updateSubscription(id: string, s: SubscriptionFields, status: SubscriptionStatus): void;
  /** Deletes it and its queued deliveries; false when there was none. */
  deleteSubscription(id: string): boolean;
  /** The subscriptions a client owns ('' : all, when clients do not authenticate). */
  listSubscriptions(owner: string): SubscriptionRecord[];
  /** Live (requested or active) subscriptions of a PAS base filtering on one of these organization identifiers. */
  subscriptionsFor(pasVersion: string, orgIdentifiers: readonly string[]): SubscriptionRecord[];
  setSubscriptionStatus(id: string, status: SubscriptionStatus, error: string | null): void;
  /**
   * Queues a notification in one transaction; an event notification takes the subscription's next
   * event number. `body` is built with the number the notification carries.
   */
  enqueue(subscriptionId: string, kind: DeliveryKind, submissionId: number | null, nowMs: number, body: (eventNumber: number, eventCount: number) => string): number;
  /** The oldest queued delivery of each subscription, when it is due (deliveries of one subscription go in order). */
  dueDeliveries(nowMs: number, limit: number): DeliveryRecord[];
  delivered(id: number, nowMs: number): void;
  retryLater(id: number, nextAt: number, error: string): void;
  /** Gives up a delivery: it and every other queued one of its subscription fail; the subscription's status is error. */
  giveUp(id: number, error: string): void;
  /** Active subscriptions with a heartbeat period that sent nothing for that long and have nothing queued. */
  heartbeatsDue(nowMs: number): SubscriptionRecord[];
  queuedDeliveries(): number;

  addClient(c: Omit<ClientRecord, 'createdAt'>): void;
  getClient(id: string): ClientRecord | null;
  listClients(): ClientRecord[];
  removeClient(id: string): boolean;
  /** Records a client assertion's jti; false when it was used before (a replay). Forgets expired ones. */
  useAssertion(clientId: string, jti: string, expiresAt: number, nowMs: number): boolean;
  /** Keeps an access token by its hash. Forgets expired ones. */
  saveToken(tokenHash: string, t: AccessToken, nowMs: number): void;
  getToken(tokenHash: string): AccessToken | null;
  /** Counts for metrics. */
  stats(): { submissions: number; pendedItems: number; bytes: number };
  close(): void;
}
