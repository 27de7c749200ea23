/** Opening the ledger for commands that only read it (status, audit): never create an empty one by accident. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { Ledger } from '../../ledger/ledger.js';
import { Redactor } from '../../secrets/redactor.js';
import type { ExitCode } from '../../exit-codes.js';
import { reportError } from '../errors.js';
import type { GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
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

/**
 * The frame of a command that only reads the ledger: output set up, the ledger opened when the body first
 * asks for it (so argument checks come first) and closed afterwards, any error reported with its exit code.
 */
export async function withExistingLedger(
  g: GlobalOptions,
  body: (ctx: { out: Output; ledger: () => Ledger }) => ExitCode | Promise<ExitCode>,
): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let opened: Ledger | undefined;
  try {
    return await body({ out, ledger: () => (opened ??= openExistingLedger(g, redactor)) });
  } catch (err) {
    return reportError(err, out);
  } finally {
    opened?.close();
  }
}
