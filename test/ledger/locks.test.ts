import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { isProcessAlive } from '../../src/ledger/run-lock.js';
import { tempLedgerPath, TestClock } from './helpers.js';

const PAIR = 'infor-basware';
const STALE_MS = 120_000;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function twoLedgers(clock = new TestClock()): { a: Ledger; b: Ledger; file: string; clock: TestClock } {
  const file = tempLedgerPath();
  // Two connections to one file, as two cron jobs would have.
  const a = Ledger.open(file, { now: clock.now });
  const b = Ledger.open(file, { now: clock.now });
  cleanups.push(() => a.close(), () => b.close());
  return { a, b, file, clock };
}

/** The pid of a process that has exited (the kernel does not reuse it within a test). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return pid;
}

describe('run locks', () => {
  it('refuses a second run while the first holds the lock, naming the holder', () => {
    const { a, b } = twoLedgers();
    expect(a.acquireLock(PAIR, 'run-a', { staleAfterMs: STALE_MS })).toEqual({ acquired: true });
    const second = b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS });
    expect(second).toEqual({
      acquired: false,
      holder: {
        pair: PAIR,
        runId: 'run-a',
        pid: process.pid,
        host: hostname(),
        acquiredAt: '2026-11-21T12:34:56.000Z',
        heartbeatAt: '2026-11-21T12:34:56.000Z',
      },
    });
    // Another pair is independent.
    expect(b.acquireLock('ifs-basware', 'run-b', { staleAfterMs: STALE_MS }).acquired).toBe(true);
    // The holder asking again keeps it.
    expect(a.acquireLock(PAIR, 'run-a', { staleAfterMs: STALE_MS }).acquired).toBe(true);
  });

  it('moves the heartbeat for the holder only', () => {
    const { a, clock } = twoLedgers();
    a.acquireLock(PAIR, 'run-a', { staleAfterMs: STALE_MS });
    clock.advance(15_000);
    expect(a.heartbeat(PAIR, 'run-a')).toBe(true);
    expect(a.heartbeat(PAIR, 'run-x')).toBe(false);
    const refused = a.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS });
    expect(refused.acquired === false && refused.holder.heartbeatAt).toBe('2026-11-21T12:35:11.000Z');
  });

  it('takes over a lock whose heartbeat is stale, and the old holder learns it lost the lock', () => {
    const { a, b, clock } = twoLedgers();
    a.acquireLock(PAIR, 'run-a', { staleAfterMs: STALE_MS });
    clock.advance(STALE_MS); // exactly at the limit: still held
    expect(b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS }).acquired).toBe(false);
    clock.advance(1);
    const taken = b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS });
    expect(taken).toEqual({ acquired: true, tookOverFrom: expect.objectContaining({ runId: 'run-a', pid: process.pid }) });
    expect(a.heartbeat(PAIR, 'run-a')).toBe(false);
    expect(b.heartbeat(PAIR, 'run-b')).toBe(true);
  });

  it('takes over at once a lock held by a process of this host that is gone', async () => {
    const { a, b, file } = twoLedgers();
    a.acquireLock(PAIR, 'run-dead', { staleAfterMs: STALE_MS });
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    const raw = new Database(file);
    raw.prepare('UPDATE locks SET pid = ? WHERE pair = ?').run(pid, PAIR);
    raw.close();

    const taken = b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS });
    expect(taken).toEqual({ acquired: true, tookOverFrom: expect.objectContaining({ runId: 'run-dead', pid }) });
  });

  it('does not judge a pid of another host: it waits for the heartbeat to go stale', async () => {
    const { a, b, file } = twoLedgers();
    a.acquireLock(PAIR, 'run-remote', { staleAfterMs: STALE_MS });
    const pid = await deadPid();
    const raw = new Database(file);
    raw.prepare("UPDATE locks SET pid = ?, host = 'other-host' WHERE pair = ?").run(pid, PAIR);
    raw.close();
    expect(b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS })).toMatchObject({ acquired: false, holder: { host: 'other-host' } });
  });

  it('ignores a release by another run id', () => {
    const { a, b } = twoLedgers();
    a.acquireLock(PAIR, 'run-a', { staleAfterMs: STALE_MS });
    b.releaseLock(PAIR, 'run-b');
    expect(b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS }).acquired).toBe(false);
    a.releaseLock(PAIR, 'run-a');
    expect(b.acquireLock(PAIR, 'run-b', { staleAfterMs: STALE_MS })).toEqual({ acquired: true });
  });
});
