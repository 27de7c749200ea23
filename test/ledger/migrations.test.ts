import { statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LEDGER_ERROR, LedgerError } from '../../src/ledger/errors.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { migrate } from '../../src/ledger/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/ledger/migrations.js';
import type { Migration } from '../../src/ledger/migrations.js';
import { EXIT } from '../../src/exit-codes.js';
import { tempLedgerPath, TestClock } from './helpers.js';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('ledger file and migrations', () => {
  it('creates the folder and a 0600 file in WAL mode, migrated to the latest version', () => {
    const file = tempLedgerPath();
    const ledger = Ledger.open(file);
    try {
      expect(ledger.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(mode(file)).toBe(0o600);
      ledger.saveBlob('k', Buffer.from('x')); // a write, so the WAL side files surely exist
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      ledger.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const history = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(history).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      raw.close();
    }
  });

  it('opens a throw-away in-memory ledger for other layers\' tests', () => {
    const ledger = Ledger.open(':memory:');
    try {
      expect(ledger.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      ledger.audit('p', null, { action: 'a', outcome: 'ok' });
      expect(ledger.verifyAudit().ok).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('reopens an existing ledger without re-running migrations and keeps its data', () => {
    const file = tempLedgerPath();
    const first = Ledger.open(file);
    const run = first.startRun({ pair: 'infor-basware', dryRun: false, flows: ['suppliers'] });
    first.close();

    const second = Ledger.open(file);
    try {
      expect(second.getRun(run.id)?.pair).toBe('infor-basware');
      const raw = new Database(file);
      try {
        expect(migrate(raw, file, () => new Date())).toEqual([]);
        expect(raw.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
      } finally {
        raw.close();
      }
    } finally {
      second.close();
    }
  });

  it('refuses a ledger written by a newer mlsync, saying what to do', () => {
    const file = tempLedgerPath();
    Ledger.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();

    let caught: unknown;
    try {
      Ledger.open(file).close();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LedgerError);
    const err = caught as LedgerError;
    expect(err.code).toBe(LEDGER_ERROR.SCHEMA_TOO_NEW);
    expect(err.exitCode).toBe(EXIT.CONFIG);
    expect(err.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    expect(err.message).toContain('Upgrade mlsync');
  });

  it('reports a file that is not a SQLite database as a ledger problem, not a crash', () => {
    const file = tempLedgerPath();
    Ledger.open(file).close(); // creates the folder
    writeFileSync(file, 'this is not sqlite, just some text long enough to have a header '.repeat(20));
    expect(() => Ledger.open(file)).toThrowError(/Cannot open the ledger .*not a SQLite database.*--db or MLSYNC_DB/);
  });

  it('runs each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const file = tempLedgerPath();
    Ledger.open(file).close();
    const raw = new Database(file);
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'half done', up: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);' },
    ];
    try {
      expect(() => migrate(raw, file, new TestClock().now, broken)).toThrow(/no_such_table/);
      expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    } finally {
      raw.close();
    }
  });

  it('applies a newly appended migration once, and refuses a list with a gap', () => {
    const file = tempLedgerPath();
    Ledger.open(file).close();
    const raw = new Database(file);
    const next: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'webhook inbox', up: 'CREATE TABLE inbox (id TEXT PRIMARY KEY)' }];
    try {
      expect(migrate(raw, file, () => new Date(), next)).toEqual([MIGRATIONS.length + 1]);
      expect(migrate(raw, file, () => new Date(), next)).toEqual([]);
      const gap: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 5, name: 'gap', up: '' }];
      expect(() => migrate(raw, file, () => new Date(), gap)).toThrow(/numbered 1, 2, 3/);
    } finally {
      raw.close();
    }
  });
});
