/** Runs: one row per `mlsync run`, from start to outcome, with the per-flow counts. */
import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { FlowCounts, RunOutcome, RunRow } from './types.js';

interface RunDbRow {
  id: string;
  pair: string;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  dry_run: number;
  flows: string;
  counts: string;
  error: string | null;
  pid: number;
}

export interface StartRunInput {
  pair: string;
  dryRun: boolean;
  flows: string[];
  /** A run id made earlier with newRunId(); a new one by default. */
  id?: string;
}

export interface FinishRunInput {
  outcome: RunOutcome;
  counts: FlowCounts[];
  error?: string | null;
}

export const RUN_OUTCOME_RUNNING: RunOutcome = 'running';

/** Sortable by start time, unique across hosts: `20261121T123456Z-3f9a1c`. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function toRow(row: RunDbRow): RunRow {
  return {
    id: row.id,
    pair: row.pair,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome as RunOutcome,
    dryRun: row.dry_run === 1,
    flows: JSON.parse(row.flows) as string[],
    counts: JSON.parse(row.counts) as FlowCounts[],
    error: row.error,
    pid: row.pid,
  };
}

export class RunStore {
  private readonly insert: Statement<[RunDbRow]>;
  private readonly finish: Statement<[{ id: string; finishedAt: string; outcome: string; counts: string; error: string | null }]>;
  private readonly byId: Statement<[string], RunDbRow>;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO runs (id, pair, started_at, finished_at, outcome, dry_run, flows, counts, error, pid)
       VALUES (@id, @pair, @started_at, @finished_at, @outcome, @dry_run, @flows, @counts, @error, @pid)`,
    );
    this.finish = db.prepare(
      'UPDATE runs SET finished_at = @finishedAt, outcome = @outcome, counts = @counts, error = @error WHERE id = @id',
    );
    this.byId = db.prepare('SELECT * FROM runs WHERE id = ?');
  }

  start(input: StartRunInput, now: Date): RunRow {
    const row: RunDbRow = {
      id: input.id ?? newRunId(now),
      pair: input.pair,
      started_at: now.toISOString(),
      finished_at: null,
      outcome: RUN_OUTCOME_RUNNING,
      dry_run: input.dryRun ? 1 : 0,
      flows: JSON.stringify(input.flows),
      counts: '[]',
      error: null,
      pid: process.pid,
    };
    this.insert.run(row);
    return toRow(row);
  }

  /** false when no run has this id. */
  finishRun(id: string, result: FinishRunInput, now: Date): boolean {
    const info = this.finish.run({
      id,
      finishedAt: now.toISOString(),
      outcome: result.outcome,
      counts: JSON.stringify(result.counts),
      error: result.error ?? null,
    });
    return info.changes === 1;
  }

  get(id: string): RunRow | undefined {
    const row = this.byId.get(id);
    return row ? toRow(row) : undefined;
  }

  /** Newest first. */
  list(filter: { pair?: string; limit?: number } = {}): RunRow[] {
    const params: Record<string, string | number> = {};
    let sql = 'SELECT * FROM runs';
    if (filter.pair !== undefined) {
      sql += ' WHERE pair = @pair';
      params.pair = filter.pair;
    }
    sql += ' ORDER BY started_at DESC, rowid DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT @limit';
      params.limit = filter.limit;
    }
    return (this.db.prepare(sql).all(params) as RunDbRow[]).map(toRow);
  }
}
