/**
 * The posting outbox under faults, for any pair with a probe: the CLI is killed with SIGKILL at every
 * step of the outbox and run again, an ERP response is dropped after the write landed, master data is
 * missing, the ERP refuses an invoice, payments arrive. Each time the end state must equal one clean
 * run: exactly one posted invoice in the ERP per document, every document acknowledged once and
 * transferred, none lost, one payment response per payment.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { KILL_POINTS } from '../../src/engine/failpoints.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGS, json, type E2E } from './harness.js';
import type { OutboxProbe } from './outbox-probe.js';

interface RunJson {
  outcome: string;
  flows: Array<{ flow: string; read: number; written: number; unchanged: number; held: number; failed: number }>;
}

export function describeOutbox(probe: OutboxProbe): void {
  describe(`${probe.pair}: invoices exactly once`, () => {
    let t: E2E | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });
    const run = (args: string[] = [], env: Record<string, string> = {}) => t!.cli(['run', probe.pair, '--flows', 'invoices,payments', ...args], { env });
    const ledgerRow = (documentId: string) => {
      const db = new Database(t!.db, { readonly: true });
      try {
        return db.prepare("select id, state, last_error as lastError, target_key as targetKey from records where flow = 'invoices' and source_key = ?").get(documentId) as
          | { id: number; state: string; lastError: string | null; targetKey: string | null }
          | undefined;
      } finally {
        db.close();
      }
    };

    /** The end state of one clean run, whatever happened before. */
    async function expectCleanEndState(): Promise<void> {
      const e = t!;
      for (const id of [...probe.ordinary(e), ...probe.alreadyPosted(e)]) {
        expect(await probe.erpInvoices(e, id), `ERP invoices of ${id}`).toEqual({ posted: 1, all: 1 });
        expect(probe.acknowledgements(e, id), `acknowledgements of ${id}`).toBe(1);
        expect(probe.transferResponses(e, id), `transfer responses of ${id}`).toEqual([expect.objectContaining({ success: true })]);
        expect(probe.documentStatus(e, id)).toBe('Transferred');
        expect(ledgerRow(id)?.state).toBe('confirmed');
      }
      for (const id of probe.heldForAccount(e)) {
        expect(await probe.erpInvoices(e, id)).toEqual({ posted: 0, all: 0 });
        expect(probe.acknowledgements(e, id)).toBe(0);
        expect(probe.documentStatus(e, id)).toBe('WaitingForTransfer');
        expect(ledgerRow(id)).toMatchObject({ state: 'held', lastError: expect.stringContaining('has not been mirrored') });
      }
    }

    it('a clean run posts each invoice once, recovers those already in the ERP, holds the unmapped; a second run writes nothing', async () => {
      t = await probe.start();
      const first = await run(['--json']);
      expect(first.code, first.stderr).toBe(1);
      const out = json<RunJson>(first);
      const inv = out.flows.find((f) => f.flow === 'invoices')!;
      expect(inv).toMatchObject({ written: probe.ordinary(t).length, unchanged: probe.alreadyPosted(t).length });
      expect(inv.held).toBeGreaterThanOrEqual(probe.heldForAccount(t).length);
      await expectCleanEndState();

      // Every external call made for an invoice is in its audit trail, redacted.
      const shown = await t.cli(['audit', 'show', String(ledgerRow(probe.ordinary(t)[0]!)!.id), '--json']);
      const trail = json<{ audit: Array<{ action: string; detail: { calls?: Array<{ method: string; url: string; status?: number }> } }> }>(shown);
      const postedEntry = trail.audit.find((a) => a.action === 'invoice.posted')!;
      expect(postedEntry.detail.calls!.length).toBeGreaterThanOrEqual(3);
      expect(postedEntry.detail.calls!.every((c) => c.status === 200)).toBe(true);
      const confirmEntries = trail.audit.filter((a) => a.action === 'invoice.acknowledged' || a.action === 'invoice.confirmed');
      expect(confirmEntries.flatMap((a) => a.detail.calls ?? []).some((c) => c.method === 'POST')).toBe(true);
      expect(shown.stdout).not.toMatch(/Bearer\s+(?!\*\*\*)[A-Za-z0-9]/);

      const writes = probe.erpWrites(t);
      const again = await run(['--json']);
      expect(again.code).toBe(1);
      expect(json<RunJson>(again).flows.find((f) => f.flow === 'invoices')).toMatchObject({ written: 0 });
      expect(probe.erpWrites(t)).toBe(writes);
      await expectCleanEndState();
    });

    for (const point of [KILL_POINTS.AFTER_POSTING_COMMIT, KILL_POINTS.AFTER_ERP_WRITE, KILL_POINTS.AFTER_POSTED_COMMIT, KILL_POINTS.AFTER_ACKNOWLEDGE]) {
      it(`killed with SIGKILL ${point.replace(/-/g, ' ')}, then run again: as one clean run`, async () => {
        t = await probe.start();
        const killed = await run([], { MLSYNC_KILL_AT: point });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        const again = await run();
        expect(again.code, again.stderr).toBe(1);
        await expectCleanEndState();
      });
    }

    it('an ERP response dropped after the write landed does not make a duplicate', async () => {
      t = await probe.start();
      probe.dropResponsesAfterWrite(t, true);
      const first = await run();
      expect(first.code).toBe(1);
      probe.dropResponsesAfterWrite(t, false);
      const db = new Database(t.db, { readonly: true });
      const unknown = db.prepare("select count(*) as n from records where flow = 'invoices' and state = 'posting'").get() as { n: number };
      db.close();
      expect(unknown.n).toBeGreaterThan(0);
      const second = await run();
      expect(second.code, second.stderr).toBe(1);
      await expectCleanEndState();
    });

    it('an invoice held for an unmapped account is never acknowledged, and posts once the account is mirrored', async () => {
      t = await probe.start();
      await run();
      const held = probe.heldForAccount(t);
      expect(held.length).toBeGreaterThan(0);
      const status = json<{ review: Array<{ flow: string; key: string; reason: string }> }>(await t.cli(['status', probe.pair, '--json']));
      for (const id of held) {
        expect(status.review).toContainEqual(expect.objectContaining({ flow: 'invoices', key: id, reason: expect.stringContaining('has not been mirrored') }));
        expect(probe.acknowledgements(t, id)).toBe(0);
      }
      probe.addMissingAccount(t);
      const next = await t.cli(['run', probe.pair, '--flows', 'glAccounts,invoices']);
      expect(next.stderr).not.toContain(held[0]);
      for (const id of held) {
        expect(await probe.erpInvoices(t, id)).toEqual({ posted: 1, all: 1 });
        expect(probe.documentStatus(t, id)).toBe('Transferred');
        expect(probe.acknowledgements(t, id)).toBe(1);
      }
    });

    it('with invoices.sendFailureResponse, a refusal is reported to the AP platform with the ERP message', async () => {
      t = await probe.start();
      const victim = probe.ordinary(t)[0]!;
      probe.refuseInErp(t, victim, true);
      const dir = join(t.dir, 'configs');
      mkdirSync(dir);
      const yaml = readFileSync(join(CONFIGS, `${probe.pair}.yaml`), 'utf8') + '\ninvoices:\n  sendFailureResponse: true\n';
      writeFileSync(join(dir, `${probe.pair}.yaml`), yaml);
      const r = await t.cli(['run', probe.pair, '--flows', 'invoices'], { env: { MLSYNC_CONFIG_DIR: dir } });
      expect(r.code).toBe(1);
      expect(ledgerRow(victim)?.state).toBe('failed');
      expect(probe.transferResponses(t, victim)).toEqual([expect.objectContaining({ success: false })]);
      expect(probe.documentStatus(t, victim)).toBe('TransferFailed');
      expect(probe.acknowledgements(t, victim)).toBe(0);
      // Run again: the failure is not reported twice.
      await t.cli(['run', probe.pair, '--flows', 'invoices'], { env: { MLSYNC_CONFIG_DIR: dir } });
      expect(probe.transferResponses(t, victim)).toHaveLength(1);
    });

    it('replay: a refused invoice posts once its cause is fixed; replaying a posted invoice writes nothing', async () => {
      t = await probe.start();
      const victim = probe.ordinary(t)[0]!;
      probe.refuseInErp(t, victim, true);
      const first = await run();
      expect(first.code).toBe(1);
      const row = ledgerRow(victim)!;
      expect(row.state).toBe('failed');
      expect(probe.acknowledgements(t, victim)).toBe(0);

      const dry = await t.cli(['replay', String(row.id), '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/would post/);
      expect(await probe.erpInvoices(t, victim)).toEqual({ posted: 0, all: 0 });

      probe.refuseInErp(t, victim, false);
      const replayed = await t.cli(['replay', String(row.id)]);
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(await probe.erpInvoices(t, victim)).toEqual({ posted: 1, all: 1 });
      expect(probe.documentStatus(t, victim)).toBe('Transferred');

      const writes = probe.erpWrites(t);
      const again = await t.cli(['replay', String(row.id)]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('already posted');
      expect(probe.erpWrites(t)).toBe(writes);

      const trail = json<{ audit: Array<{ action: string; outcome: string; detail: { replayOf?: number } }> }>(
        await t.cli(['audit', 'show', String(row.id), '--json']),
      );
      const replays = trail.audit.filter((a) => a.action === 'invoice.replay');
      expect(replays.map((r) => r.outcome)).toEqual(['dry-run', 'ok', 'skipped']);
      expect(replays.every((r) => typeof r.detail.replayOf === 'number')).toBe(true);
    });

    it('a payment in the ERP is confirmed once; re-runs and a kill before sending never send a second response', async () => {
      t = await probe.start();
      await run();
      const [paidOne, paidTwo] = probe.ordinary(t);
      probe.payInErp(t, paidOne!);
      const first = await run(['--json']);
      expect(json<RunJson>(first).flows.find((f) => f.flow === 'payments')).toMatchObject({ written: 1 });
      expect(probe.paymentResponses(t, paidOne!)).toHaveLength(1);
      expect(probe.documentStatus(t, paidOne!)).toBe('Paid');

      probe.payInErp(t, paidTwo!);
      const killed = await run([], { MLSYNC_KILL_AT: KILL_POINTS.AFTER_PAYMENT_INTENT });
      expect(killed.signal).toBe('SIGKILL');
      await run();
      await run();
      expect(probe.paymentResponses(t, paidOne!)).toHaveLength(1);
      expect(probe.paymentResponses(t, paidTwo!)).toHaveLength(1);
      expect(probe.documentStatus(t, paidTwo!)).toBe('Paid');
    });
  });
}
