/**
 * Runs one pair: takes the pair's lock (a second run exits at once), records the run, runs the
 * selected flows in order (mirror, then post, then confirm) with a heartbeat on the lock, and finishes
 * the run with its counts.
 *
 * Errors that concern one record never reach here (flows hold the record and go on). What does reach
 * here ends the run: a refused login or an unreachable system (exit 3), an exhausted quota (partial),
 * a lost lock or an interruption (partial), anything else (internal).
 */
import { hostname } from 'node:os';
import type { ApConnector, ErpConnector } from '../connectors/types.js';
import { LockHeldError, MlsyncError, QuotaExhaustedError, isMlsyncError } from '../errors.js';
import type { FlowCounts, RunOutcome } from '../ledger/types.js';
import type { FlowDef } from './flows.js';
import { FlowStopped, runMirrorFlow, type ProgressEvent } from './mirror.js';
import type { EngineLedger } from './ports.js';
import type { MirrorEntity } from '../model/entities.js';
import { runInvoiceFlow, type CallCapture } from './invoices.js';
import { runPaymentFlow } from './payments.js';
import { newRunId } from '../ledger/run-store.js';

export interface RunOptions {
  pair: string;
  ledger: EngineLedger;
  erp: ErpConnector;
  ap: ApConnector;
  flows: readonly FlowDef[];
  dryRun: boolean;
  /** Re-read everything instead of the changes since the watermark. */
  full?: boolean;
  /** Tell the AP platform about invoices the ERP refused (config invoices.sendFailureResponse). */
  sendFailureResponse?: boolean;
  /** Collects each invoice's HTTP calls for its audit entries. */
  calls?: CallCapture;
  lockStaleSeconds: number;
  heartbeatSeconds: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Aborted by SIGINT/SIGTERM: the run stops between batches and releases its lock. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface RunSummary {
  pair: string;
  runId: string;
  outcome: 'success' | 'partial' | 'failed';
  dryRun: boolean;
  flows: FlowCounts[];
  startedAt: string;
  finishedAt: string;
  /** What ended the run early, for the operator. */
  error?: { code: string; message: string; system?: string };
}

/** The result of a run that ended with an error the CLI turns into an exit code. */
export class RunFailed extends Error {
  constructor(
    readonly summary: RunSummary,
    readonly error: MlsyncError | Error,
  ) {
    super(error.message);
  }
}

/** What a body running under the pair's lock gets. */
export interface RunScope {
  runId: string;
  startedAt: Date;
  /** A reason to stop (lock lost, interrupted), checked between batches and records. */
  stopReason: () => string | undefined;
}

export interface PairRunOptions {
  pair: string;
  ledger: EngineLedger;
  dryRun: boolean;
  /** Flow names recorded with the run. */
  flows: string[];
  lockStaleSeconds: number;
  heartbeatSeconds: number;
  signal?: AbortSignal;
  now?: () => Date;
  /** Extra detail for the run.start audit entry. */
  startDetail?: Record<string, unknown>;
}

/**
 * The frame of every run that writes: take the pair's lock (a second run exits at once with
 * LockHeldError), record the run, keep the lock's heartbeat, run `body` filling `counts`, and finish the
 * run with its outcome. `run` and `replay` both go through here, so a replay and a cron run of the same
 * pair never work at once.
 */
export async function withPairRun(
  opts: PairRunOptions,
  body: (scope: RunScope, counts: FlowCounts[]) => Promise<void>,
): Promise<RunSummary> {
  const now = opts.now ?? (() => new Date());
  const { ledger, pair } = opts;
  // The lock comes first: a run that finds the pair busy leaves no trace but its exit code.
  const runId = newRunId(now());
  const lock = ledger.acquireLock(pair, runId, { staleAfterMs: opts.lockStaleSeconds * 1000 });
  if (!lock.acquired) {
    const h = lock.holder;
    throw new LockHeldError(
      `Another run of ${pair} is in progress (run ${h.runId}, pid ${h.pid} on ${h.host}, started ${h.acquiredAt}, ` +
        `last heartbeat ${h.heartbeatAt}). Nothing was done. If that process is gone, its lock is taken over ` +
        `once its heartbeat is ${opts.lockStaleSeconds} s old.`,
    );
  }
  let run;
  try {
    run = ledger.startRun({ id: runId, pair, dryRun: opts.dryRun, flows: opts.flows });
  } catch (err) {
    ledger.releaseLock(pair, runId);
    throw err;
  }
  if (lock.tookOverFrom) {
    ledger.audit(pair, run.id, { action: 'lock.takeover', outcome: 'ok', detail: { from: lock.tookOverFrom, host: hostname() } });
  }

  let lockLost = false;
  const beat = setInterval(() => {
    try {
      if (!ledger.heartbeat(pair, run.id)) lockLost = true;
    } catch {
      // A busy ledger skips one beat; the next one catches up.
    }
  }, opts.heartbeatSeconds * 1000);
  beat.unref();

  const stopReason = () => {
    if (lockLost) return `the lock of ${pair} was taken over by another run (this run's heartbeat went stale); stopping`;
    if (opts.signal?.aborted) return 'interrupted; stopping after the records already confirmed';
    return undefined;
  };

  const counts: FlowCounts[] = [];
  let failure: MlsyncError | Error | undefined;
  ledger.audit(pair, run.id, { action: 'run.start', outcome: 'ok', detail: { flows: opts.flows, dryRun: opts.dryRun, ...opts.startDetail } });
  try {
    await body({ runId: run.id, startedAt: new Date(run.startedAt), stopReason }, counts);
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  } finally {
    clearInterval(beat);
  }

  const anyHeld = counts.some((c) => c.held > 0 || c.failed > 0);
  let outcome: Exclude<RunOutcome, 'running'>;
  if (!failure) outcome = anyHeld ? 'partial' : 'success';
  else if (failure instanceof FlowStopped || failure instanceof QuotaExhaustedError) outcome = 'partial';
  else outcome = 'failed';

  const error = failure
    ? {
        code: isMlsyncError(failure) ? failure.code : 'INTERNAL',
        message: failure.message,
        ...(isMlsyncError(failure) && failure.system ? { system: failure.system } : {}),
      }
    : undefined;
  ledger.finishRun(run.id, { outcome, counts, error: error?.message ?? null });
  ledger.audit(pair, run.id, { action: 'run.finish', outcome, detail: { counts, error } });
  ledger.releaseLock(pair, run.id);

  const summary: RunSummary = {
    pair,
    runId: run.id,
    outcome,
    dryRun: opts.dryRun,
    flows: counts,
    startedAt: run.startedAt,
    finishedAt: now().toISOString(),
    ...(error ? { error } : {}),
  };
  if (failure) throw new RunFailed(summary, failure);
  return summary;
}

export async function runPair(opts: RunOptions): Promise<RunSummary> {
  return withPairRun(
    { ...opts, flows: opts.flows.map((f) => f.name), startDetail: { full: opts.full ?? false } },
    async (scope, counts) => {
      for (const flow of opts.flows) {
        const reason = scope.stopReason();
        if (reason) throw new FlowStopped(reason);
        const flowCounts: FlowCounts = { flow: flow.name, read: 0, written: 0, unchanged: 0, held: 0, failed: 0 };
        counts.push(flowCounts);
        const base = { pair: opts.pair, runId: scope.runId, dryRun: opts.dryRun, ledger: opts.ledger, erp: opts.erp, ap: opts.ap, onProgress: opts.onProgress, stopReason: scope.stopReason };
        switch (flow.kind) {
          case 'mirror':
            await runMirrorFlow({ ...base, runStartedAt: scope.startedAt, full: opts.full }, flow.name as MirrorEntity, flowCounts);
            break;
          case 'post':
            await runInvoiceFlow({ ...base, sendFailureResponse: opts.sendFailureResponse ?? false, calls: opts.calls }, flowCounts);
            break;
          case 'confirm':
            await runPaymentFlow({ ...base, sendFailureResponse: opts.sendFailureResponse ?? false, calls: opts.calls }, flowCounts);
            break;
        }
      }
    },
  );
}
