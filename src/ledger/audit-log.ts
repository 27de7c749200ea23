/**
 * The audit trail: append-only, one hash chain per ledger file. Each entry stores the hash of the one
 * before it and `hash = sha256(prev_hash + canonical JSON of its fields)`. Triggers refuse UPDATE and
 * DELETE; verify() does not rely on them, so an entry edited, removed or slipped in with the sqlite3
 * CLI (triggers dropped first) is still found. audit_head remembers the newest entry, so cutting
 * entries off the end is found too. Someone who rewrites the whole chain and the head is not: the
 * chain proves integrity against edits, it is not a signature.
 */
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Redactor } from '../secrets/redactor.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditFilter, AuditInput, AuditVerifyResult } from './types.js';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditAppend = AuditInput & { flow?: string; recordId?: number };

interface AuditDbRow {
  id: number;
  ts: string;
  pair: string;
  run_id: string | null;
  record_id: number | null;
  flow: string | null;
  action: string;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

interface HeadRow {
  last_id: number;
  last_hash: string;
}

type HashedFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

const FILTER_CLAUSES: ReadonlyArray<[Exclude<keyof AuditFilter, 'limit'>, string]> = [
  ['pair', 'pair = @pair'],
  ['flow', 'flow = @flow'],
  ['outcome', 'outcome = @outcome'],
  ['recordId', 'record_id = @recordId'],
  ['since', 'ts >= @since'],
];

export function auditHash(prevHash: string, fields: HashedFields): string {
  const content = canonicalJson({
    id: fields.id,
    ts: fields.ts,
    pair: fields.pair,
    runId: fields.runId,
    recordId: fields.recordId,
    flow: fields.flow,
    action: fields.action,
    outcome: fields.outcome,
    detail: fields.detail,
  });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

function toEntry(row: AuditDbRow): AuditEntry {
  return { ...hashedFields(row, parseDetail(row.detail)), prevHash: row.prev_hash, hash: row.hash };
}

/** A detail edited into invalid JSON is shown as the text it holds (verify() reports the entry). */
function parseDetail(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function hashedFields(row: AuditDbRow, detail: unknown): HashedFields {
  return {
    id: row.id,
    ts: row.ts,
    pair: row.pair,
    runId: row.run_id,
    recordId: row.record_id,
    flow: row.flow,
    action: row.action,
    outcome: row.outcome,
    detail,
  };
}

export class AuditLog {
  private readonly readHead: Statement<[], HeadRow>;
  private readonly writeHead: Statement<[number, string]>;
  private readonly insert: Statement<unknown[]>;
  private readonly byId: Statement<[number], AuditDbRow>;

  constructor(
    private readonly db: Database,
    private readonly redactor: Redactor | undefined,
  ) {
    this.readHead = db.prepare('SELECT last_id, last_hash FROM audit_head WHERE singleton = 1');
    this.writeHead = db.prepare(
      `INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?)
       ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash`,
    );
    this.insert = db.prepare(
      `INSERT INTO audit (id, ts, pair, run_id, record_id, flow, action, outcome, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare('SELECT * FROM audit WHERE id = ?');
  }

  /** Must run inside a write (IMMEDIATE) transaction: the chain head is read, then extended. */
  append(pair: string, runId: string | null, input: AuditAppend, ts: string): AuditEntry {
    return this.appendAll(pair, runId, [input], ts)[0]!;
  }

  /** Several entries in order, reading and moving the chain head once. Same transaction rule as append(). */
  appendAll(pair: string, runId: string | null, inputs: readonly AuditAppend[], ts: string): AuditEntry[] {
    const head = this.readHead.get() ?? { last_id: 0, last_hash: GENESIS_HASH };
    const redact = this.redactor;
    let { last_id: lastId, last_hash: lastHash } = head;
    const entries: AuditEntry[] = [];
    for (const input of inputs) {
      const detail = redact ? redact.value(input.detail ?? null) : (input.detail ?? null);
      const detailText = canonicalJson(detail);
      const fields: HashedFields = {
        id: lastId + 1,
        ts,
        pair,
        runId,
        recordId: input.recordId ?? null,
        flow: input.flow ?? null,
        action: input.action,
        outcome: redact ? redact.text(input.outcome) : input.outcome,
        // What verify() will read back; equal to `detail` for every JSON value, parsed to be certain.
        detail: JSON.parse(detailText) as unknown,
      };
      const hash = auditHash(lastHash, fields);
      this.insert.run(fields.id, ts, pair, runId, fields.recordId, fields.flow, fields.action, fields.outcome, detailText, lastHash, hash);
      entries.push({ ...fields, prevHash: lastHash, hash });
      lastId = fields.id;
      lastHash = hash;
    }
    if (entries.length > 0) this.writeHead.run(lastId, lastHash);
    return entries;
  }

  get(id: number): AuditEntry | undefined {
    const row = this.byId.get(id);
    return row ? toEntry(row) : undefined;
  }

  /** Newest first. */
  list(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    for (const [key, clause] of FILTER_CLAUSES) {
      const value = filter[key];
      if (value === undefined) continue;
      where.push(clause);
      params[key] = value;
    }
    let sql = `SELECT * FROM audit${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`;
    if (filter.limit !== undefined) {
      sql += ' LIMIT @limit';
      params.limit = filter.limit;
    }
    return (this.db.prepare(sql).all(params) as AuditDbRow[]).map(toEntry);
  }

  /** Walks the whole chain oldest first; stops at the first entry that does not hold. */
  verify(): AuditVerifyResult {
    let checked = 0;
    let prevId = 0;
    let prevHash = GENESIS_HASH;
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<AuditDbRow>;
    for (const row of rows) {
      const bad = this.checkRow(row, prevId, prevHash);
      if (bad) {
        rows.return?.();
        return { ok: false, checked, firstBad: bad };
      }
      checked += 1;
      prevId = row.id;
      prevHash = row.hash;
    }
    const head = this.readHead.get();
    const bad = checkHead(head, prevId, prevHash);
    return bad ? { ok: false, checked, firstBad: bad } : { ok: true, checked };
  }

  private checkRow(row: AuditDbRow, prevId: number, prevHash: string): { id: number; reason: string } | undefined {
    const expectedId = prevId + 1;
    if (row.id !== expectedId) {
      const missing = row.id - 1 === expectedId ? `entry #${expectedId} is missing` : `entries #${expectedId}–#${row.id - 1} are missing`;
      return { id: expectedId, reason: `${missing}: deleted from the audit trail` };
    }
    if (row.prev_hash !== prevHash) {
      const before = prevId === 0 ? 'the start of the chain' : `entry #${prevId}`;
      return {
        id: row.id,
        reason: `its prev_hash does not match ${before}: that entry was changed, or entries were inserted or removed before this one`,
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(row.detail) as unknown;
    } catch {
      return { id: row.id, reason: 'its detail is not valid JSON: the entry was changed after it was written' };
    }
    const expected = auditHash(row.prev_hash, hashedFields(row, detail));
    if (expected !== row.hash) {
      return { id: row.id, reason: 'its content does not match its hash: the entry was changed after it was written' };
    }
    return undefined;
  }
}

function checkHead(head: HeadRow | undefined, lastId: number, lastHash: string): { id: number; reason: string } | undefined {
  const headId = head?.last_id ?? 0;
  if (headId > lastId) {
    const missing = headId === lastId + 1 ? `entry #${headId} is missing` : `entries #${lastId + 1}–#${headId} are missing`;
    return { id: lastId + 1, reason: `${missing} at the end of the trail: deleted` };
  }
  if (headId < lastId) {
    return { id: headId + 1, reason: `entry #${headId + 1} was added after the recorded end of the trail, outside mlsync` };
  }
  if (head && head.last_hash !== lastHash) {
    return { id: lastId, reason: 'the newest entry does not match the recorded end of the trail: it was replaced' };
  }
  return undefined;
}
