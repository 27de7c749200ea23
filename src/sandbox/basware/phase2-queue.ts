/**
 * Phase 2 of an import (apis/basware.md §4.4, MODELED): accepted requests wait `asyncDelayMs` and are
 * then processed strictly in arrival order. While a request waits, a newer request carrying the same
 * externalCode for the same collection expires that record in the older one (item RecordExpired, §9
 * item 16).
 */

export interface Phase2Job {
  requestId: string;
  /** Collection the records go to ('vendors', 'lists/ACC_LIST_5', ...); null for jobs that cannot expire. */
  collection: string | null;
  externalCodes: ReadonlySet<string>;
  /** Filled in by later requests: these records are RecordExpired when the job runs. */
  expired: Set<string>;
  run(): void;
}

interface Scheduled {
  job: Phase2Job;
  dueAtMs: number;
}

export class Phase2Queue {
  private readonly pending: Scheduled[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly delayMs: () => number) {}

  /** Queue a job; earlier pending jobs of the same collection lose the records it carries. */
  enqueue(job: Phase2Job): void {
    if (job.collection !== null) {
      for (const { job: older } of this.pending) {
        if (older.collection !== job.collection) continue;
        for (const code of job.externalCodes) if (older.externalCodes.has(code)) older.expired.add(code);
      }
    }
    this.pending.push({ job, dueAtMs: Date.now() + this.delayMs() });
    this.schedule();
  }

  /** Resolves once nothing is pending (immediately when the queue is empty). */
  drain(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get size(): number {
    return this.pending.length;
  }

  /** Drop every pending job (reset); waiting drains resolve. */
  clear(): void {
    this.pending.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.release();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    const head = this.pending[0];
    if (!head) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, head.dueAtMs - Date.now()));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.pending[0] && this.pending[0].dueAtMs <= now) {
      const { job } = this.pending.shift()!;
      try {
        job.run();
      } catch (err) {
        // A simulator bug must not stall every later request; make it loud instead.
        process.emitWarning(`basware simulator: phase-2 processing of ${job.requestId} failed: ${String(err)}`);
      }
    }
    if (this.pending.length === 0) this.release();
    else this.schedule();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
