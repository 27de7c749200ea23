/**
 * Brings a ledger file up to the schema this build writes. PRAGMA user_version is the authority;
 * schema_migrations keeps a readable history (version, name, when). Each migration runs in a
 * BEGIN IMMEDIATE transaction and re-reads the version inside it, so two processes opening a fresh
 * file at once apply every migration exactly once.
 */
import type { Database } from 'better-sqlite3';
import { EXIT } from '../exit-codes.js';
import { LEDGER_ERROR, LedgerError } from './errors.js';
import { MIGRATIONS } from './migrations.js';
import type { Migration } from './migrations.js';

const HISTORY_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`ledger migrations must be numbered 1, 2, 3 … in order; entry ${i} has version ${m.version}`);
    }
  });
}

/** Applies the pending migrations; returns the versions applied (empty when the file was current). */
export function migrate(db: Database, file: string, now: () => Date, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new LedgerError(
      LEDGER_ERROR.SCHEMA_TOO_NEW,
      `The ledger ${file} was written by a newer mlsync (schema version ${current}; this mlsync knows up to ${latest}). ` +
        `Upgrade mlsync, or point --db / MLSYNC_DB at another file.`,
      EXIT.CONFIG,
    );
  }
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    const apply = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return; // another process got there first
      db.exec(HISTORY_TABLE);
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now().toISOString());
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    });
    apply.immediate();
  }
  return applied;
}
