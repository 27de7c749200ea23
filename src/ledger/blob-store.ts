/** Opaque blobs by key (encrypted token caches); the ledger neither reads nor logs their content. */
import type { Database, Statement } from 'better-sqlite3';

export class BlobStore {
  private readonly loadStmt: Statement<[string], { blob: Buffer }>;
  private readonly saveStmt: Statement<[string, Buffer, string]>;
  private readonly removeStmt: Statement<[string]>;

  constructor(db: Database) {
    this.loadStmt = db.prepare('SELECT blob FROM token_blobs WHERE key = ?');
    this.saveStmt = db.prepare(
      `INSERT INTO token_blobs (key, blob, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at`,
    );
    this.removeStmt = db.prepare('DELETE FROM token_blobs WHERE key = ?');
  }

  load(key: string): Buffer | undefined {
    return this.loadStmt.get(key)?.blob;
  }

  save(key: string, blob: Buffer, now: string): void {
    this.saveStmt.run(key, blob, now);
  }

  remove(key: string): void {
    this.removeStmt.run(key);
  }
}
