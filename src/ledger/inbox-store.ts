/**
 * The webhook inbox: push notifications the receiver accepted, waiting to be drained by the engine
 * (under the pair lock, through the invoice outbox). A row is written in its own transaction before the
 * receiver answers 200, so an accepted notification survives the receiver dying right after.
 */
import type { Database, Statement } from 'better-sqlite3';

export const INBOX_STATE = {
  /** Accepted, not yet picked up by a drain. */
  NEW: 'new',
  /** A drain took it; if that drain died, the next one (holding the pair lock) takes it again. */
  PROCESSING: 'processing',
  /** Handled (posted, or found not to need posting); kept only as the de-dup key until purged. */
  DONE: 'done',
} as const;
export type InboxState = (typeof INBOX_STATE)[keyof typeof INBOX_STATE];

/** How long a done taskId is kept for de-dup (`webhookDedupTtlHours`, > the 24 h retry window; apis/basware.md §6). */
export const DEFAULT_DEDUP_TTL_HOURS = 168;

/** What the receiver stores of a notification (apis/basware.md §5); it carries no document data. */
export interface InboxNotification {
  taskId: string;
  documentId: string;
  taskType: string;
  taskSubType?: string | null;
}

export interface InboxRow {
  taskId: string;
  pair: string;
  documentId: string;
  taskType: string;
  taskSubType: string | null;
  receivedAt: string;
  state: InboxState;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

export type AcceptResult = 'accepted' | 'duplicate';

const HOUR_MS = 3_600_000;
const COLUMNS = `task_id AS taskId, pair, document_id AS documentId, task_type AS taskType, task_sub_type AS taskSubType,
  received_at AS receivedAt, state, attempts, last_error AS lastError, updated_at AS updatedAt`;

export class InboxStore {
  private readonly insertStmt: Statement<[string, string, string, string, string | null, string, string]>;
  private readonly pendingStmt: Statement<[string], InboxRow>;
  private readonly getStmt: Statement<[string], InboxRow>;
  private readonly markStmt: Statement<{ taskId: string; state: string; error: string | null; attempt: number; now: string }>;
  private readonly purgeStmt: Statement<[string]>;

  constructor(db: Database) {
    // INSERT OR IGNORE on the primary key: a redelivery racing the first delivery is a no-op, not an error.
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO webhook_inbox (task_id, pair, document_id, task_type, task_sub_type, received_at, state, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'new', ?)`,
    );
    this.pendingStmt = db.prepare(
      `SELECT ${COLUMNS} FROM webhook_inbox WHERE pair = ? AND state IN ('new', 'processing') ORDER BY received_at, task_id`,
    );
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM webhook_inbox WHERE task_id = ?`);
    this.markStmt = db.prepare(
      `UPDATE webhook_inbox SET state = @state, last_error = @error, attempts = attempts + @attempt, updated_at = @now
       WHERE task_id = @taskId`,
    );
    // Only done rows go: a row not yet processed is never dropped, however old.
    this.purgeStmt = db.prepare(`DELETE FROM webhook_inbox WHERE state = 'done' AND received_at < ?`);
  }

  accept(pair: string, n: InboxNotification, now: string): AcceptResult {
    const res = this.insertStmt.run(n.taskId, pair, n.documentId, n.taskType, n.taskSubType ?? null, now, now);
    return res.changes === 1 ? 'accepted' : 'duplicate';
  }

  pending(pair: string): InboxRow[] {
    return this.pendingStmt.all(pair);
  }

  get(taskId: string): InboxRow | undefined {
    return this.getStmt.get(taskId);
  }

  /** Taking a row into `processing` counts one attempt. false when the taskId is unknown. */
  mark(taskId: string, state: InboxState, error: string | null, now: string): boolean {
    const attempt = state === INBOX_STATE.PROCESSING ? 1 : 0;
    return this.markStmt.run({ taskId, state, error, attempt, now }).changes === 1;
  }

  purge(ttlHours: number, now: Date): number {
    const cutoff = new Date(now.getTime() - ttlHours * HOUR_MS).toISOString();
    return this.purgeStmt.run(cutoff).changes;
  }
}
