/** A real ledger (in memory, or a temp file for two connections), run options and ledger views for the engine tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ApConnector, ErpConnector } from '../../src/connectors/types.js';
import { selectFlows } from '../../src/engine/flows.js';
import { RunFailed, runPair, type RunOptions } from '../../src/engine/run.js';
import { Ledger, type LedgerOptions } from '../../src/ledger/ledger.js';
import type { AuditEntry, RecordRow } from '../../src/ledger/types.js';

export const PAIR = 'fake-erp-fake-ap';
/** Long enough that no test run goes stale by itself. */
const LOCK_STALE_SECONDS = 120;
/** Longer than any test: heartbeats only where a test asks for them. */
const HEARTBEAT_SECONDS = 60;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

export function memoryLedger(opts: LedgerOptions = {}): Ledger {
  const ledger = Ledger.open(':memory:', opts);
  cleanups.push(() => ledger.close());
  return ledger;
}

/** A path for a ledger file that two connections (two "processes") can share. */
export function tempLedgerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-engine-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'ledger.sqlite');
}

export function fileLedger(file: string, opts: LedgerOptions = {}): Ledger {
  const ledger = Ledger.open(file, opts);
  cleanups.push(() => ledger.close());
  return ledger;
}

export function runOptions(ledger: Ledger, erp: ErpConnector, ap: ApConnector, over: Partial<RunOptions> = {}): RunOptions {
  return {
    pair: PAIR,
    ledger,
    erp,
    ap,
    flows: selectFlows(erp, ap),
    dryRun: false,
    lockStaleSeconds: LOCK_STALE_SECONDS,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    ...over,
  };
}

/** Runs and returns the RunFailed it must throw. */
export async function runFailing(opts: RunOptions): Promise<RunFailed> {
  const err = await runPair(opts).then(
    (summary) => new Error(`expected the run to fail, it ended ${summary.outcome}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunFailed);
  return err as RunFailed;
}

/** The records of a flow, by source key. */
export function recordsByKey(ledger: Ledger, flow = 'suppliers'): Map<string, RecordRow> {
  return new Map(ledger.listRecords({ pair: PAIR, flow }).map((r) => [r.sourceKey, r]));
}

/** A run's audit entries, oldest first. */
export function auditOfRun(ledger: Ledger, runId: string): AuditEntry[] {
  return ledger
    .listAudit({ pair: PAIR })
    .filter((e) => e.runId === runId)
    .reverse();
}

/** Whether a fresh run could take the pair's lock now (and gives it back at once). */
export function lockIsFree(ledger: Ledger): boolean {
  const probe = ledger.acquireLock(PAIR, 'probe-run', { staleAfterMs: LOCK_STALE_SECONDS * 1000 });
  if (probe.acquired) ledger.releaseLock(PAIR, 'probe-run');
  return probe.acquired;
}
