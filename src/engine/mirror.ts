/**
 * A mirror flow: master data from the ERP to the AP platform (design.md, "Flows").
 *
 * Read what changed since the watermark (streamed), skip records whose content hash equals what the
 * target last confirmed, hold records that cannot be mapped or that the target would refuse, send the
 * rest in the largest batches the target takes, record each record's outcome, then resend records
 * held on earlier runs, and move the watermark only when every record read has been handled. A crash
 * anywhere leaves the old watermark: the next run reads the same changes again and the content hash
 * keeps it from sending twice what was already confirmed.
 */
import type { ApConnector, ErpConnector, MirrorWrite, SubmittedBatch, WriteOutcome } from '../connectors/types.js';
import type { FlowCounts, RecordUpdate } from '../ledger/types.js';
import { RECORD_STATE, type MirrorEntity } from '../model/entities.js';
import { MIRROR_SCHEMAS } from '../model/schemas.js';
import { contentHash } from './content-hash.js';
import { MlsyncError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { EngineLedger } from './ports.js';

export interface ProgressEvent {
  flow: string;
  phase: 'reading' | 'sending' | 'confirming' | 'retrying' | 'done';
  counts: FlowCounts;
}

export interface FlowContext {
  pair: string;
  runId: string;
  runStartedAt: Date;
  dryRun: boolean;
  /** Ignore the watermark and read everything; the content hash still keeps unchanged records from being sent. */
  full?: boolean;
  ledger: EngineLedger;
  erp: ErpConnector;
  ap: ApConnector;
  onProgress?: (event: ProgressEvent) => void;
  /** Checked between batches; a reason stops the flow (lock lost, interrupted). */
  stopReason: () => string | undefined;
  /** Batches submitted and not yet confirmed, at most (Basware processes them in order). */
  maxPendingBatches?: number;
}

/** The run was asked to stop (signal, lost lock): what was confirmed is kept, the rest waits for the next run. */
export class FlowStopped extends MlsyncError {
  constructor(reason: string) {
    super('RUN_STOPPED', reason, EXIT.PARTIAL);
  }
}

/** Record outcomes per ledger transaction, at most about this many. */
const COMMIT_EVERY = 500;

interface Pending {
  submitted: SubmittedBatch;
  items: Map<string, { record: unknown; hash: string }>;
}

/** Action names written to the audit trail by mirror flows. */
export const MIRROR_AUDIT = {
  WRITTEN: 'mirror.written',
  UNCHANGED: 'mirror.unchanged',
  HELD: 'mirror.held',
  WATERMARK: 'mirror.watermark',
} as const;

/** Runs the flow, counting into `counts` as it goes, so a flow ended by an error still reports what it did. */
export async function runMirrorFlow(
  ctx: FlowContext,
  entity: MirrorEntity,
  counts: FlowCounts = { flow: entity, read: 0, written: 0, unchanged: 0, held: 0, failed: 0 },
): Promise<FlowCounts> {
  const { ledger, pair, runId } = ctx;
  const batchSize = Math.max(1, ctx.ap.batchSize(entity));
  const maxPending = ctx.maxPendingBatches ?? 4;
  const pending: Pending[] = [];
  let batch: Array<MirrorWrite<never> & { hash: string }> = [];
  const progress = (phase: ProgressEvent['phase']) => ctx.onProgress?.({ flow: entity, phase, counts: { ...counts } });

  const hold = (key: string, reason: string, payload: unknown): RecordUpdate => ({
    flow: entity,
    sourceKey: key,
    state: RECORD_STATE.HELD,
    payload,
    lastError: reason,
    attempt: true,
    audit: { action: MIRROR_AUDIT.HELD, outcome: 'held', detail: { reason } },
  });

  // Outcomes are committed in transactions of about a batch; the last of them carries the watermark,
  // so the watermark is always committed with the records it covers (design.md, "Ledger").
  const deferred: RecordUpdate[] = [];
  const commitDeferred = (watermark?: { flow: string; value: string }) => {
    if (ctx.dryRun || (deferred.length === 0 && !watermark)) return;
    ledger.commit(pair, runId, deferred.splice(0), watermark);
  };
  const commit = (updates: RecordUpdate[]) => {
    deferred.push(...updates);
    if (deferred.length >= COMMIT_EVERY) commitDeferred();
  };

  const checkStop = () => {
    const reason = ctx.stopReason();
    if (reason) throw new FlowStopped(reason);
  };

  const confirmOldest = async () => {
    const next = pending.shift();
    if (!next) return;
    progress('confirming');
    const outcomes = await ctx.ap.confirmMirror(next.submitted);
    commit(outcomes.map((o) => outcomeUpdate(entity, o, next.items.get(o.key), counts)));
    progress('sending');
  };

  const flush = async () => {
    if (batch.length === 0) return;
    // A stop (signal, lost lock) takes effect before the next write, never in the middle of one.
    checkStop();
    const items = new Map(batch.map((b) => [b.key, { record: b.record as unknown, hash: b.hash }]));
    const toSend = batch.map(({ key, record }) => ({ key, record }));
    batch = [];
    if (ctx.dryRun) {
      counts.written += toSend.length;
      return;
    }
    const submitted = await ctx.ap.submitMirror(entity, toSend as MirrorWrite<never>[]);
    commit(submitted.settled.map((o) => outcomeUpdate(entity, o, items.get(o.key), counts)));
    if (submitted.pendingKeys.length > 0) pending.push({ submitted, items });
    while (pending.length >= maxPending) await confirmOldest();
  };

  const consider = async (key: string, record: unknown, fromHeld: boolean) => {
    const hash = contentHash(record);
    if (!fromHeld) {
      const known = ledger.getRecord(pair, entity, key);
      if (known && known.state === RECORD_STATE.SYNCED && known.contentHash === hash) {
        counts.unchanged += 1;
        return;
      }
    }
    const refusal = ctx.ap.checkMirror(entity, { key, record: record as never });
    if (refusal) {
      counts.held += 1;
      commit([hold(key, refusal, record)]);
      return;
    }
    batch.push({ key, record: record as never, hash });
    if (batch.length >= batchSize) await flush();
  };

  progress('reading');
  const since = ledger.getWatermark(pair, entity);
  const read = ctx.erp.readMirror(entity, ctx.full ? null : since, { runStartedAt: ctx.runStartedAt });
  try {
    for await (const item of read.items) {
      counts.read += 1;
      if (item.invalid !== undefined) {
        counts.held += 1;
        commit([hold(item.key, item.invalid, item.raw ?? null)]);
      } else {
        await consider(item.key, item.record, false);
      }
      if (counts.read % 50 === 0) {
        checkStop();
        progress('reading');
      }
    }
    await flush();
    while (pending.length > 0) await confirmOldest();
    checkStop();

    // Records held on earlier runs whose stored content is complete are offered again: the cause may have
    // been fixed on the target side (a payment term configured, a vendor created) without any ERP change.
    progress('retrying');
    const schema = MIRROR_SCHEMAS[entity];
    // Handled this run: committed (lastRunId) or about to be (deferred, at most one commit's worth).
    const handledNow = new Set(deferred.map((u) => u.sourceKey));
    for (const held of ledger.listRecords({ pair, flow: entity, states: [RECORD_STATE.HELD] })) {
      if (held.lastRunId === runId || handledNow.has(held.sourceKey)) continue;
      const parsed = schema.safeParse(held.payload);
      if (!parsed.success) continue;
      await consider(held.sourceKey, parsed.data, true);
    }
    await flush();
    while (pending.length > 0) await confirmOldest();
  } catch (err) {
    // Batches already sent have landed or will: record their outcome before giving up, so the ledger
    // and the audit trail hold every write that happened. Best effort: the error that stopped us wins.
    while (pending.length > 0) {
      try {
        await confirmOldest();
      } catch {
        break;
      }
    }
    commitDeferred();
    throw err;
  }

  const next = read.nextWatermark();
  const moves = next !== null && next !== since;
  commitDeferred(moves ? { flow: entity, value: next } : undefined);
  if (!ctx.dryRun && moves) {
    ledger.audit(pair, runId, { flow: entity, action: MIRROR_AUDIT.WATERMARK, outcome: 'ok', detail: { from: since, to: next } });
  }
  progress('done');
  return counts;
}

function outcomeUpdate(
  entity: MirrorEntity,
  outcome: WriteOutcome,
  item: { record: unknown; hash: string } | undefined,
  counts: FlowCounts,
): RecordUpdate {
  const base = { flow: entity, sourceKey: outcome.key, targetKey: outcome.targetKey ?? null, payload: item?.record };
  switch (outcome.status) {
    case 'written':
    case 'unchanged':
      if (outcome.status === 'written') counts.written += 1;
      else counts.unchanged += 1;
      return {
        ...base,
        state: RECORD_STATE.SYNCED,
        contentHash: item?.hash ?? null,
        lastError: null,
        attempt: true,
        audit: {
          action: outcome.status === 'written' ? MIRROR_AUDIT.WRITTEN : MIRROR_AUDIT.UNCHANGED,
          outcome: 'ok',
          detail: { targetKey: outcome.targetKey, requestId: outcome.requestId },
        },
      };
    case 'rejected':
    case 'unconfirmed':
      counts.held += 1;
      return {
        ...base,
        state: RECORD_STATE.HELD,
        lastError: outcome.reason,
        attempt: true,
        audit: {
          action: MIRROR_AUDIT.HELD,
          outcome: 'held',
          detail: { reason: outcome.reason, requestId: outcome.requestId, status: outcome.status },
        },
      };
  }
}
