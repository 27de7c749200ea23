/**
 * The infor-basware pair end to end: the real CLI against both simulators. Asserts what reached Basware,
 * what the ledger holds, the exit code and the message.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMark, importsSince, vendorsReceivedSince } from '../../src/sandbox/pairs/infor-basware.js';
import { json, startE2E, type E2E } from './harness.js';

interface RunJson {
  pair: string;
  runId: string;
  outcome: string;
  dryRun: boolean;
  flows: Array<{ flow: string; read: number; written: number; unchanged: number; held: number; failed: number }>;
}

const flow = (r: RunJson, name: string) => r.flows.find((f) => f.flow === name)!;

describe('infor-basware mirror flows against the sandbox', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E();
  });
  afterAll(async () => t?.close());

  it('a dry run reads and checks everything but sends nothing and moves no watermark', async () => {
    const r = await t.cli(['run', 'infor-basware', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json<RunJson>(r);
    expect(out.dryRun).toBe(true);
    expect(flow(out, 'suppliers')).toMatchObject({ read: 300, written: 300 });
    expect(t.sandbox.basware.store.vendors.size).toBe(0);
    expect(t.sandbox.basware.store.requestStatuses.size).toBe(0);
    const db = new Database(t.db, { readonly: true });
    expect(db.prepare('select count(*) as n from watermarks').get()).toEqual({ n: 0 });
    expect(db.prepare('select count(*) as n from records').get()).toEqual({ n: 0 });
    db.close();
  });

  it('the first run mirrors every supplier, PO, account and cost center into Basware', async () => {
    const r = await t.cli(['run', 'infor-basware', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = json<RunJson>(r);
    expect(out).toMatchObject({ pair: 'infor-basware', outcome: 'success', dryRun: false });
    expect(out.flows.map((f) => f.flow)).toEqual(['suppliers', 'purchaseOrders', 'glAccounts', 'costCenters', 'invoices', 'payments']);
    // This sandbox has no approved invoices waiting.
    expect(flow(out, 'invoices')).toMatchObject({ read: 0, written: 0, held: 0 });
    expect(flow(out, 'suppliers')).toEqual({ flow: 'suppliers', read: 300, written: 300, unchanged: 0, held: 0, failed: 0 });
    expect(flow(out, 'purchaseOrders')).toMatchObject({ read: 120, written: 120, held: 0 });
    expect(flow(out, 'glAccounts')).toMatchObject({ read: 60, written: 60, held: 0 });
    expect(flow(out, 'costCenters')).toMatchObject({ read: 25, written: 25, held: 0 });

    const store = t.sandbox.basware.store;
    expect(store.vendors.size).toBe(300);
    expect(store.matchingOrders.size).toBe(120);
    expect(store.matchingOrderLines.size).toBeGreaterThan(120);
    expect(store.accounts.size).toBe(60);
    expect(store.costCenters.size).toBe(25);
    const vendor = store.vendors.get('M3_BW00_SUP_10001')!;
    expect(vendor).toMatchObject({ vendorCode: '10001', companies: [{ companyCode: 'BW00' }] });
    expect(vendor.name).toBe(t.sandbox.infor.supplierName('10001'));

    const db = new Database(t.db, { readonly: true });
    const states = db.prepare("select flow, state, count(*) as n from records group by flow, state order by flow").all();
    expect(states).toEqual([
      { flow: 'costCenters', state: 'synced', n: 25 },
      { flow: 'glAccounts', state: 'synced', n: 60 },
      { flow: 'purchaseOrders', state: 'synced', n: 120 },
      { flow: 'suppliers', state: 'synced', n: 300 },
    ]);
    expect((db.prepare('select count(*) as n from watermarks').get() as { n: number }).n).toBe(4);
    db.close();
  });

  it('running again sends nothing; a full re-read finds everything unchanged and sends nothing either', async () => {
    const mark = importMark(t.sandbox.basware);
    const again = json<RunJson>(await t.cli(['run', 'infor-basware', '--json']));
    expect(again.outcome).toBe('success');
    expect(again.flows.every((f) => f.written === 0)).toBe(true);

    const full = await t.cli(['run', 'infor-basware', '--full', '--json']);
    expect(full.code, full.stderr).toBe(0);
    const fullOut = json<RunJson>(full);
    expect(flow(fullOut, 'suppliers')).toMatchObject({ read: 300, written: 0, unchanged: 300 });
    expect(flow(fullOut, 'purchaseOrders')).toMatchObject({ read: 120, written: 0, unchanged: 120 });
    expect(importsSince(t.sandbox.basware, mark)).toBe(0);
  });

  it('touching three suppliers in M3 sends exactly those three', async () => {
    const touched = ['10005', '10042', '10123'];
    for (const suno of touched) {
      t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: suno }, changes: { SUNM: `Renamed ${suno} AB` } });
    }
    const mark = importMark(t.sandbox.basware);
    const r = await t.cli(['run', 'infor-basware', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(flow(json<RunJson>(r), 'suppliers')).toMatchObject({ written: 3, held: 0 });
    expect(vendorsReceivedSince(t.sandbox.basware, mark).sort()).toEqual(touched);
    expect(importsSince(t.sandbox.basware, mark)).toBe(1);
    expect(t.sandbox.basware.store.vendors.get('M3_BW00_SUP_10042')?.name).toBe('Renamed 10042 AB');
  });

  it('a supplier Basware refuses in phase 2 is held with its reason while the others land, and goes through once fixed', async () => {
    t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: '10007' }, changes: { TEPY: '90D' } });
    t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: '10008' }, changes: { SUNM: 'Still Fine Oy' } });
    const r = await t.cli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const out = json<RunJson>(r);
    expect(out.outcome).toBe('partial');
    // The three suppliers touched just before are read again (the 5-minute lag window) and skipped as unchanged.
    expect(flow(out, 'suppliers')).toMatchObject({ read: 5, written: 1, unchanged: 3, held: 1 });
    expect(r.stderr).toMatch(/held: suppliers 10007 \(record \d+\): .*90D/);
    expect(t.sandbox.basware.store.vendors.get('M3_BW00_SUP_10008')?.name).toBe('Still Fine Oy');

    const status = json<{ review: Array<{ id: number; flow: string; key: string; state: string; reason: string }> }>(
      await t.cli(['status', 'infor-basware', '--json']),
    );
    expect(status.review).toHaveLength(1);
    expect(status.review[0]).toMatchObject({ flow: 'suppliers', key: '10007', state: 'held' });
    expect(status.review[0]!.reason).toMatch(/payment ?term/i);

    // The run after is still partial: the held record is offered again and refused again.
    const retry = await t.cli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    expect(retry.code).toBe(1);

    // Basware gets the payment term configured; the next run sends the held supplier without any M3 change.
    t.sandbox.basware.setConfig({ paymentTerms: [...t.sandbox.basware.config.paymentTerms, '90D'] });
    const mark = importMark(t.sandbox.basware);
    const fixed = await t.cli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(vendorsReceivedSince(t.sandbox.basware, mark)).toEqual(['10007']);
    const after = json<{ review: unknown[] }>(await t.cli(['status', 'infor-basware', '--json']));
    expect(after.review).toEqual([]);
  });

  it('audit show lists a record with its history, and audit verify catches an edited entry', async () => {
    const db = new Database(t.db);
    const rec = db.prepare("select id from records where flow = 'suppliers' and source_key = '10007'").get() as { id: number };
    db.close();
    const show = await t.cli(['audit', 'show', String(rec.id), '--json']);
    expect(show.code, show.stderr).toBe(0);
    const shown = json<{ record: { sourceKey: string; state: string }; audit: Array<{ action: string; outcome: string }> }>(show);
    expect(shown.record).toMatchObject({ sourceKey: '10007', state: 'synced' });
    expect(shown.audit.map((a) => a.outcome)).toEqual(expect.arrayContaining(['held', 'ok']));

    const ok = await t.cli(['audit', 'verify']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Audit trail intact: \d+ entries/);

    // Someone with the sqlite3 tool rewrites one entry's outcome to hide a hold.
    const raw = new Database(t.db);
    const triggers = raw.prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'audit'").all() as Array<{ name: string }>;
    for (const tr of triggers) raw.exec(`drop trigger ${tr.name}`);
    const victim = raw.prepare("select id from audit where outcome = 'held' order by id limit 1").get() as { id: number };
    raw.prepare("update audit set outcome = 'ok' where id = ?").run(victim.id);
    raw.close();

    const broken = await t.cli(['audit', 'verify', '--json']);
    expect(broken.code).toBe(1);
    expect(json<{ ok: boolean; firstBad: { id: number } }>(broken)).toMatchObject({ ok: false, firstBad: { id: victim.id } });
    const plain = await t.cli(['audit', 'verify']);
    expect(plain.stderr).toContain(`Audit trail BROKEN at entry ${victim.id}`);
  });
});
