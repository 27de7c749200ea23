/** Errors of the ledger file itself (cannot open it, written by a newer mlsync, unknown run). */
import { EXIT } from '../exit-codes.js';
import type { ExitCode } from '../exit-codes.js';
import { MlsyncError } from '../errors.js';
import type { ErrorOptions } from '../errors.js';

export const LEDGER_ERROR = {
  /** The file cannot be opened or created (permissions, not a SQLite file). */
  UNAVAILABLE: 'LEDGER_UNAVAILABLE',
  /** The file was migrated by a newer mlsync than this one. */
  SCHEMA_TOO_NEW: 'LEDGER_SCHEMA_TOO_NEW',
  /** A caller named a run that is not in the ledger (a bug, not an operator problem). */
  UNKNOWN_RUN: 'LEDGER_UNKNOWN_RUN',
  /** A record update named a state that is not in RECORD_STATE (a bug). */
  INVALID_STATE: 'LEDGER_INVALID_STATE',
} as const;

export class LedgerError extends MlsyncError {
  constructor(code: string, message: string, exitCode: ExitCode = EXIT.INTERNAL, options: ErrorOptions = {}) {
    super(code, message, exitCode, { system: 'ledger', ...options });
  }
}
