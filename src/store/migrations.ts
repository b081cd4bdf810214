/**
 * The store's schema, as numbered migrations applied in order and recorded in `schema_version`.
 * Plain SQL that PostgreSQL also reads (TEXT, INTEGER, BIGINT-sized integers, no SQLite-only
 * types), so a PostgreSQL store can run the same statements.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'submissions, items, control numbers, audit',
    statements: [
      `CREATE TABLE control_numbers (
         partner TEXT NOT NULL,
         kind TEXT NOT NULL,
         last_value INTEGER NOT NULL,
         PRIMARY KEY (partner, kind)
       )`,
      `CREATE TABLE submissions (
         id INTEGER PRIMARY KEY,
         face TEXT NOT NULL,
         submitter TEXT NOT NULL,
         idempotency_key TEXT NOT NULL,
         pas_version TEXT,
         state TEXT NOT NULL,
         request_hash TEXT NOT NULL,
         request_body TEXT,
         answer_status INTEGER,
         answer_type TEXT,
         answer_body TEXT,
         request_x12 TEXT,
         response_x12 TEXT,
         partner TEXT,
         bht03 TEXT,
         claim_identifier TEXT,
         requester_id TEXT,
         member_id TEXT,
         payer_id TEXT,
         isa13 TEXT,
         gs06 TEXT,
         st02 TEXT,
         response_isa13 TEXT,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         UNIQUE (submitter, idempotency_key)
       )`,
      `CREATE INDEX submissions_party ON submissions (requester_id, member_id)`,
      `CREATE INDEX submissions_bht03 ON submissions (bht03)`,
      `CREATE TABLE items (
         submission_id INTEGER NOT NULL,
         position INTEGER NOT NULL,
         trace TEXT,
         decision TEXT,
         auth_number TEXT,
         updated_at TEXT NOT NULL,
         PRIMARY KEY (submission_id, position)
       )`,
      `CREATE INDEX items_trace ON items (trace)`,
      `CREATE INDEX items_auth ON items (auth_number)`,
      `CREATE TABLE trace_numbers (
         submission_id INTEGER NOT NULL,
         trace TEXT NOT NULL,
         PRIMARY KEY (submission_id, trace)
       )`,
      `CREATE INDEX trace_numbers_trace ON trace_numbers (trace)`,
      `CREATE TABLE audit (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         who TEXT NOT NULL,
         kind TEXT NOT NULL,
         outcome TEXT NOT NULL,
         submission_id INTEGER,
         bytes_in INTEGER NOT NULL,
         bytes_out INTEGER NOT NULL,
         sha256_in TEXT,
         sha256_out TEXT
       )`,
    ],
  },
  {
    version: 2,
    name: 'subscriptions and their delivery queue',
    statements: [
      `CREATE TABLE subscriptions (
         id TEXT PRIMARY KEY,
         pas_version TEXT NOT NULL,
         base TEXT NOT NULL,
         owner TEXT NOT NULL,
         org_identifier TEXT NOT NULL,
         endpoint TEXT NOT NULL,
         headers TEXT NOT NULL,
         heartbeat_seconds INTEGER,
         status TEXT NOT NULL,
         error TEXT,
         resource TEXT NOT NULL,
         event_count INTEGER NOT NULL,
         last_sent_at BIGINT,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
      `CREATE INDEX subscriptions_org ON subscriptions (pas_version, org_identifier)`,
      `CREATE TABLE deliveries (
         id INTEGER PRIMARY KEY,
         subscription_id TEXT NOT NULL,
         kind TEXT NOT NULL,
         submission_id INTEGER,
         event_number INTEGER NOT NULL,
         body TEXT NOT NULL,
         state TEXT NOT NULL,
         attempts INTEGER NOT NULL,
         first_at BIGINT NOT NULL,
         next_at BIGINT NOT NULL,
         last_error TEXT,
         done_at BIGINT
       )`,
      `CREATE INDEX deliveries_due ON deliveries (state, next_at)`,
      `CREATE INDEX deliveries_subscription ON deliveries (subscription_id, state, id)`,
    ],
  },
  {
    version: 3,
    name: 'clients, their used assertion ids, access tokens',
    statements: [
      `CREATE TABLE clients (
         id TEXT PRIMARY KEY,
         name TEXT NOT NULL,
         jwks TEXT,
         jwks_url TEXT,
         scopes TEXT NOT NULL,
         created_at TEXT NOT NULL
       )`,
      `CREATE TABLE used_assertions (
         client_id TEXT NOT NULL,
         jti TEXT NOT NULL,
         expires_at BIGINT NOT NULL,
         PRIMARY KEY (client_id, jti)
       )`,
      `CREATE TABLE access_tokens (
         token_hash TEXT PRIMARY KEY,
         client_id TEXT NOT NULL,
         scopes TEXT NOT NULL,
         expires_at BIGINT NOT NULL
       )`,
    ],
  },
  {
    version: 4,
    name: 'claim updates (a submission updating a prior one), item sequences and cancels, mutual TLS per client',
    statements: [
      `ALTER TABLE submissions ADD COLUMN prior_id INTEGER`,
      `ALTER TABLE submissions ADD COLUMN superseded_by INTEGER`,
      `CREATE INDEX submissions_claim ON submissions (submitter, claim_identifier)`,
      `ALTER TABLE items ADD COLUMN sequence INTEGER`,
      `ALTER TABLE items ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE clients ADD COLUMN mtls TEXT`,
    ],
  },
];
