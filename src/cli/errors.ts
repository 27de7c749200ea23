/** Turning an error that ends a command into what the operator reads and the exit code cron sees. */
import { ConfigError, isMlsyncError } from '../errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

export function reportError(err: unknown, out: Output): ExitCode {
  if (err instanceof ConfigError) {
    out.error(`mlsync: ${err.message}`);
    out.json({ error: { code: err.code, message: err.message, problems: err.problems } });
    return EXIT.CONFIG;
  }
  if (isMlsyncError(err)) {
    out.error(`mlsync: ${err.message}`);
    out.json({ error: { code: err.code, message: err.message, system: err.system } });
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  out.error(`mlsync: internal error: ${message}`);
  out.json({ error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
  return EXIT.INTERNAL;
}
