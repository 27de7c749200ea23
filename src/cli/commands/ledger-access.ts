/** Opening the ledger for commands that only read it (status, audit): never create an empty one by accident. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { Ledger } from '../../ledger/ledger.js';
import { Redactor } from '../../secrets/redactor.js';
import type { GlobalOptions } from '../globals.js';
import { ledgerPathOf } from '../session.js';

export function openExistingLedger(g: GlobalOptions, redactor: Redactor): Ledger {
  const file = ledgerPathOf(g);
  if (!existsSync(file)) {
    throw new ConfigError(
      `No ledger at ${file}: nothing has run with it yet. Run \`mlsync run <pair>\` first, or point --db / MLSYNC_DB at the ledger your cron job uses.`,
    );
  }
  return Ledger.open(file, { redactor });
}
