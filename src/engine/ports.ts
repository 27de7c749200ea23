/**
 * What the engine needs of the ledger. The Ledger class (src/ledger/ledger.ts) provides it; the engine
 * names only this, so its tests can reason about exactly the calls a run makes.
 */
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  FlowCounts,
  LockResult,
  RecordRow,
  RecordUpdate,
  RunOutcome,
  RunRow,
} from '../ledger/types.js';
import type { RecordState } from '../model/entities.js';

export interface EngineLedger {
  startRun(input: { pair: string; dryRun: boolean; flows: string[]; id?: string }): RunRow;
  finishRun(runId: string, result: { outcome: RunOutcome; counts: FlowCounts[]; error?: string | null }): void;
  acquireLock(pair: string, runId: string, opts: { staleAfterMs: number }): LockResult;
  heartbeat(pair: string, runId: string): boolean;
  releaseLock(pair: string, runId: string): void;
  getWatermark(pair: string, flow: string): string | null;
  getRecord(pair: string, flow: string, sourceKey: string): RecordRow | undefined;
  listRecords(filter?: { pair?: string; flow?: string; states?: RecordState[]; limit?: number }): RecordRow[];
  commit(pair: string, runId: string | null, updates: RecordUpdate[], watermark?: { flow: string; value: string }): RecordRow[];
  audit(pair: string, runId: string | null, entry: AuditInput & { flow?: string; recordId?: number }): AuditEntry;
  listAudit(filter?: AuditFilter): AuditEntry[];
}
