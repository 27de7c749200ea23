/**
 * The ledger: mlsync's one SQLite file (design.md, "Ledger"). This class opens and migrates the file
 * and decides the transaction boundaries; each table's statements live in their own module. Every
 * write that must be atomic (records + their audit entries + the watermark) is one BEGIN IMMEDIATE
 * transaction, so a crash, or an exception half-way through a batch, leaves nothing of it behind.
 */
import type { Database } from 'better-sqlite3';
import { RECORD_STATE } from '../model/entities.js';
import type { RecordState } from '../model/entities.js';
import type { TokenBlobStore } from '../auth/types.js';
import type { Redactor } from '../secrets/redactor.js';
import { AuditLog } from './audit-log.js';
import type { AuditAppend } from './audit-log.js';
import { BlobStore } from './blob-store.js';
import { LEDGER_ERROR, LedgerError } from './errors.js';
import { DEFAULT_DEDUP_TTL_HOURS, INBOX_STATE, InboxStore } from './inbox-store.js';
import type { AcceptResult, InboxNotification, InboxRow, InboxState } from './inbox-store.js';
import { migrate, schemaVersion } from './migrate.js';
import { RecordStore } from './record-store.js';
import type { RecordCount, RecordFilter } from './record-store.js';
import { RunLocks } from './run-lock.js';
import type { RunLockOptions } from './run-lock.js';
import { RunStore } from './run-store.js';
import type { FinishRunInput, StartRunInput } from './run-store.js';
import { openSqlite } from './sqlite-file.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditVerifyResult,
  LockResult,
  RecordRow,
  RecordUpdate,
  RunRow,
} from './types.js';
import { Watermarks } from './watermarks.js';
import type { WatermarkRow } from './watermarks.js';

export { newRunId } from './run-store.js';
export { DEFAULT_DEDUP_TTL_HOURS, INBOX_STATE } from './inbox-store.js';
export type { AcceptResult, InboxNotification, InboxRow, InboxState } from './inbox-store.js';

export interface LedgerOptions {
  /** Scrubs audit details, record errors and run errors before they are stored. */
  redactor?: Redactor;
  /** The clock for every timestamp the ledger writes (tests inject one). */
  now?: () => Date;
  /** Host name and liveness check used for lock takeover (tests inject them). */
  locks?: RunLockOptions;
}

const KNOWN_STATES = new Set<string>(Object.values(RECORD_STATE));
const KNOWN_INBOX_STATES = new Set<string>(Object.values(INBOX_STATE));
/** Audit action of an accepted notification, written in the same transaction as the inbox row. */
const AUDIT_WEBHOOK_ACCEPTED = 'webhook.accepted';

export class Ledger implements TokenBlobStore {
  readonly file: string;
  private readonly db: Database;
  private readonly now: () => Date;
  private readonly redactor: Redactor | undefined;
  private readonly runs: RunStore;
  private readonly records: RecordStore;
  private readonly auditLog: AuditLog;
  private readonly watermarks: Watermarks;
  private readonly locks: RunLocks;
  private readonly blobs: BlobStore;
  private readonly inbox: InboxStore;

  private constructor(file: string, db: Database, opts: LedgerOptions) {
    this.file = file;
    this.db = db;
    this.now = opts.now ?? (() => new Date());
    this.redactor = opts.redactor;
    this.runs = new RunStore(db);
    this.records = new RecordStore(db, opts.redactor);
    this.auditLog = new AuditLog(db, opts.redactor);
    this.watermarks = new Watermarks(db);
    this.locks = new RunLocks(db, opts.locks);
    this.blobs = new BlobStore(db);
    this.inbox = new InboxStore(db);
  }

  /** Opens (creating folder and file, mode 0600) and migrates the ledger. Throws LedgerError. */
  static open(file: string, opts: LedgerOptions = {}): Ledger {
    const db = openSqlite(file);
    try {
      migrate(db, file, opts.now ?? (() => new Date()));
      return new Ledger(file, db, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The schema version of the open file (PRAGMA user_version). */
  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ── runs ────────────────────────────────────────────────────────────────────────────────────

  startRun(input: StartRunInput): RunRow {
    return this.runs.start(input, this.now());
  }

  finishRun(runId: string, result: FinishRunInput): void {
    const error = result.error && this.redactor ? this.redactor.text(result.error) : result.error;
    if (!this.runs.finishRun(runId, { ...result, error }, this.now())) {
      throw new LedgerError(LEDGER_ERROR.UNKNOWN_RUN, `ledger: no run ${runId} to finish`);
    }
  }

  getRun(id: string): RunRow | undefined {
    return this.runs.get(id);
  }

  /** Newest first. */
  listRuns(filter?: { pair?: string; limit?: number }): RunRow[] {
    return this.runs.list(filter);
  }

  // ── locks ───────────────────────────────────────────────────────────────────────────────────

  acquireLock(pair: string, runId: string, opts: { staleAfterMs: number }): LockResult {
    return this.locks.acquire(pair, runId, opts.staleAfterMs, this.now());
  }

  /** false if the lock is no longer ours. */
  heartbeat(pair: string, runId: string): boolean {
    return this.locks.heartbeat(pair, runId, this.now());
  }

  releaseLock(pair: string, runId: string): void {
    this.locks.release(pair, runId);
  }

  // ── watermarks and records ──────────────────────────────────────────────────────────────────

  getWatermark(pair: string, flow: string): string | null {
    return this.watermarks.get(pair, flow);
  }

  listWatermarks(pair?: string): WatermarkRow[] {
    return this.watermarks.list(pair);
  }

  getRecord(pair: string, flow: string, sourceKey: string): RecordRow | undefined {
    return this.records.get(pair, flow, sourceKey);
  }

  getRecordById(id: number): RecordRow | undefined {
    return this.records.getById(id);
  }

  /** Oldest first. */
  listRecords(filter?: RecordFilter): RecordRow[] {
    return this.records.list(filter);
  }

  countRecords(pair?: string): RecordCount[] {
    return this.records.count(pair);
  }

  /**
   * Apply updates (upsert by pair+flow+sourceKey), one audit entry per update (linked to the
   * record), and the watermark if given — ONE transaction. Returns the records as stored.
   */
  commit(pair: string, runId: string | null, updates: RecordUpdate[], watermark?: { flow: string; value: string }): RecordRow[] {
    const apply = this.db.transaction((): RecordRow[] => {
      const ts = this.now().toISOString();
      const rows = updates.map((update) => {
        assertState(update.state);
        return this.records.upsert(pair, runId, update, ts);
      });
      this.auditLog.appendAll(
        pair,
        runId,
        updates.map((update, i) => ({ ...update.audit, flow: update.flow, recordId: rows[i]!.id })),
        ts,
      );
      if (watermark) this.watermarks.set(pair, watermark.flow, watermark.value, ts);
      return rows;
    });
    return apply.immediate();
  }

  // ── audit ───────────────────────────────────────────────────────────────────────────────────

  audit(pair: string, runId: string | null, entry: AuditAppend): AuditEntry {
    const append = this.db.transaction(() => this.auditLog.append(pair, runId, entry, this.now().toISOString()));
    return append.immediate();
  }

  /** Newest first. */
  listAudit(filter?: AuditFilter): AuditEntry[] {
    return this.auditLog.list(filter);
  }

  getAuditEntry(id: number): AuditEntry | undefined {
    return this.auditLog.get(id);
  }

  verifyAudit(): AuditVerifyResult {
    return this.auditLog.verify();
  }

  // ── webhook inbox ───────────────────────────────────────────────────────────────────────────

  /**
   * Stores an accepted notification and its audit entry in ONE committed transaction (call it before
   * answering 200). 'duplicate' when the taskId is already in the inbox: nothing is written.
   */
  acceptNotification(pair: string, n: InboxNotification): AcceptResult {
    const accept = this.db.transaction((): AcceptResult => {
      const ts = this.now().toISOString();
      const result = this.inbox.accept(pair, n, ts);
      if (result === 'accepted') {
        this.auditLog.append(
          pair,
          null,
          {
            action: AUDIT_WEBHOOK_ACCEPTED,
            outcome: 'ok',
            detail: { taskId: n.taskId, documentId: n.documentId, taskType: n.taskType, taskSubType: n.taskSubType ?? null },
          },
          ts,
        );
      }
      return result;
    });
    return accept.immediate();
  }

  /** Rows still to handle (state new or processing), oldest first. Drain them under the pair lock. */
  pendingInbox(pair: string): InboxRow[] {
    return this.inbox.pending(pair);
  }

  getInboxEntry(taskId: string): InboxRow | undefined {
    return this.inbox.get(taskId);
  }

  /** Moves a row to `state` (processing counts an attempt); `error` is redacted, omitted clears it. false if unknown. */
  markInbox(taskId: string, state: InboxState, error?: string): boolean {
    if (!KNOWN_INBOX_STATES.has(state)) {
      throw new LedgerError(
        LEDGER_ERROR.INVALID_STATE,
        `ledger: '${state}' is not an inbox state (${[...KNOWN_INBOX_STATES].join(', ')})`,
      );
    }
    const stored = error === undefined ? null : this.redactor ? this.redactor.text(error) : error;
    return this.inbox.mark(taskId, state, stored, this.now().toISOString());
  }

  /** Drops done rows received more than `ttlHours` ago (their taskIds stop de-duplicating). Returns how many. */
  purgeInbox(ttlHours: number = DEFAULT_DEDUP_TTL_HOURS): number {
    return this.inbox.purge(ttlHours, this.now());
  }

  // ── token blobs (TokenBlobStore) ────────────────────────────────────────────────────────────

  loadBlob(key: string): Buffer | undefined {
    return this.blobs.load(key);
  }

  saveBlob(key: string, blob: Buffer): void {
    this.blobs.save(key, blob, this.now().toISOString());
  }

  removeBlob(key: string): void {
    this.blobs.remove(key);
  }
}

function assertState(state: string): asserts state is RecordState {
  if (!KNOWN_STATES.has(state)) {
    throw new LedgerError(LEDGER_ERROR.INVALID_STATE, `ledger: '${state}' is not a record state (${[...KNOWN_STATES].join(', ')})`);
  }
}
