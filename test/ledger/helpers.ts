/** Temp ledger files and a hand-driven clock for the ledger tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A path to a not-yet-existing ledger file in a fresh temp folder (nested, to prove mkdir -p). */
export function tempLedgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-ledger-'));
  dirs.push(dir);
  return join(dir, 'state', 'mlsync', 'ledger.sqlite');
}

export class TestClock {
  private ms: number;
  constructor(iso = '2026-11-21T12:34:56.000Z') {
    this.ms = Date.parse(iso);
  }
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}
