/**
 * Every schema change of the ledger, in order. To change the schema, append one entry with the next
 * version number; never edit an entry that has shipped (ledgers in the field have already run it).
 * Each migration runs in its own transaction (migrate.ts), so a failed one leaves the file as it was.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3 … without gaps; stored in PRAGMA user_version and in schema_migrations. */
  version: number;
  /** Short description, kept in schema_migrations for whoever inspects the file. */
  name: string;
  /** Plain SQL, or a function when a migration must read data to transform it. */
  up: string | ((db: Database) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, records, audit chain, watermarks, locks, token blobs',
    up: `
      CREATE TABLE runs (
        id          TEXT PRIMARY KEY,
        pair        TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'success', 'partial', 'failed')),
        dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        flows       TEXT NOT NULL,   -- JSON array of flow names
        counts      TEXT NOT NULL,   -- JSON array of FlowCounts
        error       TEXT,
        pid         INTEGER NOT NULL
      );
      CREATE INDEX runs_pair_started ON runs (pair, started_at);

      CREATE TABLE records (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        pair         TEXT NOT NULL,
        flow         TEXT NOT NULL,
        source_key   TEXT NOT NULL,
        target_key   TEXT,
        state        TEXT NOT NULL,
        content_hash TEXT,
        payload      TEXT,           -- JSON of the canonical record
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        last_run_id  TEXT,
        UNIQUE (pair, flow, source_key)
      );
      CREATE INDEX records_pair_state ON records (pair, state);

      -- Append-only: ids are assigned by the ledger (head + 1) so a deleted tail is visible.
      CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        ts        TEXT NOT NULL,
        pair      TEXT NOT NULL,
        run_id    TEXT,
        record_id INTEGER REFERENCES records (id),
        flow      TEXT,
        action    TEXT NOT NULL,
        outcome   TEXT NOT NULL,
        detail    TEXT NOT NULL,      -- canonical JSON, redacted
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      );
      CREATE INDEX audit_pair ON audit (pair, id);
      CREATE INDEX audit_record ON audit (record_id);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted'); END;

      -- The id and hash of the newest audit entry, so removing entries from the end is detected too.
      CREATE TABLE audit_head (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        last_id   INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      );

      CREATE TABLE watermarks (
        pair       TEXT NOT NULL,
        flow       TEXT NOT NULL,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair, flow)
      );

      CREATE TABLE locks (
        pair         TEXT PRIMARY KEY,
        run_id       TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        acquired_at  TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );

      -- Token blobs are encrypted by the caller (src/auth/token-cache.ts); the ledger never sees plaintext.
      CREATE TABLE token_blobs (
        key        TEXT PRIMARY KEY,
        blob       BLOB NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'webhook inbox',
    up: `
      -- Accepted push notifications (src/webhook), written before the receiver answers 200 and drained
      -- under the pair lock. task_id is the de-dup key for redeliveries (apis/basware.md §6, step 5).
      CREATE TABLE webhook_inbox (
        task_id       TEXT PRIMARY KEY,
        pair          TEXT NOT NULL,
        document_id   TEXT NOT NULL,
        task_type     TEXT NOT NULL,
        task_sub_type TEXT,
        received_at   TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('new', 'processing', 'done')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        updated_at    TEXT NOT NULL
      );
      CREATE INDEX webhook_inbox_pair_state ON webhook_inbox (pair, state, received_at);
      CREATE INDEX webhook_inbox_received ON webhook_inbox (received_at);
    `,
  },
];

/** The schema version this build of mlsync writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1]!.version;
