/**
 * 2. A full first sync of infor-basware against the loopback sandbox, then the runs cron makes afterwards:
 * an incremental run with nothing changed, and a `--full` re-read where everything is unchanged. Each is the
 * real CLI (`node bin/mlsync.js run infor-basware --json`) with configs/infor-basware.yaml as shipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cleanEnv, tail, timeNode } from './child.js';
import { BIN, CONFIG_DIR, DIST_MODULES, importDist, PAIR } from './paths.js';
import { onCleanup, ownDir, removeDir, tempDir } from './scratch.js';
import { median, ratio, summarize } from './stats.js';

/** Supplier numbers of the seeded extras start here, clear of the default seed's 10001..10300. */
const FIRST_EXTRA_SUNO = 50_001;
/** M3 SUNM is at most 36 characters; the template name is cut to leave room for " <n>". */
const SUNM_MAX = 36;
/**
 * The simulator enforces Infor's per-tenant quota per clock minute (apis/infor.md §8); back-to-back runs of
 * this size would then wait for the next minute depending on when the bench started. mlsync's own
 * client-side limit (erp.http.requestsPerMinute in configs/) still applies unchanged.
 */
const LIFTED_SIM_QUOTA = { callsPerMinute: 1_000_000_000, callsPerDay: 1_000_000_000 };
const RUN_TIMEOUT_MS = 240_000;

/** `count` suppliers cloned from the default seed's rows (realistic field values), each its own payee. */
function extraSuppliers(templates, count) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length];
    const suno = String(FIRST_EXTRA_SUNO + i);
    const suffix = ` ${i + 1}`;
    rows.push({ ...t, SUNO: suno, PRSU: suno, SUNM: `${t.SUNM.slice(0, SUNM_MAX - suffix.length)}${suffix}` });
  }
  return rows;
}

/** erp.http.requestsPerMinute of the shipped config, or null when it is not a plain number there. */
function configuredInforRate() {
  try {
    const doc = parseYaml(readFileSync(join(CONFIG_DIR, `${PAIR}.yaml`), 'utf8'));
    const rpm = Number(doc?.erp?.http?.requestsPerMinute);
    return Number.isFinite(rpm) && rpm > 0 ? rpm : null;
  } catch {
    return null;
  }
}

function totals(summary) {
  const sum = (field) => summary.flows.reduce((n, f) => n + f[field], 0);
  return { read: sum('read'), written: sum('written'), unchanged: sum('unchanged'), held: sum('held'), failed: sum('failed') };
}

function inforCalls(sandbox) {
  return Object.values(sandbox.infor.stats().callsByTransaction).reduce((n, c) => n + c, 0);
}

export async function benchSync({ extraSupplierCount, incrementalRuns, fullRuns, log }) {
  const { startInforBaswareSandbox } = await importDist(DIST_MODULES.sandbox);
  const { defaultInforSeed } = await importDist(DIST_MODULES.inforSim);

  const sandbox = await startInforBaswareSandbox();
  ownDir(sandbox.dir);
  const unregister = onCleanup(() => sandbox.close());
  const ledgerDir = tempDir('sync');
  try {
    sandbox.infor.setConfig(LIFTED_SIM_QUOTA);
    if (extraSupplierCount > 0) {
      const templates = defaultInforSeed(sandbox.infor.server.clock.now()).suppliers;
      sandbox.infor.seed({ suppliers: extraSuppliers(templates, extraSupplierCount) });
    }
    const inM3 = sandbox.infor.stats().records;
    const env = cleanEnv({ ...sandbox.env, MLSYNC_CONFIG_DIR: CONFIG_DIR, MLSYNC_DB: join(ledgerDir, 'ledger.sqlite') });

    const run = async (what, extraArgs) => {
      const m3Before = inforCalls(sandbox);
      const bwBefore = sandbox.basware.server.log.length;
      const r = await timeNode([BIN, 'run', PAIR, '--json', ...extraArgs], { env, timeoutMs: RUN_TIMEOUT_MS });
      let summary;
      try {
        summary = JSON.parse(r.stdout);
      } catch {
        throw new Error(`${what}: mlsync exited ${r.code} without a JSON summary:\n${tail(r.stderr)}`);
      }
      if (r.code !== 0 || summary.outcome !== 'success') {
        throw new Error(`${what}: mlsync exited ${r.code} with outcome ${summary.outcome}:\n${tail(r.stderr)}`);
      }
      return {
        wallMs: r.ms,
        runMs: Date.parse(summary.finishedAt) - Date.parse(summary.startedAt),
        ...totals(summary),
        m3Calls: inforCalls(sandbox) - m3Before,
        baswareRequests: sandbox.basware.server.log.length - bwBefore,
      };
    };

    log(`  sync: first sync of ${inM3.suppliers} suppliers, ${inM3.purchaseOrders} POs, ${inM3.accounts} accounts, ${inM3.costCenters} cost centers`);
    const first = await run('first sync', []);
    log(`  sync: first sync took ${(first.wallMs / 1000).toFixed(1)} s; ${incrementalRuns} incremental runs`);
    const incremental = [];
    for (let i = 0; i < incrementalRuns; i++) incremental.push(await run('incremental run', []));
    log(`  sync: ${fullRuns} --full re-read(s)`);
    const full = [];
    for (let i = 0; i < fullRuns; i++) full.push(await run('--full re-read', ['--full']));

    const warnings = [];
    if (first.held + first.failed > 0) warnings.push(`the first sync held ${first.held} and failed ${first.failed} records; throughput counts them as read.`);
    if (incremental.some((r) => r.read > 0)) warnings.push('an incremental run read records although nothing changed in M3.');
    if (full.some((r) => r.written > 0)) warnings.push('a --full re-read wrote records although nothing changed in M3.');
    const rpm = configuredInforRate();
    const paced = (r) => rpm !== null && r.m3Calls > rpm;
    for (const [what, r] of [['the first sync', first], ['a --full re-read', full[0]]]) {
      if (!paced(r)) continue;
      warnings.push(
        `${what} made ${r.m3Calls} M3 calls, more than erp.http.requestsPerMinute (${rpm}): it was paced by that limit, so its time measures the setting, not mlsync.`,
      );
    }

    const incWall = incremental.map((r) => r.wallMs);
    const fullWall = full.map((r) => r.wallMs);
    return {
      workload: {
        suppliers: inM3.suppliers,
        extraSuppliersSeeded: extraSupplierCount,
        purchaseOrders: inM3.purchaseOrders,
        poLines: inM3.poLines,
        glAccounts: inM3.accounts,
        costCenters: inM3.costCenters,
        records: first.read,
      },
      first: {
        ...first,
        recordsPerSecond: Math.round(first.read / (first.wallMs / 1000)),
        m3CallsPerRecord: ratio(first.m3Calls, first.read),
        pacedByRateLimit: paced(first),
      },
      incremental: { runs: incremental.length, ...summarize(incWall), recordsRead: incremental.map((r) => r.read), m3Calls: median(incremental.map((r) => r.m3Calls)) },
      full: {
        runs: full.length,
        ...summarize(fullWall),
        records: full[0].read,
        unchanged: full[0].unchanged,
        written: full[0].written,
        m3Calls: full[0].m3Calls,
        baswareRequests: full[0].baswareRequests,
        recordsPerSecond: Math.round(full[0].read / (median(fullWall) / 1000)),
        pacedByRateLimit: paced(full[0]),
      },
      ratios: {
        incrementalOverFirst: ratio(median(incWall), first.wallMs),
        fullOverFirst: ratio(median(fullWall), first.wallMs),
      },
      inforRateLimit: { requestsPerMinute: rpm },
      sandboxAdjustments: [`Infor simulator quota lifted (${Object.keys(LIFTED_SIM_QUOTA).join(', ')}); mlsync's client-side limits are as configured`],
      warnings,
    };
  } finally {
    await sandbox.close();
    unregister();
    removeDir(ledgerDir);
  }
}
