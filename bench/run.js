#!/usr/bin/env node
/**
 * `npm run bench`: the one source of performance figures for mlsync (see bench/README.md).
 * Measures the compiled code in dist/, touches only loopback, and removes its temp files on exit.
 *
 *   node bench/run.js [--json] [--only startup,sync,ledger] [--runs 15] [--suppliers 2000]
 */
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureDist } from './dist-check.js';
import { renderText } from './report.js';
import { cleanup } from './scratch.js';

const SECTION_NAMES = ['startup', 'sync', 'ledger'];
/**
 * 2,000 extra suppliers (2,300 with the default set, ~2,750 M3 calls) is the largest round workload whose
 * first sync stays under the shipped erp.http.requestsPerMinute of 3,000, so it measures mlsync rather
 * than its own rate limiter. Pass --suppliers 3000 to see the limiter take over.
 */
const DEFAULTS = { runs: 15, suppliers: 2000, incrementalRuns: 5, fullRuns: 2, ledgerRecords: 10_000 };
/** 128 + the signal's number, as a shell reports a process ended by it. */
const EXIT_ON_SIGNAL = { SIGINT: 130, SIGTERM: 143 };

const USAGE = `Usage: node bench/run.js [options]   (npm run bench -- [options])

  --json                  print one JSON document on stdout (progress stays on stderr)
  --only <list>           sections to run: ${SECTION_NAMES.join(',')} (default: all)
  --runs <n>              start-up runs per command (default ${DEFAULTS.runs})
  --suppliers <n>         suppliers seeded on top of the sandbox's default 300 (default ${DEFAULTS.suppliers})
  --incremental-runs <n>  no-change runs after the first sync (default ${DEFAULTS.incrementalRuns})
  --full-runs <n>         --full re-reads (default ${DEFAULTS.fullRuns})
  --ledger-records <n>    record updates committed in the ledger test (default ${DEFAULTS.ledgerRecords})
  -h, --help              this text
`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      suppliers: { type: 'string' },
      'incremental-runs': { type: 'string' },
      'full-runs': { type: 'string' },
      'ledger-records': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const count = (name, fallback, min) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not "${raw}"`);
    return n;
  };
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : SECTION_NAMES;
  const unknown = only.filter((s) => !SECTION_NAMES.includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; choose from ${SECTION_NAMES.join(', ')}`);
  return {
    json: values.json,
    help: values.help,
    sections: only,
    runs: count('runs', DEFAULTS.runs, 1),
    suppliers: count('suppliers', DEFAULTS.suppliers, 0),
    incrementalRuns: count('incremental-runs', DEFAULTS.incrementalRuns, 1),
    fullRuns: count('full-runs', DEFAULTS.fullRuns, 1),
    ledgerRecords: count('ledger-records', DEFAULTS.ledgerRecords, 1),
  };
}

function machine() {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: release(),
    totalMemGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAvg1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

async function runSections(opts, log) {
  const out = {};
  const attempt = async (name, fn) => {
    if (!opts.sections.includes(name)) return;
    log(`${name}...`);
    try {
      out[name] = await fn();
    } catch (err) {
      out[name] = { error: err instanceof Error ? err.message : String(err) };
    }
  };
  // Sections load dist/ lazily, after ensureDist has checked it exists.
  await attempt('startup', async () => (await import('./startup.js')).benchStartup({ runs: opts.runs, log }));
  await attempt('sync', async () =>
    (await import('./sync.js')).benchSync({
      extraSupplierCount: opts.suppliers,
      incrementalRuns: opts.incrementalRuns,
      fullRuns: opts.fullRuns,
      log,
    }),
  );
  await attempt('ledger', async () => (await import('./ledger.js')).benchLedger({ records: opts.ledgerRecords, log }));
  return out;
}

async function main() {
  const log = (line) => process.stderr.write(`${line}\n`);
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  for (const [signal, code] of Object.entries(EXIT_ON_SIGNAL)) {
    process.once(signal, () => {
      log(`bench: ${signal}, cleaning up`);
      cleanup().finally(() => process.exit(code));
    });
  }

  const startedAt = new Date().toISOString();
  const started = performance.now();
  const { help: _help, ...options } = opts;
  const result = { schema: 'mlsync-bench/1', startedAt, machine: machine(), options, warnings: [] };
  try {
    result.warnings.push(...ensureDist(log));
    if (process.env.NODE_OPTIONS) result.warnings.push('NODE_OPTIONS is set in this shell; the bench runs its children without it.');
    Object.assign(result, await runSections(opts, log));
  } finally {
    await cleanup();
  }
  result.durationMs = Math.round(performance.now() - started);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderText(result));
  return SECTION_NAMES.some((name) => result[name]?.error) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
