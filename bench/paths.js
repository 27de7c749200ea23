/** Where the bench finds the compiled mlsync: everything it measures comes from dist/ and bin/, never from src/. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST_DIR = join(REPO_ROOT, 'dist');
export const SRC_DIR = join(REPO_ROOT, 'src');
export const BIN = join(REPO_ROOT, 'bin', 'mlsync.js');
export const CONFIG_DIR = join(REPO_ROOT, 'configs');
export const PAIR = 'infor-basware';

/** Modules of dist/ the bench loads; if one is missing, dist/ needs a build. */
export const DIST_MODULES = {
  cli: 'cli/main.js',
  sandbox: 'sandbox/pairs/infor-basware.js',
  inforSim: 'sandbox/infor/index.js',
  ledger: 'ledger/ledger.js',
  redactor: 'secrets/redactor.js',
};

/** Imported only after the dist check, so a missing build is reported instead of crashing on import. */
export function importDist(relative) {
  return import(pathToFileURL(join(DIST_DIR, relative)).href);
}
