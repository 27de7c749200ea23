import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import type { RecordUpdate } from '../../src/ledger/types.js';
import { RECORD_STATE } from '../../src/model/entities.js';
import type { RecordState } from '../../src/model/entities.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { tempLedgerPath, TestClock } from './helpers.js';

const PAIR = 'infor-basware';
const open: Ledger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

function openLedger(opts: Parameters<typeof Ledger.open>[1] = {}): Ledger {
  const ledger = Ledger.open(tempLedgerPath(), opts);
  open.push(ledger);
  return ledger;
}

function update(sourceKey: string, extra: Partial<RecordUpdate> = {}): RecordUpdate {
  return {
    flow: 'suppliers',
    sourceKey,
    state: RECORD_STATE.SYNCED,
    payload: { code: sourceKey, name: `Supplier ${sourceKey}` },
    audit: { action: 'record.written', outcome: 'ok', detail: { sourceKey } },
    ...extra,
  };
}

describe('ledger runs', () => {
  it('gives sortable run ids, lists newest first and stores the outcome', () => {
    const clock = new TestClock('2026-11-21T12:34:56.000Z');
    const ledger = openLedger({ now: clock.now });
    const first = ledger.startRun({ pair: PAIR, dryRun: false, flows: ['suppliers', 'glAccounts'] });
    clock.advance(60_000);
    const second = ledger.startRun({ pair: PAIR, dryRun: true, flows: ['suppliers'] });
    ledger.startRun({ pair: 'ifs-basware', dryRun: false, flows: [] });

    expect(first.id).toMatch(/^20261121T123456Z-[0-9a-f]{6}$/);
    expect(first).toMatchObject({ pair: PAIR, outcome: 'running', dryRun: false, finishedAt: null, pid: process.pid });
    expect(second.id > first.id).toBe(true);
    expect(ledger.listRuns({ pair: PAIR }).map((r) => r.id)).toEqual([second.id, first.id]);
    expect(ledger.listRuns({ limit: 1 })).toHaveLength(1);

    clock.advance(5_000);
    const counts = [{ flow: 'suppliers', read: 3, written: 2, unchanged: 1, held: 0, failed: 0 }];
    ledger.finishRun(first.id, { outcome: 'partial', counts, error: 'Basware refused 1 vendor' });
    expect(ledger.getRun(first.id)).toMatchObject({
      outcome: 'partial',
      counts,
      error: 'Basware refused 1 vendor',
      finishedAt: '2026-11-21T12:36:01.000Z',
      flows: ['suppliers', 'glAccounts'],
    });
    expect(() => ledger.finishRun('no-such-run', { outcome: 'success', counts: [] })).toThrow(/no run no-such-run/);
  });

  it('scrubs secrets out of a run error', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    const ledger = openLedger({ redactor });
    const run = ledger.startRun({ pair: PAIR, dryRun: false, flows: [] });
    ledger.finishRun(run.id, { outcome: 'failed', counts: [], error: 'token request with s3cr3t-value refused' });
    expect(ledger.getRun(run.id)?.error).toBe('token request with *** refused');
  });
});

describe('ledger records and commit', () => {
  it('inserts with defaults, then leaves undefined fields as they are', () => {
    const clock = new TestClock();
    const ledger = openLedger({ now: clock.now });
    const [created] = ledger.commit(PAIR, 'run-1', [update('S1', { state: RECORD_STATE.HELD, lastError: 'unknown vendor', attempt: true })]);
    expect(created).toMatchObject({
      pair: PAIR,
      flow: 'suppliers',
      sourceKey: 'S1',
      targetKey: null,
      contentHash: null,
      state: 'held',
      attempts: 1,
      lastError: 'unknown vendor',
      payload: { code: 'S1', name: 'Supplier S1' },
      lastRunId: 'run-1',
      createdAt: '2026-11-21T12:34:56.000Z',
    });

    clock.advance(1000);
    const [second] = ledger.commit(PAIR, 'run-2', [
      { flow: 'suppliers', sourceKey: 'S1', state: RECORD_STATE.SYNCED, targetKey: 'M3_100_V_S1', contentHash: 'h1', attempt: true, audit: { action: 'record.written', outcome: 'ok' } },
    ]);
    expect(second).toMatchObject({
      id: created!.id,
      state: 'synced',
      targetKey: 'M3_100_V_S1',
      contentHash: 'h1',
      attempts: 2,
      lastError: 'unknown vendor', // undefined leaves it
      payload: { code: 'S1', name: 'Supplier S1' }, // undefined leaves it
      lastRunId: 'run-2',
      createdAt: '2026-11-21T12:34:56.000Z',
      updatedAt: '2026-11-21T12:34:57.000Z',
    });

    const [third] = ledger.commit(PAIR, null, [
      { flow: 'suppliers', sourceKey: 'S1', state: RECORD_STATE.SYNCED, lastError: null, targetKey: null, payload: { code: 'S1', name: 'Renamed' }, audit: { action: 'x', outcome: 'ok' } },
    ]);
    expect(third).toMatchObject({ lastError: null, targetKey: null, contentHash: 'h1', attempts: 2, lastRunId: 'run-2', payload: { name: 'Renamed' } });
    expect(ledger.getRecordById(created!.id)).toEqual(third);
    expect(ledger.getRecord(PAIR, 'suppliers', 'S1')).toEqual(third);
    expect(ledger.getRecord(PAIR, 'glAccounts', 'S1')).toBeUndefined();
  });

  it('keeps records unique per pair, flow and source key', () => {
    const ledger = openLedger();
    ledger.commit(PAIR, null, [update('K'), { ...update('K'), flow: 'glAccounts' }]);
    ledger.commit('ifs-basware', null, [update('K')]);
    ledger.commit(PAIR, null, [update('K')]);
    expect(ledger.listRecords().map((r) => `${r.pair}/${r.flow}/${r.sourceKey}`)).toEqual([
      'infor-basware/suppliers/K',
      'infor-basware/glAccounts/K',
      'ifs-basware/suppliers/K',
    ]);
  });

  it('commits records, their audit entries and the watermark together', () => {
    const ledger = openLedger();
    const rows = ledger.commit(PAIR, 'run-1', [update('S1'), update('S2')], { flow: 'suppliers', value: '20261121' });
    expect(ledger.getWatermark(PAIR, 'suppliers')).toBe('20261121');
    expect(ledger.listWatermarks()).toEqual([{ pair: PAIR, flow: 'suppliers', value: '20261121', updatedAt: expect.any(String) }]);
    const audit = ledger.listAudit({ pair: PAIR });
    expect(audit.map((a) => [a.recordId, a.flow, a.action, a.runId])).toEqual([
      [rows[1]!.id, 'suppliers', 'record.written', 'run-1'],
      [rows[0]!.id, 'suppliers', 'record.written', 'run-1'],
    ]);
  });

  it('applies nothing when a commit fails half-way', () => {
    const ledger = openLedger();
    ledger.commit(PAIR, 'run-1', [update('S0')], { flow: 'suppliers', value: 'wm-1' });
    const auditBefore = ledger.listAudit().length;

    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() =>
      ledger.commit(PAIR, 'run-2', [update('S1'), update('S0', { state: RECORD_STATE.FAILED }), update('S2', { payload: circular })], {
        flow: 'suppliers',
        value: 'wm-2',
      }),
    ).toThrow();
    expect(() => ledger.commit(PAIR, 'run-2', [update('S3'), update('S4', { state: 'bogus' as RecordState })])).toThrow(/'bogus' is not a record state/);

    expect(ledger.getRecord(PAIR, 'suppliers', 'S1')).toBeUndefined();
    expect(ledger.getRecord(PAIR, 'suppliers', 'S3')).toBeUndefined();
    expect(ledger.getRecord(PAIR, 'suppliers', 'S0')?.state).toBe('synced');
    expect(ledger.getWatermark(PAIR, 'suppliers')).toBe('wm-1');
    expect(ledger.listAudit()).toHaveLength(auditBefore);
    expect(ledger.verifyAudit().ok).toBe(true);
  });

  it('moves a watermark alone with an empty batch', () => {
    const ledger = openLedger();
    expect(ledger.commit(PAIR, 'run-1', [], { flow: 'glAccounts', value: 'v2' })).toEqual([]);
    expect(ledger.getWatermark(PAIR, 'glAccounts')).toBe('v2');
    expect(ledger.getWatermark(PAIR, 'suppliers')).toBeNull();
  });

  it('filters records by state and counts them', () => {
    const ledger = openLedger();
    ledger.commit(PAIR, null, [
      update('A'),
      update('B', { state: RECORD_STATE.HELD, lastError: 'no such account 4010' }),
      update('C', { state: RECORD_STATE.FAILED, lastError: 'refused' }),
      { ...update('D'), flow: 'glAccounts' },
    ]);
    expect(ledger.listRecords({ pair: PAIR, states: [RECORD_STATE.HELD, RECORD_STATE.FAILED] }).map((r) => r.sourceKey)).toEqual(['B', 'C']);
    expect(ledger.listRecords({ flow: 'glAccounts' }).map((r) => r.sourceKey)).toEqual(['D']);
    expect(ledger.listRecords({ states: [] })).toEqual([]);
    expect(ledger.listRecords({ limit: 2 })).toHaveLength(2);
    expect(ledger.countRecords(PAIR)).toEqual([
      { pair: PAIR, flow: 'glAccounts', state: 'synced', count: 1 },
      { pair: PAIR, flow: 'suppliers', state: 'failed', count: 1 },
      { pair: PAIR, flow: 'suppliers', state: 'held', count: 1 },
      { pair: PAIR, flow: 'suppliers', state: 'synced', count: 1 },
    ]);
    expect(ledger.countRecords('other')).toEqual([]);
  });

  it('commits a batch of 500 in one fast transaction', () => {
    const ledger = openLedger();
    const batch = Array.from({ length: 500 }, (_, i) => update(`S${i}`, { contentHash: `h${i}` }));
    ledger.commit(PAIR, 'warm-up', [update('warm')]);
    const started = performance.now();
    ledger.commit(PAIR, 'run-1', batch, { flow: 'suppliers', value: 'wm' });
    const elapsed = performance.now() - started;
    expect(ledger.listRecords({ pair: PAIR })).toHaveLength(501);
    // Milliseconds on a laptop; the bound leaves room for a slow shared CI disk (one fsync).
    expect(elapsed).toBeLessThan(500);
  });
});

describe('token blob store', () => {
  it('saves, overwrites, loads and removes blobs, across a reopen', () => {
    const file = tempLedgerPath();
    const ledger = Ledger.open(file);
    expect(ledger.loadBlob('basware:client-1')).toBeUndefined();
    ledger.saveBlob('basware:client-1', Buffer.from([1, 2, 3]));
    ledger.saveBlob('basware:client-1', Buffer.from([4, 5]));
    ledger.saveBlob('infor:client-2', Buffer.from('abc'));
    ledger.close();

    const again = Ledger.open(file);
    open.push(again);
    expect(again.loadBlob('basware:client-1')).toEqual(Buffer.from([4, 5]));
    again.removeBlob('basware:client-1');
    again.removeBlob('never-stored');
    expect(again.loadBlob('basware:client-1')).toBeUndefined();
    expect(again.loadBlob('infor:client-2')?.toString()).toBe('abc');
  });
});
