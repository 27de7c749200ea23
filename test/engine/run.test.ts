/**
 * runPair when something ends the run early: a failing ERP or AP, a pair already locked, a lock taken
 * over by another run, an interruption. Asserts the run's summary and error, what reached the target,
 * and that the ledger keeps what was confirmed, keeps the old watermark and frees the lock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { runPair } from '../../src/engine/run.js';
import { AuthError, ConnectionError, LockHeldError, QuotaExhaustedError } from '../../src/errors.js';
import { RECORD_STATE } from '../../src/model/entities.js';
import { FakeAp, FakeErp, supplierItems } from './fakes.js';
import {
  auditOfRun,
  fileLedger,
  lockIsFree,
  memoryLedger,
  PAIR,
  recordsByKey,
  runFailing,
  runOptions,
  tempLedgerFile,
} from './run-harness.js';

const FLOW = 'suppliers';
const HOUR_MS = 3_600_000;

function syncedKeys(ledger: ReturnType<typeof memoryLedger>): string[] {
  return ledger.listRecords({ pair: PAIR, flow: FLOW, states: [RECORD_STATE.SYNCED] }).map((r) => r.sourceKey);
}

/** A ledger whose first run synced S001 and stored watermark W1. */
async function ledgerAtW1() {
  const ledger = memoryLedger();
  await runPair(runOptions(ledger, new FakeErp({ items: { suppliers: supplierItems(1) }, nextWatermark: 'W1' }), new FakeAp()));
  return ledger;
}

describe('a run ended by an error', () => {
  it('keeps what was confirmed and the old watermark when the ERP read fails; the next run finishes the job', async () => {
    const ledger = await ledgerAtW1();
    const unreachable = new ConnectionError('Fake ERP did not answer at https://erp.example.com; check the network', { system: 'fake-erp' });
    const items = supplierItems(12, 101);
    const erp = new FakeErp({ items: { suppliers: items }, nextWatermark: 'W2', failAfter: { after: 10, error: unreachable } });
    const ap = new FakeAp({ batchSize: 2 });

    const failed = await runFailing(runOptions(ledger, erp, ap));

    expect(failed.error).toBe(unreachable);
    expect(failed.message).toBe(unreachable.message);
    expect(failed.summary).toMatchObject({
      outcome: 'failed',
      error: { code: 'CONNECTION_FAILED', message: unreachable.message, system: 'fake-erp' },
    });
    // Four batches in flight make the engine confirm the oldest: S101..S104 were confirmed before the read broke.
    const synced = syncedKeys(ledger).filter((k) => k !== 'S001');
    expect(synced.slice(0, 4)).toEqual(['S101', 'S102', 'S103', 'S104']);
    expect(ap.sentKeys).toEqual(expect.arrayContaining(synced));
    expect(failed.summary.flows).toEqual([{ flow: FLOW, read: 10, written: synced.length, unchanged: 0, held: 0, failed: 0 }]);
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');
    expect(ledger.getRun(failed.summary.runId)).toMatchObject({ outcome: 'failed', error: unreachable.message, counts: failed.summary.flows });
    expect(auditOfRun(ledger, failed.summary.runId).at(-1)).toMatchObject({ action: 'run.finish', outcome: 'failed' });
    expect(lockIsFree(ledger)).toBe(true);

    // The ERP is back: the same changes are read again (the watermark did not move); what was confirmed is not resent.
    erp.failAfter = undefined;
    ap.submits.length = 0;
    const next = await runPair(runOptions(ledger, erp, ap));
    expect(erp.reads.at(-1)!.since).toBe('W1');
    expect(ap.sentKeys).toEqual(expect.arrayContaining(['S111', 'S112']));
    expect(ap.sentKeys.filter((k) => synced.includes(k))).toEqual([]);
    expect(next).toMatchObject({ outcome: 'success' });
    expect(syncedKeys(ledger)).toEqual(['S001', ...items.map((i) => i.key)]);
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W2');
  });

  it('keeps the batches settled before the AP refused the login, and fails with exit code 3', async () => {
    const ledger = await ledgerAtW1();
    const refused = new AuthError('Fake AP refused the client credentials; check FAKE_CLIENT_SECRET', { system: 'fake-ap' });
    const erp = new FakeErp({ items: { suppliers: supplierItems(10, 101) }, nextWatermark: 'W2' });
    const ap = new FakeAp({ batchSize: 3, settle: 'submit', failSubmit: { at: 3, error: refused } });

    const failed = await runFailing(runOptions(ledger, erp, ap));

    expect(failed.error).toBe(refused);
    expect((failed.error as AuthError).exitCode).toBe(EXIT.CONNECTION);
    expect(failed.summary).toMatchObject({
      outcome: 'failed',
      error: { code: 'AUTH_FAILED', system: 'fake-ap' },
      flows: [{ flow: FLOW, read: 9, written: 6, unchanged: 0, held: 0, failed: 0 }],
    });
    expect(ap.submits.map((s) => s.keys.length)).toEqual([3, 3, 3]);
    expect(syncedKeys(ledger)).toEqual(['S001', 'S101', 'S102', 'S103', 'S104', 'S105', 'S106']);
    // The refused batch left no trace: it is read and sent again next run.
    expect(recordsByKey(ledger).has('S107')).toBe(false);
    expect(erp.reads[0]!.finished).toBe(false);
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');
    expect(lockIsFree(ledger)).toBe(true);
  });

  it('keeps the batches confirmed before a confirm failed, and still records the other batches it had sent', async () => {
    const ledger = memoryLedger();
    const refused = new AuthError('token refused while polling the import status', { system: 'fake-ap' });
    const erp = new FakeErp({ items: { suppliers: supplierItems(12) }, nextWatermark: 'W1' });
    const ap = new FakeAp({ batchSize: 2, failConfirm: { at: 2, error: refused } });

    const failed = await runFailing(runOptions(ledger, erp, ap));

    // The second confirm fails; the batches already submitted after it are still confirmed and recorded,
    // and the batch whose confirm failed is left unrecorded, to be resent by the next run.
    expect(ap.confirms).toEqual([
      ['S001', 'S002'],
      ['S003', 'S004'],
      ['S005', 'S006'],
      ['S007', 'S008'],
      ['S009', 'S010'],
    ]);
    expect(syncedKeys(ledger)).toEqual(['S001', 'S002', 'S005', 'S006', 'S007', 'S008', 'S009', 'S010']);
    expect(failed.summary).toMatchObject({ outcome: 'failed', error: { code: 'AUTH_FAILED' }, flows: [{ read: 10, written: 8 }] });
    expect(ledger.getWatermark(PAIR, FLOW)).toBeNull();
    expect(lockIsFree(ledger)).toBe(true);
  });

  it('ends as partial when a quota is exhausted', async () => {
    const ledger = memoryLedger();
    const quota = new QuotaExhaustedError('Fake AP quota exhausted; try again in 3600 s', 3600, { system: 'fake-ap' });
    const ap = new FakeAp({ batchSize: 1, settle: 'submit', failSubmit: { at: 2, error: quota } });
    const failed = await runFailing(runOptions(ledger, new FakeErp({ items: { suppliers: supplierItems(3) } }), ap));
    expect(failed.summary).toMatchObject({ outcome: 'partial', error: { code: 'QUOTA_EXHAUSTED' }, flows: [{ written: 1 }] });
    expect(ledger.getRun(failed.summary.runId)?.outcome).toBe('partial');
    expect(lockIsFree(ledger)).toBe(true);
  });

  it('reports an unexpected exception as INTERNAL', async () => {
    const ledger = memoryLedger();
    const bug = new TypeError("Cannot read properties of undefined (reading 'code')");
    const erp = new FakeErp({ items: { suppliers: supplierItems(3) }, failAfter: { after: 1, error: bug } });
    const failed = await runFailing(runOptions(ledger, erp, new FakeAp()));
    expect(failed.error).toBe(bug);
    expect(failed.summary).toMatchObject({ outcome: 'failed', error: { code: 'INTERNAL', message: bug.message } });
    expect(failed.summary.error).not.toHaveProperty('system');
    expect(lockIsFree(ledger)).toBe(true);
  });
});

describe('the pair lock', () => {
  it('refuses to start while another live run holds the lock, leaving no run behind', async () => {
    const ledger = memoryLedger();
    expect(ledger.acquireLock(PAIR, 'other-run', { staleAfterMs: 120_000 }).acquired).toBe(true);
    const erp = new FakeErp({ items: { suppliers: supplierItems(2) } });
    const ap = new FakeAp();

    const err = await runPair(runOptions(ledger, erp, ap)).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LockHeldError);
    const held = err as LockHeldError;
    expect(held.code).toBe('LOCK_HELD');
    expect(held.exitCode).toBe(EXIT.LOCKED);
    expect(held.message).toContain('run other-run');
    expect(held.message).toContain(`pid ${process.pid}`);
    expect(ledger.listRuns()).toEqual([]);
    expect(ledger.listAudit()).toEqual([]);
    expect(erp.reads).toEqual([]);
    expect(ap.submits).toEqual([]);
    // The holder keeps its lock.
    expect(ledger.acquireLock(PAIR, 'third-run', { staleAfterMs: 120_000 })).toMatchObject({ acquired: false, holder: { runId: 'other-run' } });
  });

  it('takes over a stale lock and says so in the audit trail', async () => {
    let nowMs = Date.parse('2026-11-21T12:00:00.000Z');
    const ledger = memoryLedger({ now: () => new Date(nowMs) });
    ledger.acquireLock(PAIR, 'crashed-run', { staleAfterMs: 120_000 });
    nowMs += HOUR_MS;

    const summary = await runPair(runOptions(ledger, new FakeErp({ items: { suppliers: supplierItems(1) } }), new FakeAp()));

    expect(summary.outcome).toBe('success');
    const takeover = auditOfRun(ledger, summary.runId).find((e) => e.action === 'lock.takeover');
    expect(takeover?.detail).toMatchObject({ from: { runId: 'crashed-run', heartbeatAt: '2026-11-21T12:00:00.000Z' } });
    expect(lockIsFree(ledger)).toBe(true);
  });

  it('stops as partial when its heartbeat finds the lock taken over by another run', async () => {
    const file = tempLedgerFile();
    const ledger = fileLedger(file);
    // Another process whose clock sees this run's heartbeat as an hour old.
    const other = fileLedger(file, { now: () => new Date(Date.now() + HOUR_MS) });
    const runIds: string[] = [];
    const erp = new FakeErp({ items: { suppliers: supplierItems(120) }, nextWatermark: 'W1' });
    const ap = new FakeAp({
      batchSize: 10,
      settle: 'submit',
      onSubmit: async (n) => {
        if (n !== 1) return;
        const stolen = other.acquireLock(PAIR, 'thief-run', { staleAfterMs: 1000 });
        expect(stolen.acquired).toBe(true);
        if (stolen.acquired) runIds.push(stolen.tookOverFrom!.runId);
        await sleep(40); // several heartbeats
      },
    });

    const failed = await runFailing(runOptions(ledger, erp, ap, { heartbeatSeconds: 0.005 }));

    expect(failed.summary.runId).toBe(runIds[0]);
    expect(failed.summary).toMatchObject({ outcome: 'partial', error: { code: 'RUN_STOPPED' } });
    expect(failed.summary.error!.message).toContain('taken over by another run');
    expect(erp.reads[0]!.finished).toBe(false);
    expect(ap.sentKeys.length).toBeLessThan(120);
    expect(ledger.getWatermark(PAIR, FLOW)).toBeNull();
    expect(ledger.getRun(failed.summary.runId)?.outcome).toBe('partial');
    // Finishing did not release the thief's lock.
    expect(ledger.acquireLock(PAIR, 'third-run', { staleAfterMs: 120_000 })).toMatchObject({ acquired: false, holder: { runId: 'thief-run' } });
  });
});

describe('an interrupted run', () => {
  it('stops with outcome partial, keeps the old watermark and releases the lock', async () => {
    const ledger = await ledgerAtW1();
    const controller = new AbortController();
    const erp = new FakeErp({ items: { suppliers: supplierItems(200, 101) }, nextWatermark: 'W2' });
    const ap = new FakeAp({ batchSize: 10, onSubmit: (n) => (n === 2 ? controller.abort() : undefined) });

    const failed = await runFailing(runOptions(ledger, erp, ap, { signal: controller.signal }));

    expect(failed.summary).toMatchObject({ outcome: 'partial', error: { code: 'RUN_STOPPED' } });
    expect(failed.summary.error!.message).toContain('interrupted');
    expect(erp.reads[0]!.finished).toBe(false);
    expect(ap.sentKeys.length).toBeLessThan(200);
    const synced = syncedKeys(ledger).filter((k) => k !== 'S001');
    expect(ap.sentKeys).toEqual(expect.arrayContaining(synced));
    expect(failed.summary.flows[0]).toMatchObject({ read: erp.reads[0]!.pulled, written: synced.length });
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');
    expect(ledger.getRun(failed.summary.runId)?.outcome).toBe('partial');
    expect(lockIsFree(ledger)).toBe(true);
  });

  it('does not start a flow once aborted', async () => {
    const ledger = memoryLedger();
    const controller = new AbortController();
    controller.abort();
    const erp = new FakeErp({ items: { suppliers: supplierItems(3) } });
    const failed = await runFailing(runOptions(ledger, erp, new FakeAp(), { signal: controller.signal }));
    expect(erp.reads).toEqual([]);
    expect(failed.summary).toMatchObject({ outcome: 'partial', flows: [], error: { code: 'RUN_STOPPED' } });
    expect(lockIsFree(ledger)).toBe(true);
  });

  // A stop is checked before every submit, in the re-offer pass of held records too.
  it('stops before the next batch when interrupted while re-offering held records', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(30) } });
    const ap = new FakeAp({ batchSize: 10, settle: 'submit', verdict: () => ({ status: 'rejected', reason: 'payment term missing' }) });
    await runPair(runOptions(ledger, erp, ap));

    const controller = new AbortController();
    erp.items.suppliers = [];
    ap.submits.length = 0;
    ap.opts.verdict = undefined;
    ap.opts.onSubmit = (n) => (n === 1 ? controller.abort() : undefined);
    const failed = await runFailing(runOptions(ledger, erp, ap, { signal: controller.signal }));

    expect(ap.submits).toHaveLength(1);
    expect(failed.summary.outcome).toBe('partial');
  });

  it('stops between batches while reading fewer than 50 records', async () => {
    const ledger = memoryLedger();
    const controller = new AbortController();
    const erp = new FakeErp({ items: { suppliers: supplierItems(30) } });
    const ap = new FakeAp({ batchSize: 10, settle: 'submit', onSubmit: (n) => (n === 1 ? controller.abort() : undefined) });
    await runFailing(runOptions(ledger, erp, ap, { signal: controller.signal }));
    expect(ap.submits).toHaveLength(1);
  });

  // Batches already sent reached the target: the ledger and audit trail must hold them even when the run stops.
  it('records the outcome of every batch it had submitted before it stopped', async () => {
    const ledger = memoryLedger();
    const controller = new AbortController();
    const erp = new FakeErp({ items: { suppliers: supplierItems(200) } });
    const ap = new FakeAp({ batchSize: 10, onSubmit: (n) => (n === 2 ? controller.abort() : undefined) });
    await runFailing(runOptions(ledger, erp, ap, { signal: controller.signal }));
    expect(syncedKeys(ledger)).toEqual(ap.sentKeys);
  });
});
