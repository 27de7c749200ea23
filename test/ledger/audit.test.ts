import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/ledger/canonical-json.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { RECORD_STATE } from '../../src/model/entities.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { tempLedgerPath, TestClock } from './helpers.js';

const PAIR = 'infor-basware';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A ledger with five audit entries (ids 1–5), and a raw connection to tamper with it like the sqlite3 CLI would. */
function ledgerWithTrail(): { ledger: Ledger; raw: Database.Database } {
  const file = tempLedgerPath();
  const clock = new TestClock();
  const ledger = Ledger.open(file, { now: clock.now });
  for (let i = 1; i <= 5; i++) {
    ledger.audit(PAIR, 'run-1', { action: 'http', outcome: 'ok', detail: { call: i, url: `https://api.basware.com/v1/vendors?page=${i}` } });
    clock.advance(1000);
  }
  const raw = new Database(file);
  cleanups.push(() => raw.close(), () => ledger.close());
  return { ledger, raw };
}

function dropTriggers(raw: Database.Database): void {
  raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
}

describe('audit trail', () => {
  it('chains entries and verifies a clean trail', () => {
    const { ledger } = ledgerWithTrail();
    const entries = ledger.listAudit();
    expect(entries.map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    expect(entries[4]!.prevHash).toBe('0'.repeat(64));
    expect(entries[3]!.prevHash).toBe(entries[4]!.hash);
    expect(ledger.verifyAudit()).toEqual({ ok: true, checked: 5 });
  });

  it('hashes the previous hash plus the canonical JSON of the entry fields', () => {
    const { ledger } = ledgerWithTrail();
    const e = ledger.getAuditEntry(3)!;
    const content = canonicalJson({ id: e.id, ts: e.ts, pair: e.pair, runId: e.runId, recordId: e.recordId, flow: e.flow, action: e.action, outcome: e.outcome, detail: e.detail });
    expect(e.hash).toBe(createHash('sha256').update(e.prevHash + content).digest('hex'));
  });

  it('refuses UPDATE and DELETE while the triggers are in place', () => {
    const { raw } = ledgerWithTrail();
    expect(() => raw.prepare("UPDATE audit SET outcome = 'failed' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/append-only/);
  });

  it('finds an entry whose detail was edited after the triggers were dropped', () => {
    const { ledger, raw } = ledgerWithTrail();
    dropTriggers(raw);
    raw.prepare(`UPDATE audit SET detail = '{"call":3,"url":"https://evil.example.com"}' WHERE id = 3`).run();
    expect(ledger.verifyAudit()).toEqual({
      ok: false,
      checked: 2,
      firstBad: { id: 3, reason: expect.stringContaining('does not match its hash') },
    });
  });

  it('finds an edited entry whose hash was recomputed, at the next link', () => {
    const { ledger, raw } = ledgerWithTrail();
    dropTriggers(raw);
    const e2 = ledger.getAuditEntry(2)!;
    const edited = { id: 2, ts: e2.ts, pair: PAIR, runId: 'run-1', recordId: null, flow: null, action: 'http', outcome: 'failed', detail: e2.detail };
    const hash = createHash('sha256').update(e2.prevHash + canonicalJson(edited)).digest('hex');
    raw.prepare("UPDATE audit SET outcome = 'failed', hash = ? WHERE id = 2").run(hash);
    expect(ledger.verifyAudit()).toEqual({
      ok: false,
      checked: 2,
      firstBad: { id: 3, reason: expect.stringContaining('prev_hash does not match entry #2') },
    });
  });

  it('finds a deleted entry in the middle and at the end', () => {
    const { ledger, raw } = ledgerWithTrail();
    dropTriggers(raw);
    raw.prepare('DELETE FROM audit WHERE id = 3').run();
    expect(ledger.verifyAudit()).toEqual({ ok: false, checked: 2, firstBad: { id: 3, reason: expect.stringMatching(/entry #3 is missing/) } });

    const other = ledgerWithTrail();
    dropTriggers(other.raw);
    other.raw.prepare('DELETE FROM audit WHERE id >= 4').run();
    expect(other.ledger.verifyAudit()).toEqual({ ok: false, checked: 3, firstBad: { id: 4, reason: expect.stringMatching(/#4–#5 are missing at the end/) } });
  });

  it('finds an entry slipped in with a gap-filling id and a forged hash', () => {
    const { ledger, raw } = ledgerWithTrail();
    dropTriggers(raw);
    raw.prepare('DELETE FROM audit WHERE id = 3').run();
    const e2 = ledger.getAuditEntry(2)!;
    const forged = { id: 3, ts: e2.ts, pair: PAIR, runId: 'run-1', recordId: null, flow: null, action: 'http', outcome: 'ok', detail: { call: 'forged' } };
    const hash = createHash('sha256').update(e2.hash + canonicalJson(forged)).digest('hex');
    raw
      .prepare('INSERT INTO audit (id, ts, pair, run_id, action, outcome, detail, prev_hash, hash) VALUES (3, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(forged.ts, PAIR, 'run-1', 'http', 'ok', canonicalJson(forged.detail), e2.hash, hash);
    expect(ledger.verifyAudit().firstBad).toEqual({ id: 4, reason: expect.stringContaining('prev_hash does not match entry #3') });
  });

  it('finds an entry appended outside mlsync', () => {
    const { ledger, raw } = ledgerWithTrail();
    const last = ledger.getAuditEntry(5)!;
    const forged = { id: 6, ts: last.ts, pair: PAIR, runId: null, recordId: null, flow: null, action: 'http', outcome: 'ok', detail: null };
    const hash = createHash('sha256').update(last.hash + canonicalJson(forged)).digest('hex');
    raw
      .prepare("INSERT INTO audit (id, ts, pair, action, outcome, detail, prev_hash, hash) VALUES (6, ?, ?, 'http', 'ok', 'null', ?, ?)")
      .run(forged.ts, PAIR, last.hash, hash);
    expect(ledger.verifyAudit()).toEqual({ ok: false, checked: 6, firstBad: { id: 6, reason: expect.stringContaining('outside mlsync') } });
  });

  it('keeps the chain when entries are added after a reopen', () => {
    const file = tempLedgerPath();
    const first = Ledger.open(file);
    first.audit(PAIR, null, { action: 'a', outcome: 'ok' });
    first.close();
    const second = Ledger.open(file);
    cleanups.push(() => second.close());
    const e = second.audit(PAIR, null, { action: 'b', outcome: 'ok' });
    expect(e.id).toBe(2);
    expect(second.verifyAudit()).toEqual({ ok: true, checked: 2 });
  });

  it('keeps one chain when two connections to the file append in turn', () => {
    const file = tempLedgerPath();
    const a = Ledger.open(file);
    const b = Ledger.open(file);
    cleanups.push(() => a.close(), () => b.close());
    for (let i = 0; i < 3; i++) {
      a.audit(PAIR, 'run-a', { action: 'http', outcome: 'ok', detail: { i } });
      b.commit('ifs-basware', 'run-b', [{ flow: 'suppliers', sourceKey: `K${i}`, state: RECORD_STATE.SYNCED, audit: { action: 'record.written', outcome: 'ok' } }]);
    }
    expect(a.listAudit().map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(b.verifyAudit()).toEqual({ ok: true, checked: 6 });
  });

  it('redacts the detail before storing it', () => {
    const redactor = new Redactor();
    redactor.add('client-secret-value');
    const ledger = Ledger.open(tempLedgerPath(), { redactor });
    cleanups.push(() => ledger.close());
    const entry = ledger.audit(PAIR, null, {
      action: 'http',
      outcome: 'failed',
      detail: { body: 'echo client-secret-value', headers: { Authorization: 'Bearer abc.def' }, password: 'pw' },
    });
    const stored = ledger.getAuditEntry(entry.id)!;
    expect(stored.detail).toEqual({ body: 'echo ***', headers: { Authorization: '***' }, password: '***' });
    expect(JSON.stringify(ledger.listAudit())).not.toContain('client-secret-value');
    expect(ledger.verifyAudit().ok).toBe(true);
  });

  it('filters entries by pair, flow, outcome, record and time, newest first', () => {
    const clock = new TestClock('2026-11-21T10:00:00.000Z');
    const ledger = Ledger.open(tempLedgerPath(), { now: clock.now });
    cleanups.push(() => ledger.close());
    const [rec] = ledger.commit(PAIR, 'r1', [
      { flow: 'suppliers', sourceKey: 'S1', state: RECORD_STATE.HELD, lastError: 'x', audit: { action: 'record.held', outcome: 'held' } },
    ]);
    clock.advance(3_600_000);
    ledger.audit(PAIR, 'r1', { action: 'http', outcome: 'ok', flow: 'glAccounts' });
    ledger.audit('ifs-basware', 'r2', { action: 'http', outcome: 'ok' });
    expect(ledger.listAudit({ pair: PAIR }).map((e) => e.id)).toEqual([2, 1]);
    expect(ledger.listAudit({ outcome: 'held' }).map((e) => e.recordId)).toEqual([rec!.id]);
    expect(ledger.listAudit({ recordId: rec!.id }).map((e) => e.id)).toEqual([1]);
    expect(ledger.listAudit({ flow: 'glAccounts' }).map((e) => e.id)).toEqual([2]);
    expect(ledger.listAudit({ since: '2026-11-21T10:30' }).map((e) => e.id)).toEqual([3, 2]);
    expect(ledger.listAudit({ limit: 1 }).map((e) => e.id)).toEqual([3]);
    expect(ledger.getAuditEntry(99)).toBeUndefined();
  });
});
