/**
 * Mirror flows through runPair with fake connectors and a real (in-memory) ledger: what reached the
 * target, and what the ledger holds afterwards (records, hashes, reasons, watermarks, audit trail).
 */
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/engine/content-hash.js';
import { MIRROR_AUDIT, type ProgressEvent } from '../../src/engine/mirror.js';
import { runPair } from '../../src/engine/run.js';
import { RECORD_STATE } from '../../src/model/entities.js';
import type { Supplier } from '../../src/model/master-data.js';
import { FakeAp, FakeErp, supplier, supplierItems } from './fakes.js';
import { auditOfRun, memoryLedger, PAIR, recordsByKey, runOptions } from './run-harness.js';

const FLOW = 'suppliers';

function counts(c: { read?: number; written?: number; unchanged?: number; held?: number }) {
  return { flow: FLOW, read: 0, written: 0, unchanged: 0, held: 0, failed: 0, ...c };
}

describe('first run', () => {
  it('sends every record in batches of exactly batchSize, then stores synced rows, hashes and the watermark', async () => {
    const ledger = memoryLedger();
    const items = supplierItems(7);
    const erp = new FakeErp({ items: { suppliers: items }, nextWatermark: 'W1' });
    const ap = new FakeAp({ batchSize: 3 });

    const summary = await runPair(runOptions(ledger, erp, ap));

    expect(erp.reads.map((r) => r.since)).toEqual([null]);
    expect(ap.submits.map((s) => s.keys)).toEqual([
      ['S001', 'S002', 'S003'],
      ['S004', 'S005', 'S006'],
      ['S007'],
    ]);
    expect(ap.submits.flatMap((s) => s.records)).toEqual(items.map((i) => i.record));
    // Every submitted batch was confirmed, oldest first.
    expect(ap.confirms).toEqual(ap.submits.map((s) => s.keys));

    expect(summary).toMatchObject({ pair: PAIR, outcome: 'success', dryRun: false, flows: [counts({ read: 7, written: 7 })] });
    expect(summary.error).toBeUndefined();

    const rows = recordsByKey(ledger);
    expect([...rows.keys()]).toEqual(items.map((i) => i.key));
    for (const { key, record } of items) {
      expect(rows.get(key)).toMatchObject({
        state: RECORD_STATE.SYNCED,
        targetKey: `T-${key}`,
        contentHash: contentHash(record),
        payload: record,
        lastError: null,
        attempts: 1,
        lastRunId: summary.runId,
      });
    }
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');

    const run = ledger.getRun(summary.runId);
    expect(run).toMatchObject({ outcome: 'success', dryRun: false, flows: [FLOW], counts: summary.flows, error: null });

    const audit = auditOfRun(ledger, summary.runId);
    expect(audit.map((e) => e.action)).toEqual([
      'run.start',
      ...items.map(() => MIRROR_AUDIT.WRITTEN),
      MIRROR_AUDIT.WATERMARK,
      'run.finish',
    ]);
    const written = audit.filter((e) => e.action === MIRROR_AUDIT.WRITTEN);
    expect(written.map((e) => e.recordId)).toEqual(items.map((i) => rows.get(i.key)!.id));
    expect(written[0]).toMatchObject({ flow: FLOW, outcome: 'ok', detail: { targetKey: 'T-S001', requestId: 'req-1' } });
    expect(audit.find((e) => e.action === MIRROR_AUDIT.WATERMARK)).toMatchObject({ flow: FLOW, detail: { from: null, to: 'W1' } });
    expect(ledger.verifyAudit().ok).toBe(true);
  });

  it('reports progress from reading to done, with the final counts last', async () => {
    const ledger = memoryLedger();
    const events: ProgressEvent[] = [];
    const erp = new FakeErp({ items: { suppliers: supplierItems(3) } });
    await runPair(runOptions(ledger, erp, new FakeAp({ batchSize: 2 }), { onProgress: (e) => events.push(e) }));
    expect(events[0]).toMatchObject({ flow: FLOW, phase: 'reading' });
    expect(events.at(-1)).toEqual({ flow: FLOW, phase: 'done', counts: counts({ read: 3, written: 3 }) });
    expect(events.some((e) => e.phase === 'confirming')).toBe(true);
  });
});

describe('later runs', () => {
  it('sends nothing when nothing changed, and only the record whose values changed', async () => {
    const ledger = memoryLedger();
    const items = supplierItems(5);
    const erp = new FakeErp({ items: { suppliers: items }, nextWatermark: 'W1' });
    const ap = new FakeAp({ batchSize: 2 });
    await runPair(runOptions(ledger, erp, ap));
    const afterFirst = recordsByKey(ledger);
    ap.submits.length = 0;

    const second = await runPair(runOptions(ledger, erp, ap));
    expect(erp.reads[1]!.since).toBe('W1');
    expect(ap.submits).toEqual([]);
    expect(second).toMatchObject({ outcome: 'success', flows: [counts({ read: 5, unchanged: 5 })] });
    // Nothing to record: same rows, no per-record audit entries, the watermark did not move.
    expect(recordsByKey(ledger)).toEqual(afterFirst);
    expect(auditOfRun(ledger, second.runId).map((e) => e.action)).toEqual(['run.start', 'run.finish']);

    // S002 built with its keys in another order (same content); S004 with another name.
    const s2 = supplier('S002');
    const reordered = Object.fromEntries(Object.entries(s2).reverse()) as Supplier;
    const renamed = supplier('S004', { name: 'Supplier S004 renamed' });
    erp.items.suppliers = [items[0]!, { key: 'S002', record: reordered }, items[2]!, { key: 'S004', record: renamed }, items[4]!];
    erp.watermark = 'W2';

    const third = await runPair(runOptions(ledger, erp, ap));
    expect(ap.submits).toEqual([{ entity: FLOW, keys: ['S004'], records: [renamed] }]);
    expect(third.flows).toEqual([counts({ read: 5, written: 1, unchanged: 4 })]);
    const rows = recordsByKey(ledger);
    expect(rows.get('S004')).toMatchObject({ state: RECORD_STATE.SYNCED, contentHash: contentHash(renamed), payload: renamed, attempts: 2 });
    expect(rows.get('S002')).toEqual(afterFirst.get('S002'));
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W2');
  });

  it('counts a record the target reports identical as unchanged, and stores its hash', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(2) } });
    const ap = new FakeAp({ verdict: (_e, key) => ({ status: key === 'S001' ? 'unchanged' : 'written' }) });
    const summary = await runPair(runOptions(ledger, erp, ap));
    expect(summary.flows).toEqual([counts({ read: 2, written: 1, unchanged: 1 })]);
    expect(recordsByKey(ledger).get('S001')).toMatchObject({ state: RECORD_STATE.SYNCED, contentHash: contentHash(supplier('S001')) });
    expect(auditOfRun(ledger, summary.runId).map((e) => e.action)).toContain(MIRROR_AUDIT.UNCHANGED);
  });
});

describe('records the target would refuse', () => {
  it('holds unmappable items and checkMirror refusals with their reasons and sends the rest', async () => {
    const ledger = memoryLedger();
    const refused = supplier('S003', { currency: undefined });
    const erp = new FakeErp({
      items: {
        suppliers: [
          { key: 'S001', record: supplier('S001') },
          { key: 'S002', invalid: 'supplier S002 has no name (M3 SUNM is empty)', raw: { SUNO: 'S002', SUNM: '' } },
          { key: 'S003', record: refused },
          { key: 'S004', record: supplier('S004') },
        ],
      },
      nextWatermark: 'W1',
    });
    const ap = new FakeAp({
      batchSize: 10,
      check: (_e, _key, record) => ((record as Supplier).currency ? undefined : 'vendor currency is required; set CUCD on the supplier in M3'),
    });

    const summary = await runPair(runOptions(ledger, erp, ap));

    expect(ap.sentKeys).toEqual(['S001', 'S004']);
    // Held records leave the run partial, but the watermark moves: they are re-offered from the ledger.
    expect(summary).toMatchObject({ outcome: 'partial', flows: [counts({ read: 4, written: 2, held: 2 })] });
    expect(summary.error).toBeUndefined();
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');

    const rows = recordsByKey(ledger);
    expect(rows.get('S002')).toMatchObject({
      state: RECORD_STATE.HELD,
      lastError: 'supplier S002 has no name (M3 SUNM is empty)',
      payload: { SUNO: 'S002', SUNM: '' },
      contentHash: null,
      attempts: 1,
    });
    expect(rows.get('S003')).toMatchObject({
      state: RECORD_STATE.HELD,
      lastError: 'vendor currency is required; set CUCD on the supplier in M3',
      payload: JSON.parse(JSON.stringify(refused)),
      contentHash: null,
    });
    const held = auditOfRun(ledger, summary.runId).filter((e) => e.action === MIRROR_AUDIT.HELD);
    expect(held.map((e) => [e.recordId, e.outcome, e.detail])).toEqual([
      [rows.get('S002')!.id, 'held', { reason: 'supplier S002 has no name (M3 SUNM is empty)' }],
      [rows.get('S003')!.id, 'held', { reason: 'vendor currency is required; set CUCD on the supplier in M3' }],
    ]);
    expect(ledger.getRun(summary.runId)?.outcome).toBe('partial');
  });

  it('holds rejected and unconfirmed records without a hash, and re-offers them next run from their stored payload', async () => {
    const ledger = memoryLedger();
    const items = supplierItems(3);
    const erp = new FakeErp({ items: { suppliers: items }, nextWatermark: 'W1' });
    const ap = new FakeAp({
      batchSize: 10,
      verdict: (_e, key) =>
        key === 'S002'
          ? { status: 'rejected', reason: "payment term 'N30' does not exist in Basware" }
          : key === 'S003'
            ? { status: 'unconfirmed', reason: 'no verdict from Basware within 600 s' }
            : { status: 'written' },
    });

    const first = await runPair(runOptions(ledger, erp, ap));
    expect(first).toMatchObject({ outcome: 'partial', flows: [counts({ read: 3, written: 1, held: 2 })] });
    let rows = recordsByKey(ledger);
    expect(rows.get('S002')).toMatchObject({
      state: RECORD_STATE.HELD,
      contentHash: null,
      payload: items[1]!.record,
      lastError: "payment term 'N30' does not exist in Basware",
      attempts: 1,
    });
    expect(rows.get('S003')).toMatchObject({
      state: RECORD_STATE.HELD,
      contentHash: null,
      payload: items[2]!.record,
      lastError: 'no verdict from Basware within 600 s',
    });
    const heldDetails = auditOfRun(ledger, first.runId)
      .filter((e) => e.action === MIRROR_AUDIT.HELD)
      .map((e) => e.detail);
    expect(heldDetails).toEqual([
      { reason: "payment term 'N30' does not exist in Basware", requestId: 'req-1', status: 'rejected' },
      { reason: 'no verdict from Basware within 600 s', requestId: 'req-1', status: 'unconfirmed' },
    ]);

    // The payment term gets configured on the target; the ERP has nothing new.
    erp.items.suppliers = [];
    ap.opts.verdict = undefined;
    ap.submits.length = 0;
    const second = await runPair(runOptions(ledger, erp, ap));

    expect(ap.submits).toEqual([{ entity: FLOW, keys: ['S002', 'S003'], records: [items[1]!.record, items[2]!.record] }]);
    expect(second).toMatchObject({ outcome: 'success', flows: [counts({ written: 2 })] });
    rows = recordsByKey(ledger);
    for (const item of items.slice(1)) {
      expect(rows.get(item.key)).toMatchObject({
        state: RECORD_STATE.SYNCED,
        contentHash: contentHash(item.record),
        lastError: null,
        attempts: 2,
        lastRunId: second.runId,
      });
    }
    expect(rows.get('S001')!.attempts).toBe(1);
  });

  it('keeps a record held, counting the attempt, while the target still refuses it', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(1) } });
    const ap = new FakeAp({ settle: 'submit', verdict: () => ({ status: 'rejected', reason: 'vendor S001 is blocked in Basware' }) });
    await runPair(runOptions(ledger, erp, ap));
    erp.items.suppliers = [];
    const second = await runPair(runOptions(ledger, erp, ap));
    expect(ap.sentKeys).toEqual(['S001', 'S001']);
    expect(second).toMatchObject({ outcome: 'partial', flows: [counts({ held: 1 })] });
    expect(recordsByKey(ledger).get('S001')).toMatchObject({
      state: RECORD_STATE.HELD,
      attempts: 2,
      contentHash: null,
      lastError: 'vendor S001 is blocked in Basware',
    });
  });

  it('sends a held record the ERP returns again once, in its new version, not again from the ledger', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(2) } });
    const ap = new FakeAp({ verdict: (_e, key) => (key === 'S002' ? { status: 'rejected', reason: 'tax id missing' } : { status: 'written' }) });
    await runPair(runOptions(ledger, erp, ap));

    const fixed = supplier('S002', { taxId: 'FI12345678' });
    erp.items.suppliers = [{ key: 'S002', record: fixed }];
    ap.opts.verdict = undefined;
    ap.submits.length = 0;
    const second = await runPair(runOptions(ledger, erp, ap));

    expect(ap.submits).toEqual([{ entity: FLOW, keys: ['S002'], records: [fixed] }]);
    expect(second.flows).toEqual([counts({ read: 1, written: 1 })]);
    expect(recordsByKey(ledger).get('S002')).toMatchObject({ state: RECORD_STATE.SYNCED, contentHash: contentHash(fixed), payload: fixed });
  });

  it('does not re-offer a held item whose stored payload is not a complete record', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: [{ key: 'S009', invalid: 'no name', raw: { SUNO: 'S009' } }] } });
    const ap = new FakeAp();
    await runPair(runOptions(ledger, erp, ap));
    erp.items.suppliers = [];
    const second = await runPair(runOptions(ledger, erp, ap));
    expect(ap.submits).toEqual([]);
    expect(second).toMatchObject({ outcome: 'success', flows: [counts({})] });
    expect(recordsByKey(ledger).get('S009')).toMatchObject({ state: RECORD_STATE.HELD, attempts: 1, lastError: 'no name' });
  });
});

describe('dry run', () => {
  it('submits nothing and writes no record or watermark, but counts what would be written', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({
      items: {
        suppliers: [
          ...supplierItems(3),
          { key: 'S004', invalid: 'no name' },
          { key: 'S005', record: supplier('S005', { currency: undefined }) },
        ],
      },
      nextWatermark: 'W1',
    });
    const ap = new FakeAp({ batchSize: 2, check: (_e, _k, r) => ((r as Supplier).currency ? undefined : 'currency required') });

    const summary = await runPair(runOptions(ledger, erp, ap, { dryRun: true }));

    expect(ap.submits).toEqual([]);
    expect(ap.confirms).toEqual([]);
    expect(ap.checked).toEqual(['S001', 'S002', 'S003', 'S005']);
    expect(summary).toMatchObject({ dryRun: true, outcome: 'partial', flows: [counts({ read: 5, written: 3, held: 2 })] });
    expect(ledger.listRecords()).toEqual([]);
    expect(ledger.getWatermark(PAIR, FLOW)).toBeNull();
    expect(ledger.getRun(summary.runId)).toMatchObject({ dryRun: true, outcome: 'partial' });
    expect(auditOfRun(ledger, summary.runId).map((e) => e.action)).toEqual(['run.start', 'run.finish']);
  });

  it('leaves what an earlier run stored untouched and counts unchanged records as unchanged', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(3) }, nextWatermark: 'W1' });
    const ap = new FakeAp();
    await runPair(runOptions(ledger, erp, ap));
    const before = ledger.listRecords();
    ap.submits.length = 0;

    erp.items.suppliers = [...supplierItems(1), { key: 'S002', record: supplier('S002', { name: 'New name' }) }, ...supplierItems(1, 4)];
    erp.watermark = 'W2';
    const summary = await runPair(runOptions(ledger, erp, ap, { dryRun: true }));

    expect(erp.reads[1]!.since).toBe('W1');
    expect(ap.submits).toEqual([]);
    expect(summary.flows).toEqual([counts({ read: 3, written: 2, unchanged: 1 })]);
    expect(ledger.listRecords()).toEqual(before);
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W1');
  });
});

describe('full re-read', () => {
  it('reads from a null watermark but still skips unchanged records, then stores the new watermark', async () => {
    const ledger = memoryLedger();
    const erp = new FakeErp({ items: { suppliers: supplierItems(4) }, nextWatermark: 'W1' });
    const ap = new FakeAp({ batchSize: 2 });
    await runPair(runOptions(ledger, erp, ap));
    ap.submits.length = 0;
    erp.watermark = 'W2';

    const full = await runPair(runOptions(ledger, erp, ap, { full: true }));
    expect(erp.reads[1]!.since).toBeNull();
    expect(ap.submits).toEqual([]);
    expect(full.flows).toEqual([counts({ read: 4, unchanged: 4 })]);
    expect(ledger.getWatermark(PAIR, FLOW)).toBe('W2');
    const start = auditOfRun(ledger, full.runId).find((e) => e.action === 'run.start');
    expect(start?.detail).toMatchObject({ full: true });

    await runPair(runOptions(ledger, erp, ap));
    expect(erp.reads[2]!.since).toBe('W2');
  });
});

describe('several flows', () => {
  it('runs the flows in dependency order, each with its own watermark and records', async () => {
    const ledger = memoryLedger();
    const order = { number: 'PO1', supplierCode: 'S001', currency: 'EUR', lines: [] };
    const erp = new FakeErp({
      mirrorEntities: ['purchaseOrders', 'suppliers'],
      items: { suppliers: supplierItems(1), purchaseOrders: [{ key: 'PO1', record: order }] },
      nextWatermark: 'W1',
    });
    const ap = new FakeAp({ mirrorTargets: ['suppliers', 'purchaseOrders'] });
    const summary = await runPair(runOptions(ledger, erp, ap));
    expect(ap.submits.map((s) => [s.entity, s.keys])).toEqual([
      ['suppliers', ['S001']],
      ['purchaseOrders', ['PO1']],
    ]);
    expect(summary.flows.map((f) => [f.flow, f.written])).toEqual([
      ['suppliers', 1],
      ['purchaseOrders', 1],
    ]);
    expect(ledger.listWatermarks(PAIR).map((w) => [w.flow, w.value])).toEqual([
      ['purchaseOrders', 'W1'],
      ['suppliers', 'W1'],
    ]);
    expect(recordsByKey(ledger, 'purchaseOrders').get('PO1')).toMatchObject({ state: RECORD_STATE.SYNCED, contentHash: contentHash(order) });
  });
});

describe('the watermark and the records it covers', () => {
  it('are committed in one ledger transaction', async () => {
    const ledger = memoryLedger();
    const calls: Array<{ keys: string[]; watermark?: string }> = [];
    const commit = ledger.commit.bind(ledger);
    ledger.commit = (pair, runId, updates, watermark) => {
      calls.push({ keys: updates.map((u) => u.sourceKey), ...(watermark ? { watermark: watermark.value } : {}) });
      return commit(pair, runId, updates, watermark);
    };
    const erp = new FakeErp({ items: { suppliers: supplierItems(5) }, nextWatermark: 'W1' });
    await runPair(runOptions(ledger, erp, new FakeAp({ batchSize: 2 })));

    const withWatermark = calls.filter((c) => c.watermark);
    expect(withWatermark).toEqual([{ keys: ['S001', 'S002', 'S003', 'S004', 'S005'], watermark: 'W1' }]);
    expect(calls).toHaveLength(1);
  });
});
