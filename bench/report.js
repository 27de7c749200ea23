/** The readable report: each figure with its unit and one line on what it means for the admin who runs mlsync. */

const NOTE = '      → ';
/** Start-up savings are shown per this many starts (a pair run every minute is 1,440 a day). */
const STARTS_SCALE = 1000;

function ms(x) {
  if (!Number.isFinite(x)) return 'n/a';
  return x < 1000 ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : `${(x / 1000).toFixed(2)} s`;
}

function times(r) {
  return r === null || r === undefined ? 'n/a' : `${r.toFixed(2)}×`;
}

function int(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function machineLine(m) {
  return `${m.cpu} · ${m.cores} cores · Node ${m.node} · ${m.platform} ${m.arch} · ${m.totalMemGb} GB RAM · load ${m.loadAvg1m} at start`;
}

const STARTUP_NOTES = {
  node: 'Node itself; no CLI written in Node starts faster than this.',
  version: 'what every cron-started mlsync pays before it does anything.',
  help: 'the same lazy path: the help text needs only commander.',
  validate: 'loads YAML, zod and both connector configs: the fixed cost of a run before its first request.',
  heavy: 'what every start would cost if the CLI loaded got, zod, SQLite, ora... up front.',
};

function startupSection(s, lines) {
  lines.push(`1. CLI start-up — wall time of the whole process, ${s.runs} runs each (after ${s.warmupRounds} warm-up round)`);
  const width = Math.max(...s.commands.map((c) => c.label.length));
  lines.push(`   ${'command'.padEnd(width)}   median      p90`);
  for (const c of s.commands) {
    if (c.skipped) {
      lines.push(`   ${c.label.padEnd(width)}   skipped: ${c.skipped}`);
      continue;
    }
    lines.push(`   ${c.label.padEnd(width)}   ${ms(c.medianMs).padStart(7)}  ${ms(c.p90Ms).padStart(7)}`);
    lines.push(`${NOTE}${STARTUP_NOTES[c.id]}`);
  }
  const by = Object.fromEntries(s.commands.map((c) => [c.id, c]));
  const savedMs = by.heavy.medianMs - by.version.medianMs;
  lines.push(`   heavy / lazy: ${times(s.ratios.heavyOverVersion)} (vs --version), ${times(s.ratios.heavyOverHelp)} (vs --help)`);
  lines.push(`${NOTE}lazy loading saves ${ms(savedMs)} per start (${(savedMs * STARTS_SCALE / 60_000).toFixed(1)} min per ${int(STARTS_SCALE)} cron starts); --version is ${ms(by.version.medianMs - by.node.medianMs)} above bare Node.`);
}

function syncSection(s, lines) {
  const w = s.workload;
  lines.push('2. Sync against the loopback sandbox (node bin/mlsync.js run infor-basware --json, configs/ as shipped)');
  lines.push(
    `   workload: ${int(w.suppliers)} suppliers (${int(w.extraSuppliersSeeded)} seeded on top of the default set), ${int(w.purchaseOrders)} POs ` +
      `(${int(w.poLines)} lines), ${int(w.glAccounts)} GL accounts, ${int(w.costCenters)} cost centers = ${int(w.records)} records`,
  );
  const f = s.first;
  lines.push(`   first sync:              ${ms(f.wallMs).padStart(8)}   ${int(f.recordsPerSecond)} records/s   (${int(f.written)} written, ${int(f.held)} held)`);
  lines.push(
    f.pacedByRateLimit
      ? `${NOTE}paced by erp.http.requestsPerMinute (see the warning below), not by mlsync: lower --suppliers to measure mlsync itself.`
      : `${NOTE}mlsync's own pace for an initial load; real tenants add network latency and Basware's background processing.`,
  );
  lines.push(`   M3 calls, first sync:    ${int(f.m3Calls)} (${f.m3CallsPerRecord} per record), Basware requests: ${int(f.baswareRequests)}`);
  const rpm = s.inforRateLimit.requestsPerMinute;
  if (rpm !== null) {
    lines.push(
      `${NOTE}erp.http.requestsPerMinute is ${int(rpm)}: a run needing more M3 calls than that waits for the next minute, so beyond ` +
        `~${int(rpm / (f.m3CallsPerRecord || 1))} records a run goes at ~${int(rpm / 60)} M3 calls/s whatever the machine.`,
    );
  }
  const i = s.incremental;
  lines.push(
    `   incremental, no change:  ${ms(i.medianMs).padStart(8)}   median of ${i.runs} (p90 ${ms(i.p90Ms)})   ${times(s.ratios.incrementalOverFirst)} the first sync   ${int(i.m3Calls)} M3 calls`,
  );
  lines.push(`${NOTE}what a cron run costs when nothing changed: start-up plus a few change queries, nothing sent.`);
  const u = s.full;
  lines.push(
    `   --full, all unchanged:   ${ms(u.medianMs).padStart(8)}   ${u.runs > 1 ? `median of ${u.runs}` : '1 run'}   ${times(s.ratios.fullOverFirst)} the first sync   ` +
      `${int(u.recordsPerSecond)} records/s   ${int(u.m3Calls)} M3 calls, ${int(u.baswareRequests)} Basware requests`,
  );
  lines.push(`${NOTE}re-reads everything but sends nothing (content hashes match); it spends M3 quota, so schedule it rarely (nightly).`);
  for (const a of s.sandboxAdjustments) lines.push(`   note: ${a}`);
}

function ledgerSection(s, lines, result) {
  lines.push(`3. Ledger commits — ${int(s.records)} record updates with their audit entries, SQLite WAL, synchronous=FULL`);
  lines.push(`   in transactions of ${s.batchSize}:   ${int(s.batched.usPerRecord).padStart(6)} µs/record   (${int(s.batched.recordsPerSecond)} records/s, ${ms(s.batched.totalMs)} total)`);
  const sync = result.sync && !result.sync.error ? result.sync : undefined;
  const share = sync ? (s.batched.usPerRecord / ((sync.first.wallMs * 1000) / sync.first.read)) * 100 : null;
  lines.push(
    share === null
      ? `${NOTE}the ledger's cost per record in a normal run; compare it with the first sync's time per record.`
      : `${NOTE}the ledger's cost per record in a normal run: ~${share.toFixed(1)} % of the first sync's time per record above.`,
  );
  lines.push(`   one per transaction:     ${int(s.single.usPerRecord).padStart(6)} µs/record   (${int(s.single.recordsPerSecond)} records/s, ${ms(s.single.totalMs)} total)`);
  lines.push(`${NOTE}each commit waits for its own disk flush (synchronous=FULL): a faster disk narrows the gap, a network disk widens it.`);
  lines.push(`   single / batched: ${times(s.ratios.singleOverBatched)}`);
  lines.push(`${NOTE}why the engine commits a whole Basware batch at once: one disk flush per batch instead of one per record.`);
}

const SECTIONS = { startup: startupSection, sync: syncSection, ledger: ledgerSection };

export function renderText(result) {
  const lines = [];
  lines.push(`mlsync bench — ${result.startedAt}`);
  lines.push(`machine: ${machineLine(result.machine)}`);
  lines.push('Shared machines are noisy: compare ratios, or absolute figures only between runs with the same machine line.');
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  for (const [name, render] of Object.entries(SECTIONS)) {
    const section = result[name];
    if (section === undefined) continue;
    lines.push('');
    if (section.error) {
      lines.push(`${name}: FAILED — ${section.error}`);
      continue;
    }
    render(section, lines, result);
    for (const w of section.warnings ?? []) lines.push(`   warning: ${w}`);
  }
  lines.push('');
  lines.push(`bench took ${ms(result.durationMs)}`);
  return `${lines.join('\n')}\n`;
}
