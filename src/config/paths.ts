/**
 * Where mlsync looks for things when not told: the config folder and the ledger file (contract.md,
 * "Global options"). The ledger follows the XDG base-directory spec, so it lives with other per-user
 * state and survives a reinstall of mlsync.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const DEFAULT_CONFIG_DIR = './configs';
const APP_DIR = 'mlsync';
const LEDGER_FILE = 'ledger.sqlite';

/** `$XDG_STATE_HOME/mlsync/ledger.sqlite`, else `~/.local/state/mlsync/ledger.sqlite` (`%LOCALAPPDATA%\mlsync\…` on Windows). */
export function defaultLedgerPath(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, APP_DIR, LEDGER_FILE);
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, APP_DIR, LEDGER_FILE);
  return join(env.HOME || homedir(), '.local', 'state', APP_DIR, LEDGER_FILE);
}

/** `--db`, else MLSYNC_DB, else the default path. */
export function resolveLedgerPath(db: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return db || env.MLSYNC_DB || defaultLedgerPath(env);
}

/** `--config-dir`, else MLSYNC_CONFIG_DIR, else ./configs. */
export function resolveConfigDir(configDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return configDir || env.MLSYNC_CONFIG_DIR || DEFAULT_CONFIG_DIR;
}
