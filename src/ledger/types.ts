/**
 * The ledger's contract (implemented in ledger.ts on better-sqlite3). One SQLite file, WAL, versioned
 * migrations, created mode 0600. Every state change of a record and its audit entry are committed in
 * one transaction, together with the watermark they cover when there is one.
 */
import type { RecordState } from '../model/entities.js';

export type RunOutcome = 'running' | 'success' | 'partial' | 'failed';

export interface FlowCounts {
  flow: string;
  read: number;
  written: number;
  unchanged: number;
  held: number;
  failed: number;
}

export interface RunRow {
  id: string;
  pair: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: RunOutcome;
  dryRun: boolean;
  flows: string[];
  counts: FlowCounts[];
  /** Operator-facing error that ended the run, if any. */
  error: string | null;
  pid: number;
}

export interface RecordRow {
  /** Stable id shown by `status` and `audit`, taken by `replay` and `audit show`. */
  id: number;
  pair: string;
  flow: string;
  sourceKey: string;
  targetKey: string | null;
  state: RecordState;
  /** Hash of the content last confirmed on the target; null until confirmed once. */
  contentHash: string | null;
  /** The canonical record as last read from the source (JSON), for retries and replay. */
  payload: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  lastRunId: string | null;
}

export interface AuditEntry {
  id: number;
  ts: string;
  pair: string;
  runId: string | null;
  recordId: number | null;
  flow: string | null;
  /** What happened: 'run.start', 'record.written', 'record.held', 'watermark', 'http' ... */
  action: string;
  /** 'ok' | 'held' | 'failed' | 'skipped' | free text. */
  outcome: string;
  /** Redacted summary (request/response summary, reason, counts). */
  detail: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditInput {
  action: string;
  outcome: string;
  detail?: unknown;
}

/** One record's new state plus the audit entry that explains it. */
export interface RecordUpdate {
  flow: string;
  sourceKey: string;
  state: RecordState;
  targetKey?: string | null;
  /** Set when the target confirmed this content; undefined leaves the stored hash as it is. */
  contentHash?: string | null;
  /** The canonical record; undefined leaves the stored payload as it is. */
  payload?: unknown;
  /** Reason for held/failed; null clears it; undefined leaves it. */
  lastError?: string | null;
  /** Count this as one more attempt. */
  attempt?: boolean;
  audit: AuditInput;
}

export interface LockHolder {
  pair: string;
  runId: string;
  pid: number;
  host: string;
  acquiredAt: string;
  heartbeatAt: string;
}

export type LockResult = { acquired: true; tookOverFrom?: LockHolder } | { acquired: false; holder: LockHolder };

export interface AuditFilter {
  pair?: string;
  flow?: string;
  outcome?: string;
  recordId?: number;
  /** ISO timestamp; entries at or after it. */
  since?: string;
  limit?: number;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match, and why. */
  firstBad?: { id: number; reason: string };
}
