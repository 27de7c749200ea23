import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { migrate } from '../../src/ledger/migrate.js';
import { MIGRATIONS } from '../../src/ledger/migrations.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { tempLedgerPath, TestClock } from './helpers.js';

const PAIR = 'infor-basware';
const N1 = { taskId: 'eb9ea3fa-69de-4a5a-8a1a-f4347cd18626', documentId: '138e7d94997847aebe7432e521b3dac9', taskType: 'AccountingDocuments', taskSubType: 'WaitingForTransfer' };
const N2 = { taskId: '5b0e1c2d-0000-4000-8000-000000000002', documentId: 'doc-2', taskType: 'AccountingDocuments' };
const HOUR_MS = 3_600_000;

function redactorKnowing(secret: string): Redactor {
  const r = new Redactor();
  r.add(secret);
  return r;
}

describe('ledger webhook inbox', () => {
  it('migrates an existing version-1 ledger file to the inbox schema and keeps its data', () => {
    const file = tempLedgerPath();
    mkdirSync(dirname(file), { recursive: true });
    const v1 = new Database(file);
    migrate(v1, file, () => new Date(), MIGRATIONS.slice(0, 1));
    v1.prepare("INSERT INTO watermarks (pair, flow, value, updated_at) VALUES ('p', 'suppliers', 'w1', 'now')").run();
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    const ledger = Ledger.open(file);
    try {
      expect(ledger.schemaVersion).toBe(2);
      expect(ledger.getWatermark('p', 'suppliers')).toBe('w1');
      expect(ledger.acceptNotification(PAIR, N1)).toBe('accepted');
      expect(ledger.pendingInbox(PAIR).map((r) => r.taskId)).toEqual([N1.taskId]);
    } finally {
      ledger.close();
    }
  });

  it('accepts a taskId once; a redelivery is a duplicate and changes nothing', () => {
    const clock = new TestClock();
    const ledger = Ledger.open(':memory:', { now: clock.now });
    try {
      expect(ledger.acceptNotification(PAIR, N1)).toBe('accepted');
      clock.advance(30_000);
      expect(ledger.acceptNotification(PAIR, { ...N1, documentId: 'something-else' })).toBe('duplicate');
      const rows = ledger.pendingInbox(PAIR);
      expect(rows).toEqual([
        {
          taskId: N1.taskId,
          pair: PAIR,
          documentId: N1.documentId,
          taskType: 'AccountingDocuments',
          taskSubType: 'WaitingForTransfer',
          receivedAt: '2026-11-21T12:34:56.000Z',
          state: 'new',
          attempts: 0,
          lastError: null,
          updatedAt: '2026-11-21T12:34:56.000Z',
        },
      ]);
      // one audit entry for the acceptance, none for the duplicate
      const audit = ledger.listAudit({ pair: PAIR });
      expect(audit.map((a) => [a.action, (a.detail as { taskId: string }).taskId])).toEqual([['webhook.accepted', N1.taskId]]);
      expect(ledger.verifyAudit().ok).toBe(true);
    } finally {
      ledger.close();
    }
  });

  it('is durable: an accepted notification is in the file when it is reopened', () => {
    const file = tempLedgerPath();
    const writer = Ledger.open(file);
    expect(writer.acceptNotification(PAIR, N1)).toBe('accepted');
    // A second process sees it committed while the writer still has the file open.
    const reader = Ledger.open(file);
    try {
      expect(reader.pendingInbox(PAIR).map((r) => r.documentId)).toEqual([N1.documentId]);
      expect(reader.acceptNotification(PAIR, N1)).toBe('duplicate');
    } finally {
      reader.close();
      writer.close();
    }
    const reopened = Ledger.open(file);
    try {
      expect(reopened.getInboxEntry(N1.taskId)?.state).toBe('new');
    } finally {
      reopened.close();
    }
  });

  it('moves rows through processing and done, counting attempts, keeping pending ones per pair, oldest first', () => {
    const clock = new TestClock();
    const ledger = Ledger.open(':memory:', { now: clock.now, redactor: redactorKnowing('sekret-value-123') });
    try {
      ledger.acceptNotification(PAIR, N1);
      clock.advance(1000);
      ledger.acceptNotification(PAIR, N2);
      ledger.acceptNotification('other-pair', { ...N2, taskId: 'other-task' });
      expect(ledger.pendingInbox(PAIR).map((r) => r.taskId)).toEqual([N1.taskId, N2.taskId]);

      expect(ledger.markInbox(N1.taskId, 'processing')).toBe(true);
      expect(ledger.markInbox(N1.taskId, 'new', 'Infor timed out; token sekret-value-123')).toBe(true);
      expect(ledger.markInbox(N1.taskId, 'processing')).toBe(true);
      // processing rows stay pending: a drain that died leaves them for the next one
      expect(ledger.pendingInbox(PAIR).map((r) => [r.taskId, r.state])).toEqual([
        [N1.taskId, 'processing'],
        [N2.taskId, 'new'],
      ]);
      expect(ledger.markInbox(N1.taskId, 'done')).toBe(true);
      const done = ledger.getInboxEntry(N1.taskId)!;
      expect(done).toMatchObject({ state: 'done', attempts: 2, lastError: null });
      expect(ledger.pendingInbox(PAIR).map((r) => r.taskId)).toEqual([N2.taskId]);
      expect(ledger.markInbox('no-such-task', 'done')).toBe(false);
      expect(() => ledger.markInbox(N2.taskId, 'posted' as never)).toThrow(/not an inbox state/);
    } finally {
      ledger.close();
    }
  });

  it('stores errors redacted', () => {
    const ledger = Ledger.open(':memory:', { redactor: redactorKnowing('sekret-value-123') });
    try {
      ledger.acceptNotification(PAIR, N1);
      ledger.markInbox(N1.taskId, 'new', 'Infor timed out; token sekret-value-123');
      const row = ledger.getInboxEntry(N1.taskId)!;
      expect(row.lastError).toContain('Infor timed out');
      expect(row.lastError).not.toContain('sekret-value-123');
    } finally {
      ledger.close();
    }
  });

  it('purges done taskIds older than the de-dup window, never unprocessed ones', () => {
    const clock = new TestClock();
    const ledger = Ledger.open(':memory:', { now: clock.now });
    try {
      ledger.acceptNotification(PAIR, N1);
      ledger.acceptNotification(PAIR, N2);
      ledger.markInbox(N1.taskId, 'done');
      clock.advance(168 * HOUR_MS);
      expect(ledger.purgeInbox()).toBe(0); // exactly at the edge: still kept
      clock.advance(1000);
      expect(ledger.purgeInbox()).toBe(1);
      expect(ledger.getInboxEntry(N1.taskId)).toBeUndefined();
      expect(ledger.getInboxEntry(N2.taskId)?.state).toBe('new');
      expect(ledger.acceptNotification(PAIR, N1)).toBe('accepted'); // its taskId no longer de-duplicates
    } finally {
      ledger.close();
    }
  });
});
