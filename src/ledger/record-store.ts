/**
 * Records: one row per logical record per flow, unique by (pair, flow, source_key). An update reads the
 * row by its key and writes it back with prepared statements, inside the caller's transaction, so a batch
 * of hundreds costs two statements each. Fields the update leaves undefined keep their value.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { RecordState } from '../model/entities.js';
import type { Redactor } from '../secrets/redactor.js';
import type { RecordRow, RecordUpdate } from './types.js';

interface RecordDbRow {
  id: number;
  pair: string;
  flow: string;
  source_key: string;
  target_key: string | null;
  state: string;
  content_hash: string | null;
  payload: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  last_run_id: string | null;
}

export interface RecordFilter {
  pair?: string;
  flow?: string;
  states?: RecordState[];
  limit?: number;
}

export interface RecordCount {
  pair: string;
  flow: string;
  state: RecordState;
  count: number;
}

function toRow(row: RecordDbRow): RecordRow {
  return {
    id: row.id,
    pair: row.pair,
    flow: row.flow,
    sourceKey: row.source_key,
    targetKey: row.target_key,
    state: row.state as RecordState,
    contentHash: row.content_hash,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown),
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRunId: row.last_run_id,
  };
}

/** Columns in the order of the positional INSERT below (positional binding is markedly faster than named). */
function insertValues(r: Omit<RecordDbRow, 'id'>): unknown[] {
  return [r.pair, r.flow, r.source_key, r.target_key, r.state, r.content_hash, r.payload, r.attempts, r.last_error, r.created_at, r.updated_at, r.last_run_id];
}

function keep<T>(given: T | undefined, stored: T): T {
  return given === undefined ? stored : given;
}

export class RecordStore {
  private readonly insertStmt: Statement<unknown[]>;
  private readonly updateStmt: Statement<unknown[]>;
  private readonly byKey: Statement<[string, string, string], RecordDbRow>;
  private readonly byId: Statement<[number], RecordDbRow>;

  constructor(
    private readonly db: Database,
    private readonly redactor: Redactor | undefined,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO records (pair, flow, source_key, target_key, state, content_hash, payload, attempts, last_error,
                            created_at, updated_at, last_run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE records SET target_key = ?, state = ?, content_hash = ?, payload = ?, attempts = ?, last_error = ?,
                          updated_at = ?, last_run_id = ?
       WHERE id = ?`,
    );
    this.byKey = db.prepare('SELECT * FROM records WHERE pair = ? AND flow = ? AND source_key = ?');
    this.byId = db.prepare('SELECT * FROM records WHERE id = ?');
  }

  /** Insert or update by (pair, flow, sourceKey). Call inside the caller's write transaction (read, then write). */
  upsert(pair: string, runId: string | null, update: RecordUpdate, now: string): RecordRow {
    const payload = update.payload === undefined ? undefined : JSON.stringify(update.payload);
    // Reasons quote what a system answered; a secret echoed back must not land in the file.
    const lastError = update.lastError && this.redactor ? this.redactor.text(update.lastError) : update.lastError;
    const existing = this.byKey.get(pair, update.flow, update.sourceKey);
    if (!existing) {
      const row: Omit<RecordDbRow, 'id'> = {
        pair,
        flow: update.flow,
        source_key: update.sourceKey,
        target_key: update.targetKey ?? null,
        state: update.state,
        content_hash: update.contentHash ?? null,
        payload: payload ?? null,
        attempts: update.attempt ? 1 : 0,
        last_error: lastError ?? null,
        created_at: now,
        updated_at: now,
        last_run_id: runId,
      };
      const id = Number(this.insertStmt.run(...insertValues(row)).lastInsertRowid);
      return toRow({ id, ...row });
    }
    const row: RecordDbRow = {
      ...existing,
      target_key: keep(update.targetKey, existing.target_key),
      state: update.state,
      content_hash: keep(update.contentHash, existing.content_hash),
      payload: keep(payload, existing.payload),
      attempts: existing.attempts + (update.attempt ? 1 : 0),
      last_error: keep(lastError, existing.last_error),
      updated_at: now,
      last_run_id: runId ?? existing.last_run_id,
    };
    this.updateStmt.run(row.target_key, row.state, row.content_hash, row.payload, row.attempts, row.last_error, row.updated_at, row.last_run_id, row.id);
    return toRow(row);
  }

  get(pair: string, flow: string, sourceKey: string): RecordRow | undefined {
    const row = this.byKey.get(pair, flow, sourceKey);
    return row ? toRow(row) : undefined;
  }

  getById(id: number): RecordRow | undefined {
    const row = this.byId.get(id);
    return row ? toRow(row) : undefined;
  }

  /** Oldest first (the order they were first seen), so a retry pass keeps the source's order. */
  list(filter: RecordFilter = {}): RecordRow[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.pair !== undefined) {
      where.push('pair = @pair');
      params.pair = filter.pair;
    }
    if (filter.flow !== undefined) {
      where.push('flow = @flow');
      params.flow = filter.flow;
    }
    if (filter.states !== undefined) {
      if (filter.states.length === 0) return [];
      const names = filter.states.map((state, i) => {
        params[`state${i}`] = state;
        return `@state${i}`;
      });
      where.push(`state IN (${names.join(', ')})`);
    }
    let sql = `SELECT * FROM records${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT @limit';
      params.limit = filter.limit;
    }
    return (this.db.prepare(sql).all(params) as RecordDbRow[]).map(toRow);
  }

  count(pair?: string): RecordCount[] {
    const sql =
      'SELECT pair, flow, state, COUNT(*) AS count FROM records' +
      (pair === undefined ? '' : ' WHERE pair = @pair') +
      ' GROUP BY pair, flow, state ORDER BY pair, flow, state';
    return this.db.prepare(sql).all(pair === undefined ? {} : { pair }) as RecordCount[];
  }
}
