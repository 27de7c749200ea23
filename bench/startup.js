/**
 * 1. CLI start-up. Cron starts mlsync thousands of times a day, so the cost of a start that does little
 * (`--version`, `--help`, `validate`) is paid over and over. bin/mlsync.js loads only commander up front and
 * each command imports its own stack; the reference is a Node process that imports that whole stack eagerly.
 */
import { join } from 'node:path';
import { cleanEnv, tail, timeNode } from './child.js';
import { BIN, CONFIG_DIR, DIST_MODULES, importDist, PAIR } from './paths.js';
import { ownDir, onCleanup, removeDir, tempDir } from './scratch.js';
import { ratio, summarize } from './stats.js';

/** What a non-lazy CLI would load before parsing its arguments. */
export const HEAVY_STACK = ['got', 'zod', 'yaml', 'ora', 'cli-table3', 'better-sqlite3', 'p-retry', 'p-queue'];
const HEAVY_SOURCE = HEAVY_STACK.map((m) => `import '${m}';`).join(' ');
/** Unmeasured first round: fills the OS file cache so run 1 is not a cold-disk outlier. */
const WARMUP_ROUNDS = 1;
const CHILD_TIMEOUT_MS = 30_000;

/**
 * Each round runs every command once, so noise from the rest of a shared machine falls on all of them
 * alike and the ratios stay meaningful.
 */
export async function benchStartup({ runs, log, withValidate = true }) {
  const commands = [
    { id: 'node', label: 'node -e "" (bare Node, the floor)', args: ['-e', ''] },
    { id: 'version', label: 'mlsync --version', args: [BIN, '--version'] },
    { id: 'help', label: 'mlsync --help', args: [BIN, '--help'] },
    { id: 'heavy', label: `eager import of ${HEAVY_STACK.length} heavy packages`, args: ['--input-type=module', '-e', HEAVY_SOURCE] },
  ];

  let sandbox;
  let unregister = () => {};
  const skipped = [];
  if (withValidate) {
    try {
      sandbox = await startValidateSandbox();
      unregister = onCleanup(() => sandbox.close());
      commands.push({ id: 'validate', label: `mlsync validate ${PAIR} (sandbox env)`, args: [BIN, 'validate', PAIR], env: sandbox.childEnv });
    } catch (err) {
      skipped.push({ id: 'validate', label: `mlsync validate ${PAIR}`, skipped: `sandbox did not start: ${err.message}` });
    }
  }

  try {
    const samples = new Map(commands.map((c) => [c.id, []]));
    const failed = new Map();
    for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
      if (round === WARMUP_ROUNDS) log(`  start-up: ${runs} timed rounds of ${commands.length} commands`);
      for (const cmd of commands) {
        if (failed.has(cmd.id)) continue;
        const r = await timeNode(cmd.args, { env: cmd.env ?? cleanEnv(), timeoutMs: CHILD_TIMEOUT_MS });
        if (r.code !== 0) {
          failed.set(cmd.id, `exit ${r.code}: ${tail(r.stderr || r.stdout, 3)}`);
          continue;
        }
        if (round >= WARMUP_ROUNDS) samples.get(cmd.id).push(r.ms);
      }
    }
    const rows = commands.map((c) =>
      failed.has(c.id)
        ? { id: c.id, label: c.label, skipped: failed.get(c.id) }
        : { id: c.id, label: c.label, ...summarize(samples.get(c.id)) },
    );
    for (const id of ['version', 'help', 'heavy']) {
      const row = rows.find((r) => r.id === id);
      if (row.skipped) throw new Error(`${row.label} failed (${row.skipped}); the build is broken, so start-up was not measured.`);
    }
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    return {
      runs,
      warmupRounds: WARMUP_ROUNDS,
      heavyStack: HEAVY_STACK,
      commands: [...rows, ...skipped],
      ratios: {
        heavyOverVersion: ratio(by.heavy.medianMs, by.version.medianMs),
        heavyOverHelp: ratio(by.heavy.medianMs, by.help.medianMs),
      },
    };
  } finally {
    if (sandbox) {
      await sandbox.close();
      unregister();
    }
  }
}

/** An empty infor-basware sandbox: validate reads the .ionapi file its env points at, and sends nothing. */
async function startValidateSandbox() {
  const { startInforBaswareSandbox } = await importDist(DIST_MODULES.sandbox);
  const sandbox = await startInforBaswareSandbox({ seed: 'none' });
  ownDir(sandbox.dir);
  const ledgerDir = tempDir('validate');
  return {
    childEnv: cleanEnv({ ...sandbox.env, MLSYNC_CONFIG_DIR: CONFIG_DIR, MLSYNC_DB: join(ledgerDir, 'ledger.sqlite') }),
    async close() {
      await sandbox.close();
      removeDir(ledgerDir);
    },
  };
}
