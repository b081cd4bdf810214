import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
import type { Sealer } from './sealer.js';
import type { AccessToken, Answer, AuditEntry, ClientRecord, BeginResult, ControlKind, Correlation, DeliveryKind, DeliveryRecord, GatewayStore, InquiryMatch, ItemDecision, MtlsRequirement, SubmissionRecord, SubscriptionFields, SubscriptionRecord, SubscriptionStatus } from './types.js';

/** The largest X12 control number (ISA13, GS06 and ST02 are at most 9 digits). */
const MAX_CONTROL = 999_999_999;

interface Row {
  id: number;
  face: string;
  submitter: string;
  idempotency_key: string;
  pas_version: string | null;
  state: string;
  request_hash: string;
  request_body: string | null;
  answer_status: number | null;
  answer_type: string | null;
  answer_body: string | null;
  request_x12: string | null;
  response_x12: string | null;
  partner: string | null;
  bht03: string | null;
  claim_identifier: string | null;
  requester_id: string | null;
  member_id: string | null;
  payer_id: string | null;
  isa13: string | null;
  gs06: string | null;
  st02: string | null;
  prior_id: number | null;
  superseded_by: number | null;
  created_at: string;
  updated_at: string;
}

const now = (): string => new Date().toISOString();

/**
 * The store in one SQLite file (WAL). Every write is one transaction committed before the caller
 * answers, so a process killed at any moment loses nothing it has acknowledged.
 */
export class SqliteStore implements GatewayStore {
  private readonly db: Database.Database;
  readonly path: string;
  private readonly st: ReturnType<SqliteStore['prepare']>;

  /** Seals bundles, 278s, notification bodies and subscriber headers at rest; null keeps them in clear. */
  private readonly sealer: Sealer | null;

  constructor(path: string, options: { sealer?: Sealer | null } = {}) {
    this.path = path;
    this.sealer = options.sealer ?? null;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // A killed process loses nothing committed (WAL in the OS cache); a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.st = this.prepare();
  }

  private seal(v: string): string;
  private seal(v: string | null): string | null;
  private seal(v: string | null): string | null {
    return this.sealer === null ? v : this.sealer.seal(v);
  }
  private open(v: string): string;
  private open(v: string | null): string | null;
  private open(v: string | null): string | null {
    return this.sealer === null ? v : this.sealer.open(v);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_version').all() as { version: number }[]).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        for (const s of m.statements) this.db.exec(s);
        this.db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
      })();
    }
  }

  /** The schema versions applied, in order. */
  schemaVersions(): number[] {
    return (this.db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]).map((r) => r.version);
  }

  private prepare() {
    const d = this.db;
    return {
      ctlGet: d.prepare('SELECT last_value FROM control_numbers WHERE partner = ? AND kind = ?'),
      ctlInsert: d.prepare('INSERT INTO control_numbers (partner, kind, last_value) VALUES (?, ?, ?)'),
      ctlUpdate: d.prepare('UPDATE control_numbers SET last_value = ? WHERE partner = ? AND kind = ?'),
      find: d.prepare('SELECT * FROM submissions WHERE face = ? AND submitter = ? AND idempotency_key = ?'),
      get: d.prepare('SELECT * FROM submissions WHERE id = ?'),
      insert: d.prepare(
        `INSERT INTO submissions (face, submitter, idempotency_key, pas_version, state, request_hash, request_body, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      ),
      touch: d.prepare("UPDATE submissions SET updated_at = ?, state = 'pending' WHERE id = ?"),
      correlate: d.prepare(
        `UPDATE submissions SET partner = ?, bht03 = ?, claim_identifier = ?, requester_id = ?, member_id = ?, payer_id = ?,
         isa13 = ?, gs06 = ?, st02 = ?, request_x12 = ?, updated_at = ? WHERE id = ?`,
      ),
      traceInsert: d.prepare('INSERT INTO trace_numbers (submission_id, trace) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      traces: d.prepare('SELECT trace FROM trace_numbers WHERE submission_id = ? ORDER BY trace'),
      traceDelete: d.prepare('DELETE FROM trace_numbers WHERE submission_id = ?'),
      answer: d.prepare(
        "UPDATE submissions SET state = 'answered', answer_status = ?, answer_type = ?, answer_body = ?, response_x12 = ?, updated_at = ? WHERE id = ?",
      ),
      abandon: d.prepare("DELETE FROM submissions WHERE id = ? AND state = 'pending'"),
      itemsDelete: d.prepare('DELETE FROM items WHERE submission_id = ?'),
      itemInsert: d.prepare('INSERT INTO items (submission_id, position, trace, decision, auth_number, sequence, cancelled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      items: d.prepare('SELECT position, trace, decision, auth_number, sequence, cancelled FROM items WHERE submission_id = ? ORDER BY position'),
      link: d.prepare('UPDATE submissions SET prior_id = ? WHERE id = ?'),
      supersede: d.prepare('UPDATE submissions SET superseded_by = ?, updated_at = ? WHERE id = ?'),
      byClaim: d.prepare("SELECT id FROM submissions WHERE face = 'pas' AND submitter = ? AND claim_identifier = ? ORDER BY id DESC LIMIT 1"),
      byTrace: d.prepare('SELECT submission_id FROM trace_numbers WHERE trace = ? ORDER BY submission_id DESC'),
      byBht03: d.prepare("SELECT id FROM submissions WHERE bht03 = ? AND face = 'pas' ORDER BY id DESC"),
      byParty: d.prepare(
        "SELECT * FROM submissions WHERE face = 'pas' AND state = 'answered' AND requester_id = ? AND member_id = ? ORDER BY id",
      ),
      audit: d.prepare(
        'INSERT INTO audit (at, who, kind, outcome, submission_id, bytes_in, bytes_out, sha256_in, sha256_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      subInsert: d.prepare(
        `INSERT INTO subscriptions (id, pas_version, base, owner, org_identifier, endpoint, headers, heartbeat_seconds, status, error, resource, event_count, last_sent_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', NULL, ?, 0, NULL, ?, ?)`,
      ),
      subGet: d.prepare('SELECT * FROM subscriptions WHERE id = ?'),
      subUpdate: d.prepare(
        'UPDATE subscriptions SET pas_version = ?, base = ?, owner = ?, org_identifier = ?, endpoint = ?, headers = ?, heartbeat_seconds = ?, resource = ?, status = ?, error = NULL, updated_at = ? WHERE id = ?',
      ),
      subDelete: d.prepare('DELETE FROM subscriptions WHERE id = ?'),
      subList: d.prepare("SELECT * FROM subscriptions WHERE owner = ? OR ? = '' ORDER BY created_at, id"),
      subStatus: d.prepare('UPDATE subscriptions SET status = ?, error = ?, updated_at = ? WHERE id = ?'),
      subCount: d.prepare('UPDATE subscriptions SET event_count = event_count + 1 WHERE id = ?'),
      subSent: d.prepare('UPDATE subscriptions SET last_sent_at = ? WHERE id = ?'),
      subHeartbeats: d.prepare(
        `SELECT * FROM subscriptions s WHERE status = 'active' AND heartbeat_seconds IS NOT NULL
         AND COALESCE(last_sent_at, 0) + heartbeat_seconds * 1000 <= ?
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscription_id = s.id AND d.state = 'queued')`,
      ),
      delInsert: d.prepare(
        `INSERT INTO deliveries (subscription_id, kind, submission_id, event_number, body, state, attempts, first_at, next_at)
         VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
      ),
      delDue: d.prepare(
        `SELECT * FROM deliveries d WHERE state = 'queued' AND next_at <= ?
         AND id = (SELECT MIN(id) FROM deliveries e WHERE e.subscription_id = d.subscription_id AND e.state = 'queued')
         ORDER BY next_at LIMIT ?`,
      ),
      delGet: d.prepare('SELECT subscription_id FROM deliveries WHERE id = ?'),
      delDone: d.prepare("UPDATE deliveries SET state = 'done', attempts = attempts + 1, done_at = ?, body = '' WHERE id = ?"),
      delRetry: d.prepare('UPDATE deliveries SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?'),
      delFailAll: d.prepare("UPDATE deliveries SET state = 'failed', last_error = ?, body = '' WHERE subscription_id = ? AND state = 'queued'"),
      delDeleteOf: d.prepare('DELETE FROM deliveries WHERE subscription_id = ?'),
      delQueued: d.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'queued'"),
      clientInsert: d.prepare('INSERT INTO clients (id, name, jwks, jwks_url, scopes, mtls, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      clientGet: d.prepare('SELECT * FROM clients WHERE id = ?'),
      clientList: d.prepare('SELECT * FROM clients ORDER BY id'),
      clientDelete: d.prepare('DELETE FROM clients WHERE id = ?'),
      tokensOfDelete: d.prepare('DELETE FROM access_tokens WHERE client_id = ?'),
      jtiPurge: d.prepare('DELETE FROM used_assertions WHERE expires_at < ?'),
      jtiInsert: d.prepare('INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      tokenPurge: d.prepare('DELETE FROM access_tokens WHERE expires_at < ?'),
      tokenInsert: d.prepare('INSERT INTO access_tokens (token_hash, client_id, scopes, expires_at) VALUES (?, ?, ?, ?)'),
      tokenGet: d.prepare('SELECT client_id, scopes, expires_at FROM access_tokens WHERE token_hash = ?'),
      countSubmissions: d.prepare('SELECT COUNT(*) AS n FROM submissions'),
      countPended: d.prepare("SELECT COUNT(*) AS n FROM items WHERE decision = 'A4'"),
    };
  }

  allocate(partner: string, kind: ControlKind, count: number): number {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`allocate: count must be a positive integer, got ${count}`);
    return this.db.transaction(() => {
      const row = this.st.ctlGet.get(partner, kind) as { last_value: number } | undefined;
      const last = row?.last_value ?? 0;
      // Numbers wrap after 999999999 (a partner would need a billion exchanges first).
      const first = last + count > MAX_CONTROL ? 1 : last + 1;
      const end = first + count - 1;
      if (row === undefined) this.st.ctlInsert.run(partner, kind, end);
      else this.st.ctlUpdate.run(end, partner, kind);
      return first;
    }).immediate();
  }

  begin(face: string, submitter: string, key: string, pasVersion: string | null, requestHash: string, requestBody: string | null): BeginResult {
    return this.db.transaction((): BeginResult => {
      const row = this.st.find.get(face, submitter, key) as Row | undefined;
      if (row !== undefined) return { kind: 'existing', record: this.record(row) };
      const t = now();
      const r = this.st.insert.run(face, submitter, key, pasVersion, requestHash, this.seal(requestBody), t, t);
      return { kind: 'new', id: Number(r.lastInsertRowid) };
    }).immediate();
  }

  restart(id: number): void {
    this.st.touch.run(now(), id);
  }

  correlate(id: number, c: Correlation): void {
    this.db.transaction(() => {
      this.st.correlate.run(c.partner, c.bht03, c.claimIdentifier, c.requesterId, c.memberId, c.payerId, c.isa13, c.gs06, c.st02, this.seal(c.requestX12), now(), id);
      this.st.traceDelete.run(id);
      for (const t of c.traces) this.st.traceInsert.run(id, t);
    })();
  }

  answer(id: number, answer: Answer, responseX12: string | null, items: readonly ItemDecision[], supersedes?: number): void {
    this.db.transaction(() => {
      const t = now();
      this.st.answer.run(answer.status, answer.contentType, this.seal(answer.body), this.seal(responseX12), t, id);
      this.writeItems(id, items, t);
      if (supersedes !== undefined) {
        this.st.link.run(supersedes, id);
        this.st.supersede.run(id, t, supersedes);
      }
    })();
  }

  findClaim(submitter: string, claimIdentifiers: readonly string[]): SubmissionRecord | null {
    let best: number | null = null;
    for (const c of claimIdentifiers) {
      const r = this.st.byClaim.get(submitter, c) as { id: number } | undefined;
      if (r !== undefined && (best === null || r.id > best)) best = r.id;
    }
    return best === null ? null : this.get(best);
  }

  latest(id: number): SubmissionRecord | null {
    let rec = this.get(id);
    // A chain of updates; a loop (which the gateway never writes) stops at the first repeat.
    const seen = new Set<number>();
    while (rec !== null && rec.supersededBy !== null && !seen.has(rec.id)) {
      seen.add(rec.id);
      const next = this.get(rec.supersededBy);
      if (next === null) break;
      rec = next;
    }
    return rec;
  }

  update(id: number, answer: Answer, responseX12: string, items: readonly ItemDecision[]): void {
    this.answer(id, answer, responseX12, items);
  }

  private writeItems(id: number, items: readonly ItemDecision[], t: string): void {
    this.st.itemsDelete.run(id);
    for (const i of items) this.st.itemInsert.run(id, i.position, i.trace, i.decision, i.authNumber, i.sequence ?? null, i.cancelled === true ? 1 : 0, t);
  }

  abandon(id: number): void {
    this.db.transaction(() => {
      this.st.traceDelete.run(id);
      this.st.abandon.run(id);
    })();
  }

  get(id: number): SubmissionRecord | null {
    const row = this.st.get.get(id) as Row | undefined;
    return row === undefined ? null : this.record(row);
  }

  find(face: string, submitter: string, key: string): SubmissionRecord | null {
    const row = this.st.find.get(face, submitter, key) as Row | undefined;
    return row === undefined ? null : this.record(row);
  }

  findByTraces(traces: readonly string[], bht03: string | null): SubmissionRecord | null {
    for (const t of traces) {
      const r = this.st.byTrace.get(t) as { submission_id: number } | undefined;
      if (r !== undefined) return this.get(r.submission_id);
    }
    if (bht03 !== null) {
      const r = this.st.byBht03.get(bht03) as { id: number } | undefined;
      if (r !== undefined) return this.get(r.id);
    }
    return null;
  }

  items(id: number): ItemDecision[] {
    return (this.st.items.all(id) as { position: number; trace: string | null; decision: string | null; auth_number: string | null; sequence: number | null; cancelled: number }[]).map((r) => ({
      position: r.position,
      trace: r.trace,
      decision: r.decision,
      authNumber: r.auth_number,
      sequence: r.sequence,
      cancelled: r.cancelled === 1,
    }));
  }

  match(q: InquiryMatch): SubmissionRecord[] {
    if (q.requesterId === null || q.memberId === null) return [];
    const rows = (this.st.byParty.all(q.requesterId, q.memberId) as Row[]).filter((r) => q.submitter === undefined || r.submitter === q.submitter).map((r) => this.record(r));
    // PAS: a reference that is no longer the current one (the request was updated since) finds the current state.
    const current = (found: SubmissionRecord[]): SubmissionRecord[] => {
      const out = new Map<number, SubmissionRecord>();
      for (const r of found) {
        const l = r.supersededBy === null ? r : this.latest(r.id);
        if (l !== null && l.state === 'answered') out.set(l.id, l);
      }
      return [...out.values()];
    };
    if (q.references.length === 0) return current(rows);
    const wanted = new Set(q.references);
    return current(rows.filter((r) => {
      const c = r.correlation;
      if ((c.bht03 !== null && wanted.has(c.bht03)) || (c.claimIdentifier !== null && wanted.has(c.claimIdentifier))) return true;
      if (c.traces.some((t) => wanted.has(t))) return true;
      return this.items(r.id).some((i) => (i.authNumber !== null && wanted.has(i.authNumber)) || (i.trace !== null && wanted.has(i.trace)));
    }));
  }

  audit(e: AuditEntry): void {
    this.st.audit.run(now(), e.who, e.kind, e.outcome, e.submissionId ?? null, e.bytesIn, e.bytesOut, e.sha256In ?? null, e.sha256Out ?? null);
  }

  createSubscription(id: string, f: SubscriptionFields): void {
    const t = now();
    this.st.subInsert.run(id, f.pasVersion, f.base, f.owner, f.orgIdentifier, f.endpoint, this.seal(JSON.stringify(f.headers)), f.heartbeatSeconds, this.seal(f.resource), t, t);
  }

  getSubscription(id: string): SubscriptionRecord | null {
    const r = this.st.subGet.get(id) as SubRow | undefined;
    return r === undefined ? null : this.subscription(r);
  }

  private subscription(r: SubRow): SubscriptionRecord {
    return toSubscription({ ...r, headers: this.open(r.headers), resource: this.open(r.resource) });
  }

  updateSubscription(id: string, f: SubscriptionFields, status: SubscriptionStatus): void {
    this.st.subUpdate.run(f.pasVersion, f.base, f.owner, f.orgIdentifier, f.endpoint, this.seal(JSON.stringify(f.headers)), f.heartbeatSeconds, this.seal(f.resource), status, now(), id);
  }

  deleteSubscription(id: string): boolean {
    return this.db.transaction(() => {
      this.st.delDeleteOf.run(id);
      return this.st.subDelete.run(id).changes > 0;
    })();
  }

  listSubscriptions(owner: string): SubscriptionRecord[] {
    return (this.st.subList.all(owner, owner) as SubRow[]).map((r) => this.subscription(r));
  }

  subscriptionsFor(pasVersion: string, orgIdentifiers: readonly string[]): SubscriptionRecord[] {
    const ids = [...new Set(orgIdentifiers)];
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM subscriptions WHERE pas_version = ? AND status IN ('requested', 'active') AND org_identifier IN (${ids.map(() => '?').join(', ')}) ORDER BY created_at, id`)
      .all(pasVersion, ...ids) as SubRow[];
    return rows.map((r) => this.subscription(r));
  }

  setSubscriptionStatus(id: string, status: SubscriptionStatus, error: string | null): void {
    this.st.subStatus.run(status, error, now(), id);
  }

  enqueue(subscriptionId: string, kind: DeliveryKind, submissionId: number | null, nowMs: number, body: (eventNumber: number, eventCount: number) => string): number {
    return this.db.transaction(() => {
      if (kind === 'event-notification') this.st.subCount.run(subscriptionId);
      const sub = this.st.subGet.get(subscriptionId) as SubRow | undefined;
      if (sub === undefined) throw new Error(`enqueue: no subscription ${subscriptionId}`);
      const n = kind === 'event-notification' ? sub.event_count : 0;
      return Number(this.st.delInsert.run(subscriptionId, kind, submissionId, n, this.seal(body(n, sub.event_count)), nowMs, nowMs).lastInsertRowid);
    }).immediate();
  }

  dueDeliveries(nowMs: number, limit: number): DeliveryRecord[] {
    return (this.st.delDue.all(nowMs, limit) as DelRow[]).map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      kind: r.kind as DeliveryKind,
      submissionId: r.submission_id,
      eventNumber: r.event_number,
      body: this.open(r.body),
      attempts: r.attempts,
      firstAt: r.first_at,
      nextAt: r.next_at,
    }));
  }

  delivered(id: number, nowMs: number): void {
    this.db.transaction(() => {
      this.st.delDone.run(nowMs, id);
      const r = this.st.delGet.get(id) as { subscription_id: string } | undefined;
      if (r !== undefined) this.st.subSent.run(nowMs, r.subscription_id);
    })();
  }

  retryLater(id: number, nextAt: number, error: string): void {
    this.st.delRetry.run(nextAt, error, id);
  }

  giveUp(id: number, error: string): void {
    this.db.transaction(() => {
      const r = this.st.delGet.get(id) as { subscription_id: string } | undefined;
      if (r === undefined) return;
      this.st.delFailAll.run(error, r.subscription_id);
      this.st.subStatus.run('error', error, now(), r.subscription_id);
    })();
  }

  heartbeatsDue(nowMs: number): SubscriptionRecord[] {
    return (this.st.subHeartbeats.all(nowMs) as SubRow[]).map((r) => this.subscription(r));
  }

  queuedDeliveries(): number {
    return (this.st.delQueued.get() as { n: number }).n;
  }

  addClient(c: Omit<ClientRecord, 'createdAt'>): void {
    this.st.clientInsert.run(c.id, c.name, c.jwks, c.jwksUrl, c.scopes.join(' '), c.mtls ? JSON.stringify(c.mtls) : null, now());
  }

  getClient(id: string): ClientRecord | null {
    const r = this.st.clientGet.get(id) as ClientRow | undefined;
    return r === undefined ? null : toClient(r);
  }

  listClients(): ClientRecord[] {
    return (this.st.clientList.all() as ClientRow[]).map(toClient);
  }

  removeClient(id: string): boolean {
    return this.db.transaction(() => {
      this.st.tokensOfDelete.run(id);
      return this.st.clientDelete.run(id).changes > 0;
    })();
  }

  useAssertion(clientId: string, jti: string, expiresAt: number, nowMs: number): boolean {
    return this.db.transaction(() => {
      this.st.jtiPurge.run(nowMs);
      return this.st.jtiInsert.run(clientId, jti, expiresAt).changes > 0;
    }).immediate();
  }

  saveToken(tokenHash: string, t: AccessToken, nowMs: number): void {
    this.db.transaction(() => {
      this.st.tokenPurge.run(nowMs);
      this.st.tokenInsert.run(tokenHash, t.clientId, t.scopes.join(' '), t.expiresAt);
    })();
  }

  getToken(tokenHash: string): AccessToken | null {
    const r = this.st.tokenGet.get(tokenHash) as { client_id: string; scopes: string; expires_at: number } | undefined;
    return r === undefined ? null : { clientId: r.client_id, scopes: r.scopes.split(' ').filter((x) => x !== ''), expiresAt: r.expires_at };
  }

  stats(): { submissions: number; pendedItems: number; bytes: number } {
    const submissions = (this.st.countSubmissions.get() as { n: number }).n;
    const pendedItems = (this.st.countPended.get() as { n: number }).n;
    let bytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(this.path + suffix).size;
      } catch {
        // no such file (yet)
      }
    }
    return { submissions, pendedItems, bytes };
  }

  /** Rows of a table, for tests and tools (read-only). */
  rows(sql: string, ...params: unknown[]): unknown[] {
    return this.db.prepare(sql).all(...params);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A row with its trace numbers (they live in their own table). */
  private record(r: Row): SubmissionRecord {
    const traces = (this.st.traces.all(r.id) as { trace: string }[]).map((t) => t.trace);
    return toRecord({ ...r, request_body: this.open(r.request_body), answer_body: this.open(r.answer_body), request_x12: this.open(r.request_x12), response_x12: this.open(r.response_x12) }, traces);
  }
}

function toRecord(r: Row, traces: string[]): SubmissionRecord {
  return {
    id: r.id,
    face: r.face,
    submitter: r.submitter,
    key: r.idempotency_key,
    pasVersion: r.pas_version,
    state: r.state === 'answered' ? 'answered' : 'pending',
    requestHash: r.request_hash,
    requestBody: r.request_body,
    answer: r.answer_status === null ? null : { status: r.answer_status, contentType: r.answer_type ?? 'application/fhir+json', body: r.answer_body ?? '' },
    responseX12: r.response_x12,
    correlation: {
      partner: r.partner ?? '',
      bht03: r.bht03,
      claimIdentifier: r.claim_identifier,
      requesterId: r.requester_id,
      memberId: r.member_id,
      payerId: r.payer_id,
      isa13: r.isa13,
      gs06: r.gs06,
      st02: r.st02,
      requestX12: r.request_x12,
      traces,
    },
    priorId: r.prior_id ?? null,
    supersededBy: r.superseded_by ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface SubRow {
  id: string;
  pas_version: string;
  base: string;
  owner: string;
  org_identifier: string;
  endpoint: string;
  headers: string;
  heartbeat_seconds: number | null;
  status: string;
  error: string | null;
  resource: string;
  event_count: number;
  last_sent_at: number | null;
  created_at: string;
  updated_at: string;
}

interface DelRow {
  id: number;
  subscription_id: string;
  kind: string;
  submission_id: number | null;
  event_number: number;
  body: string;
  attempts: number;
  first_at: number;
  next_at: number;
}

function toSubscription(r: SubRow): SubscriptionRecord {
  return {
    id: r.id,
    pasVersion: r.pas_version,
    base: r.base,
    owner: r.owner,
    orgIdentifier: r.org_identifier,
    endpoint: r.endpoint,
    headers: JSON.parse(r.headers) as string[],
    heartbeatSeconds: r.heartbeat_seconds,
    status: r.status as SubscriptionStatus,
    error: r.error,
    resource: r.resource,
    eventCount: r.event_count,
    lastSentAt: r.last_sent_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface ClientRow {
  id: string;
  name: string;
  jwks: string | null;
  jwks_url: string | null;
  scopes: string;
  mtls: string | null;
  created_at: string;
}

function toClient(r: ClientRow): ClientRecord {
  return { id: r.id, name: r.name, jwks: r.jwks, jwksUrl: r.jwks_url, scopes: r.scopes.split(' ').filter((x) => x !== ''), mtls: r.mtls === null ? null : (JSON.parse(r.mtls) as MtlsRequirement), createdAt: r.created_at };
}
