/** Turning an error that ends a command into what the operator reads and the exit code cron sees. */
import { ConfigError, isMlsyncError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from './output.js';

/**
 * Print the error for the operator and return the exit code. `json: false` when the command's own JSON
 * document already carries the error (a run summary), so --json still prints exactly one document.
 */
export function reportError(err: unknown, out: Output, opts: { json?: boolean } = {}): ExitCode {
  const json = (value: unknown) => {
    if (opts.json !== false) out.json(value);
  };
  if (err instanceof ConfigError) {
    out.error(`mlsync: ${err.message}`);
    json({ error: { code: err.code, message: err.message, problems: err.problems } });
    return EXIT.CONFIG;
  }
  if (isMlsyncError(err)) {
    out.error(`mlsync: ${err.message}`);
    json({ error: { code: err.code, message: err.message, system: err.system } });
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  out.error(`mlsync: internal error: ${message}`);
  json({ error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
  return EXIT.INTERNAL;
}
