/** Watermarks: per pair and flow, the point up to which the source has been read and confirmed. */
import type { Database, Statement } from 'better-sqlite3';

export interface WatermarkRow {
  pair: string;
  flow: string;
  value: string;
  updatedAt: string;
}

export class Watermarks {
  private readonly getStmt: Statement<[string, string], { value: string }>;
  private readonly setStmt: Statement<[string, string, string, string]>;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare('SELECT value FROM watermarks WHERE pair = ? AND flow = ?');
    this.setStmt = db.prepare(
      `INSERT INTO watermarks (pair, flow, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (pair, flow) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  get(pair: string, flow: string): string | null {
    return this.getStmt.get(pair, flow)?.value ?? null;
  }

  /** Call inside the transaction that commits the records the watermark covers. */
  set(pair: string, flow: string, value: string, now: string): void {
    this.setStmt.run(pair, flow, value, now);
  }

  list(pair?: string): WatermarkRow[] {
    const sql =
      'SELECT pair, flow, value, updated_at AS updatedAt FROM watermarks' +
      (pair === undefined ? '' : ' WHERE pair = @pair') +
      ' ORDER BY pair, flow';
    return this.db.prepare(sql).all(pair === undefined ? {} : { pair }) as WatermarkRow[];
  }
}
