import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
import type { Answer, AuditEntry, BeginResult, ControlKind, Correlation, GatewayStore, InquiryMatch, ItemDecision, SubmissionRecord } from './types.js';

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

  constructor(path: string) {
    this.path = path;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // A killed process loses nothing committed (WAL in the OS cache); a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.st = this.prepare();
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
      itemInsert: d.prepare('INSERT INTO items (submission_id, position, trace, decision, auth_number, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      items: d.prepare('SELECT position, trace, decision, auth_number FROM items WHERE submission_id = ? ORDER BY position'),
      byTrace: d.prepare('SELECT submission_id FROM trace_numbers WHERE trace = ? ORDER BY submission_id DESC'),
      byBht03: d.prepare("SELECT id FROM submissions WHERE bht03 = ? AND face = 'pas' ORDER BY id DESC"),
      byParty: d.prepare(
        "SELECT * FROM submissions WHERE face = 'pas' AND state = 'answered' AND requester_id = ? AND member_id = ? ORDER BY id",
      ),
      audit: d.prepare(
        'INSERT INTO audit (at, who, kind, outcome, submission_id, bytes_in, bytes_out, sha256_in, sha256_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
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
      const r = this.st.insert.run(face, submitter, key, pasVersion, requestHash, requestBody, t, t);
      return { kind: 'new', id: Number(r.lastInsertRowid) };
    }).immediate();
  }

  restart(id: number): void {
    this.st.touch.run(now(), id);
  }

  correlate(id: number, c: Correlation): void {
    this.db.transaction(() => {
      this.st.correlate.run(c.partner, c.bht03, c.claimIdentifier, c.requesterId, c.memberId, c.payerId, c.isa13, c.gs06, c.st02, c.requestX12, now(), id);
      this.st.traceDelete.run(id);
      for (const t of c.traces) this.st.traceInsert.run(id, t);
    })();
  }

  answer(id: number, answer: Answer, responseX12: string | null, items: readonly ItemDecision[]): void {
    this.db.transaction(() => {
      const t = now();
      this.st.answer.run(answer.status, answer.contentType, answer.body, responseX12, t, id);
      this.writeItems(id, items, t);
    })();
  }

  update(id: number, answer: Answer, responseX12: string, items: readonly ItemDecision[]): void {
    this.answer(id, answer, responseX12, items);
  }

  private writeItems(id: number, items: readonly ItemDecision[], t: string): void {
    this.st.itemsDelete.run(id);
    for (const i of items) this.st.itemInsert.run(id, i.position, i.trace, i.decision, i.authNumber, t);
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
    return (this.st.items.all(id) as { position: number; trace: string | null; decision: string | null; auth_number: string | null }[]).map((r) => ({
      position: r.position,
      trace: r.trace,
      decision: r.decision,
      authNumber: r.auth_number,
    }));
  }

  match(q: InquiryMatch): SubmissionRecord[] {
    if (q.requesterId === null || q.memberId === null) return [];
    const rows = (this.st.byParty.all(q.requesterId, q.memberId) as Row[]).map((r) => this.record(r));
    if (q.references.length === 0) return rows;
    const wanted = new Set(q.references);
    return rows.filter((r) => {
      const c = r.correlation;
      if ((c.bht03 !== null && wanted.has(c.bht03)) || (c.claimIdentifier !== null && wanted.has(c.claimIdentifier))) return true;
      if (c.traces.some((t) => wanted.has(t))) return true;
      return this.items(r.id).some((i) => (i.authNumber !== null && wanted.has(i.authNumber)) || (i.trace !== null && wanted.has(i.trace)));
    });
  }

  audit(e: AuditEntry): void {
    this.st.audit.run(now(), e.who, e.kind, e.outcome, e.submissionId ?? null, e.bytesIn, e.bytesOut, e.sha256In ?? null, e.sha256Out ?? null);
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
    return toRecord(r, traces);
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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
