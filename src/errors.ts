/**
 * The one error hierarchy of mlsync. Every error has a stable `code` (for `--json`, tests and the
 * audit trail), a `retryable` flag (may the same call be tried again) and a message written for the
 * operator: what went wrong, on which system, and what to change. Messages never hold a secret.
 */
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

export interface ErrorOptions {
  /** Whether repeating the same call may succeed. */
  retryable?: boolean;
  /** The system the error concerns: 'infor', 'basware', 'ledger', 'config', ... */
  system?: string;
  cause?: unknown;
}

export class MlsyncError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly system: string | undefined;
  /** What the CLI exits with when this error ends a command. */
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.retryable = options.retryable ?? false;
    this.system = options.system;
  }
}

/** Usage or configuration is wrong; nothing was sent. Exit 2. */
export class ConfigError extends MlsyncError {
  /** `file: key.path: problem` entries, one per problem found. */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = [], options: ErrorOptions = {}) {
    super('CONFIG_INVALID', message, EXIT.CONFIG, options);
    this.problems = problems;
  }
}

/** Credentials were refused by a system. Exit 3. */
export class AuthError extends MlsyncError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('AUTH_FAILED', message, EXIT.CONNECTION, options);
  }
}

/** A system could not be reached, or kept failing after the retries. Exit 3. */
export class ConnectionError extends MlsyncError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('CONNECTION_FAILED', message, EXIT.CONNECTION, { retryable: true, ...options });
  }
}

/** A short, secret-free picture of one HTTP exchange, carried by errors and written to the audit trail. */
export interface HttpSummary {
  method: string;
  url: string;
  status?: number;
  /** First bytes of the response body, redacted. */
  responseBody?: string;
  /** Vendor correlation id (x-amzn-RequestId and the like) when the response had one. */
  requestId?: string;
  durationMs?: number;
}

/** The system answered with an HTTP status we do not treat as success. */
export class HttpError extends MlsyncError {
  readonly status: number;
  readonly summary: HttpSummary;
  constructor(message: string, summary: HttpSummary & { status: number }, options: ErrorOptions = {}) {
    const code = `HTTP_${summary.status}`;
    const exit = summary.status === 401 || summary.status === 403 ? EXIT.CONNECTION : EXIT.INTERNAL;
    super(code, message, exit, options);
    this.status = summary.status;
    this.summary = summary;
  }
}

/**
 * A write was sent, and we cannot know whether it landed (timeout, reset, 5xx after sending).
 * The caller must look the record up before writing again; never retry blind.
 */
export class OutcomeUnknownError extends MlsyncError {
  readonly summary: HttpSummary;
  constructor(message: string, summary: HttpSummary, options: ErrorOptions = {}) {
    super('OUTCOME_UNKNOWN', message, EXIT.PARTIAL, { retryable: false, ...options });
    this.summary = summary;
  }
}

/** A quota is exhausted for longer than it is reasonable to wait; the run stops as partial. */
export class QuotaExhaustedError extends MlsyncError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options: ErrorOptions = {}) {
    super('QUOTA_EXHAUSTED', message, EXIT.PARTIAL, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A system answered something we cannot read (schema mismatch); concerns one record, not the run. */
export class ResponseShapeError extends MlsyncError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('RESPONSE_UNEXPECTED', message, EXIT.PARTIAL, options);
  }
}

/** A business rule of the target refused a record (M3 errorMessage, Basware item Error). */
export class BusinessRejection extends MlsyncError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('BUSINESS_REJECTED', message, EXIT.PARTIAL, options);
  }
}

/** Another run holds the lock for this pair. Exit 4. */
export class LockHeldError extends MlsyncError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('LOCK_HELD', message, EXIT.LOCKED, options);
  }
}

export function isMlsyncError(err: unknown): err is MlsyncError {
  return err instanceof MlsyncError;
}
