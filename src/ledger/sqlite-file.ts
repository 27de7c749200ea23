/**
 * Opens the ledger's SQLite file the way mlsync needs it: its folder created, the file readable by its
 * owner only (it holds encrypted tokens and the audit trail), WAL so `status` can read while a run
 * writes, and a busy timeout so two cron jobs touching the same file wait instead of failing.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { EXIT } from '../exit-codes.js';
import { LEDGER_ERROR, LedgerError } from './errors.js';

/** `:memory:` opens a throw-away ledger (tests of other layers). */
export const IN_MEMORY = ':memory:';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const BUSY_TIMEOUT_MS = 5000;
/** WAL side files; SQLite copies the main file's mode, chmod makes sure whatever the umask. */
const SIDE_FILE_SUFFIXES = ['-wal', '-shm'];

function createPrivateFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: DIR_MODE });
  if (existsSync(file)) return;
  const fd = openSync(file, 'a', FILE_MODE);
  closeSync(fd);
  chmodSync(file, FILE_MODE);
}

function cannotOpen(file: string, err: unknown): LedgerError {
  const code = (err as { code?: string }).code ?? '';
  const reason =
    code === 'SQLITE_NOTADB'
      ? 'the file is not a SQLite database'
      : code === 'EACCES' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY'
        ? 'permission denied or the folder does not exist'
        : err instanceof Error
          ? err.message
          : String(err);
  return new LedgerError(
    LEDGER_ERROR.UNAVAILABLE,
    `Cannot open the ledger ${file}: ${reason}. Point --db or MLSYNC_DB at a writable file.`,
    EXIT.CONFIG,
    { cause: err },
  );
}

export function openSqlite(file: string): Db {
  let db: Db | undefined;
  try {
    if (file !== IN_MEMORY) createPrivateFile(file);
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // FULL: a committed `posting` state must survive a power cut, or the next run could write twice.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db?.close();
    throw cannotOpen(file, err);
  }
  if (file !== IN_MEMORY) {
    for (const suffix of SIDE_FILE_SUFFIXES) {
      try {
        if (existsSync(file + suffix)) chmodSync(file + suffix, FILE_MODE);
      } catch {
        // Another user's side files (a shared ledger): their mode is theirs to keep.
      }
    }
  }
  return db;
}
