/**
 * The bench measures the compiled code. A missing dist/ is built once (and said so); a dist/ older than
 * src/ is measured as it is, with a warning, because rebuilding a shared tree behind someone's back is not
 * the bench's call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR, DIST_MODULES, REPO_ROOT, SRC_DIR } from './paths.js';

function missingModules() {
  return Object.values(DIST_MODULES).filter((rel) => !existsSync(join(DIST_DIR, rel)));
}

/** Newest modification time (ms) of files under `dir` whose names end with `suffix`; 0 when none. */
function newestMtime(dir, suffix) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!String(name).endsWith(suffix)) continue;
    newest = Math.max(newest, statSync(join(dir, String(name))).mtimeMs);
  }
  return newest;
}

/**
 * Make sure dist/ holds what the bench loads. Progress goes to `log` (stderr), so `--json` output stays clean.
 * Returns warnings to print with the report. Throws when dist/ is still incomplete after a build.
 */
export function ensureDist(log) {
  const warnings = [];
  let missing = missingModules();
  if (missing.length > 0) {
    log(`dist/ is missing or incomplete (${missing.join(', ')}): running npm run build first.`);
    // Build output goes to stderr (fd 2) so that stdout carries only the report.
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
    missing = missingModules();
    if (missing.length > 0) {
      throw new Error(`npm run build did not produce ${missing.join(', ')} (exit ${build.status}); fix the build, then run the bench again.`);
    }
    if (build.status !== 0) warnings.push(`npm run build exited ${build.status} (type errors?) but emitted dist/; figures are for that output.`);
    warnings.push('dist/ was built by this bench run.');
  } else if (newestMtime(SRC_DIR, '.ts') > newestMtime(DIST_DIR, '.js')) {
    warnings.push('src/ has changes newer than dist/: these figures are for the last build. Run `npm run build` for current ones.');
  }
  return warnings;
}
