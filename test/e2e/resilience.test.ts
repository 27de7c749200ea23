/**
 * What cron meets in real life: rate limits, flaky networks, tokens that expire, runs that overlap or are
 * killed. Faults are switched on in the simulators; the real CLI must come through with the same result
 * as a clean run.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startE2E, type E2E } from './harness.js';

interface RunJson {
  outcome: string;
  flows: Array<{ flow: string; read: number; written: number; unchanged: number; held: number }>;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits and flaky networks', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E();
  });
  afterAll(async () => t?.close());

  it("honours Basware's and Infor's Retry-After on 429, and retries 503s and connection resets on reads", async () => {
    t.sandbox.basware.setConfig({ rateLimitNext: { count: 1, retryAfterSeconds: 2 } });
    t.sandbox.infor.setConfig({ rateLimitNext: { count: 1, retryAfterSeconds: 1 }, fail5xxNext: 2, resetNext: 1 });
    const r = await t.cli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunJson>(r).flows[0]).toMatchObject({ read: 300, written: 300, held: 0 });
    expect(t.sandbox.basware.store.vendors.size).toBe(300);

    const stats = t.sandbox.infor.stats();
    expect(stats.faults).toMatchObject({ rateLimited: 1, fail5xx: 2, connectionResets: 1 });

    // The request after Basware's 429 came at least Retry-After seconds later.
    const log = t.sandbox.basware.server.log;
    const i = log.findIndex((e) => e.status === 429);
    expect(i).toBeGreaterThanOrEqual(0);
    const next = log.slice(i + 1).find((e) => e.url === log[i]!.url && e.method === log[i]!.method)!;
    expect(Date.parse(next.ts) - Date.parse(log[i]!.ts)).toBeGreaterThanOrEqual(2000);

    const inforLog = t.sandbox.infor.server.log;
    const j = inforLog.findIndex((e) => e.status === 429);
    const after = inforLog.slice(j + 1).find((e) => e.url === inforLog[j]!.url)!;
    expect(Date.parse(after.ts) - Date.parse(inforLog[j]!.ts)).toBeGreaterThanOrEqual(1000);
  });

  it('reuses the cached tokens in the next run instead of asking for new ones', async () => {
    const tokensBefore = t.sandbox.infor.stats().tokenRequests;
    const baswareTokensBefore = t.sandbox.basware.server.log.filter((e) => e.url.startsWith('/v1/tokens')).length;
    t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: '10002' }, changes: { SUNM: 'Token Reuse GmbH' } });
    const r = await t.cli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunJson>(r).flows[0]!.written).toBe(1);
    expect(t.sandbox.infor.stats().tokenRequests).toBe(tokensBefore);
    expect(t.sandbox.basware.server.log.filter((e) => e.url.startsWith('/v1/tokens')).length).toBe(baswareTokensBefore);
    // What is cached is not readable as a token.
    const raw = readFileSync(t.db).toString('latin1');
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe('quota and signals', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E();
  });
  afterAll(async () => t?.close());

  it("stops as partial instead of sleeping when Infor's daily quota asks to wait an hour, and moves no watermark", async () => {
    t.sandbox.infor.setConfig({ rateLimitNext: { count: 1, retryAfterSeconds: 3600 } });
    const started = Date.now();
    const r = await t.cli(['run', 'infor-basware', '--json']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(1);
    const out = json<RunJson & { error: { code: string; message: string } }>(r);
    expect(out).toMatchObject({ outcome: 'partial', error: { code: 'QUOTA_EXHAUSTED' } });
    expect(out.error.message).toMatch(/Infor CloudSuite/);
    expect(out.error.message).toMatch(/3600/);
    const db = new Database(t.db, { readonly: true });
    expect(db.prepare('select count(*) as n from watermarks').get()).toEqual({ n: 0 });
    db.close();
    const next = await t.cli(['run', 'infor-basware', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(json<RunJson>(next).flows[0]).toMatchObject({ read: 300, held: 0 });
  });

  it('SIGTERM stops a run between batches, releases the lock and exits 1; the next run completes it', async () => {
    t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: '10020' }, changes: { SUNM: 'Terminated Run Oy' } });
    t.sandbox.infor.setConfig({ latencyMs: 10 });
    const run = t.spawnCli(['run', 'infor-basware', '--full']);
    await sleep(1500);
    run.child.kill('SIGTERM');
    const done = await run.done;
    t.sandbox.infor.setConfig({ latencyMs: 0 });
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('SIGTERM received');
    const db = new Database(t.db, { readonly: true });
    expect(db.prepare('select count(*) as n from locks').get()).toEqual({ n: 0 });
    db.close();
    const next = await t.cli(['run', 'infor-basware', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(t.sandbox.basware.store.vendors.get('M3_BW00_SUP_10020')?.name).toBe('Terminated Run Oy');
  });
});

describe('token refresh before expiry', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E();
    // Short-lived Infor tokens: refreshed when under half their life remains.
    t.sandbox.infor.setConfig({ tokenTtlSeconds: 8 });
  });
  afterAll(async () => t?.close());

  it('refreshes a cached Infor token that is about to expire, with the refresh token, before any call fails', async () => {
    const first = await t.cli(['run', 'infor-basware', '--flows', 'glAccounts']);
    expect(first.code, first.stderr).toBe(0);
    expect(t.sandbox.infor.stats().tokenRequests).toBe(1);
    await sleep(5000);
    const trace = join(t.dir, 'refresh.jsonl');
    const second = await t.cli(['--trace', trace, 'run', 'infor-basware', '--flows', 'glAccounts', '--full']);
    expect(second.code, second.stderr).toBe(0);
    const stats = t.sandbox.infor.stats();
    expect(stats.tokenRequests).toBe(2);
    expect(stats.unauthorized).toBe(0);
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { url: string; requestBody?: string });
    const tokenCall = lines.find((l) => l.url.endsWith('/as/token.oauth2'))!;
    expect(tokenCall.requestBody).toContain('grant_type=refresh_token');
    expect(tokenCall.requestBody).not.toMatch(/refresh_token=[A-Za-z0-9]{6,}/);
  });
});

describe('overlapping and killed runs', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E();
  });
  afterAll(async () => t?.close());

  const lockHolder = () => {
    const db = new Database(t.db, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('select * from locks').get() as { run_id: string; pid: number } | undefined;
    } finally {
      db.close();
    }
  };
  const waitForLock = async () => {
    for (let i = 0; i < 100; i++) {
      try {
        if (lockHolder()) return;
      } catch {
        // ledger not created yet
      }
      await sleep(50);
    }
    throw new Error('the first run never took the lock');
  };

  it('a second run of the same pair exits 4 at once while the first goes on', async () => {
    t.sandbox.infor.setConfig({ latencyMs: 10 });
    const first = t.spawnCli(['run', 'infor-basware', '--flows', 'suppliers', '--json']);
    await waitForLock();
    const started = Date.now();
    const second = await t.cli(['run', 'infor-basware', '--flows', 'suppliers']);
    expect(second.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(second.stderr).toMatch(/Another run of infor-basware is in progress \(run \S+, pid \d+/);
    expect(second.stderr).toContain('Nothing was done');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(json<RunJson>(done).flows[0]!.written).toBe(300);
    t.sandbox.infor.setConfig({ latencyMs: 0 });
  });

  it('a run killed with SIGKILL leaves a lock the next run takes over; the result is as one clean run', async () => {
    for (const suno of ['10011', '10012', '10013', '10014']) {
      t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: suno }, changes: { SUNM: `Killed Run ${suno}` } });
    }
    t.sandbox.infor.setConfig({ latencyMs: 10 });
    const victim = t.spawnCli(['run', 'infor-basware', '--json']);
    await waitForLock();
    await sleep(800);
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(lockHolder()?.pid).toBe(victim.child.pid);
    t.sandbox.infor.setConfig({ latencyMs: 0 });

    const next = await t.cli(['run', 'infor-basware', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(lockHolder()).toBeUndefined();
    for (const suno of ['10011', '10012', '10013', '10014']) {
      expect(t.sandbox.basware.store.vendors.get(`M3_BW00_SUP_${suno}`)?.name).toBe(`Killed Run ${suno}`);
    }
    expect(t.sandbox.basware.store.matchingOrders.size).toBe(120);
    const audit = json<Array<{ action: string }>>(await t.cli(['audit', '--json', '--limit', '500']));
    expect(audit.some((e) => e.action === 'lock.takeover')).toBe(true);
    const status = json<{ review: unknown[]; counts: Array<{ state: string; count: number }> }>(await t.cli(['status', '--json']));
    expect(status.review).toEqual([]);
    expect(status.counts.every((c) => c.state === 'synced')).toBe(true);
  });
});
