/**
 * One lock row per pair, so two cron jobs of the same pair never overlap. Taking it is one
 * BEGIN IMMEDIATE transaction (read the holder, decide, write), so two processes racing for a free
 * lock cannot both win. A held lock is taken over when its heartbeat is stale, or at once when the
 * holder ran on this host and its process is gone (killed run, reboot of the container).
 */
import { hostname } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';
import type { LockHolder, LockResult } from './types.js';

interface LockDbRow {
  pair: string;
  run_id: string;
  pid: number;
  host: string;
  acquired_at: string;
  heartbeat_at: string;
}

/** Is a process with this pid running on this host? A pid we may not signal (EPERM) is alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function toHolder(row: LockDbRow): LockHolder {
  return {
    pair: row.pair,
    runId: row.run_id,
    pid: row.pid,
    host: row.host,
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
  };
}

export interface RunLockOptions {
  /** This machine's name as locks record it (os.hostname()). */
  host?: string;
  /** Whether a local pid is running (process.kill(pid, 0)). */
  isAlive?: (pid: number) => boolean;
}

export class RunLocks {
  private readonly read: Statement<[string], LockDbRow>;
  private readonly write: Statement<[LockDbRow]>;
  private readonly beat: Statement<[string, string, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    private readonly db: Database,
    opts: RunLockOptions = {},
  ) {
    this.host = opts.host ?? hostname();
    this.isAlive = opts.isAlive ?? isProcessAlive;
    this.read = db.prepare('SELECT * FROM locks WHERE pair = ?');
    this.write = db.prepare(
      `INSERT OR REPLACE INTO locks (pair, run_id, pid, host, acquired_at, heartbeat_at)
       VALUES (@pair, @run_id, @pid, @host, @acquired_at, @heartbeat_at)`,
    );
    this.beat = db.prepare('UPDATE locks SET heartbeat_at = ? WHERE pair = ? AND run_id = ?');
    this.remove = db.prepare('DELETE FROM locks WHERE pair = ? AND run_id = ?');
  }

  acquire(pair: string, runId: string, staleAfterMs: number, now: Date): LockResult {
    const take = this.db.transaction((): LockResult => {
      const current = this.read.get(pair);
      const stamp = now.toISOString();
      const mine: LockDbRow = { pair, run_id: runId, pid: process.pid, host: this.host, acquired_at: stamp, heartbeat_at: stamp };
      if (!current) {
        this.write.run(mine);
        return { acquired: true };
      }
      if (current.run_id === runId) {
        this.beat.run(stamp, pair, runId);
        return { acquired: true };
      }
      if (this.isAbandoned(current, staleAfterMs, now)) {
        this.write.run(mine);
        return { acquired: true, tookOverFrom: toHolder(current) };
      }
      return { acquired: false, holder: toHolder(current) };
    });
    return take.immediate();
  }

  /** false when the lock is no longer ours (taken over, or released). */
  heartbeat(pair: string, runId: string, now: Date): boolean {
    return this.beat.run(now.toISOString(), pair, runId).changes === 1;
  }

  /** Only the run that holds the lock can release it; anyone else's release is ignored. */
  release(pair: string, runId: string): void {
    this.remove.run(pair, runId);
  }

  private isAbandoned(holder: LockDbRow, staleAfterMs: number, now: Date): boolean {
    const lastBeat = Date.parse(holder.heartbeat_at);
    if (!Number.isFinite(lastBeat) || now.getTime() - lastBeat > staleAfterMs) return true;
    return holder.host === this.host && !this.isAlive(holder.pid);
  }
}
