/** `mlsync run <pair>`: all flows of a pair, in dependency order. */
import { selectFlows } from '../../engine/flows.js';
import type { ProgressEvent } from '../../engine/mirror.js';
import { RunFailed, runPair, type RunSummary } from '../../engine/run.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { Output, type Step } from '../output.js';
import { openPair, type PairSession } from '../session.js';

export interface RunCommandOptions {
  flows?: string;
  dryRun?: boolean;
  full?: boolean;
}

export async function runCommand(pair: string, opts: RunCommandOptions, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let session: PairSession | undefined;
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    out.warn(`mlsync: ${signal} received; stopping after the current batch and releasing the lock`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    session = await openPair(pair, g, redactor);
    const summary = await executeRun(session, out, { flows: opts.flows, dryRun: opts.dryRun ?? false, full: opts.full ?? false, signal: controller.signal });
    return exitCodeOf(summary);
  } catch (err) {
    if (err instanceof RunFailed) {
      printSummary(out, err.summary);
      return reportError(err.error, out, { json: false });
    }
    return reportError(err, out);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session?.close();
  }
}

/** Runs the pair of an open session and prints progress and the summary. Shared with `demo`. */
export async function executeRun(
  session: PairSession,
  out: Output,
  opts: { flows?: string; dryRun: boolean; full?: boolean; signal?: AbortSignal; /** false: the caller prints one JSON document of its own (demo). */ json?: boolean },
): Promise<RunSummary> {
  const { loaded, erp, ap, ledger } = session;
  const requested = opts.flows
    ? opts.flows.split(',').map((f) => f.trim()).filter(Boolean)
    : loaded.config.flows;
  const flows = selectFlows(erp, ap, requested);
  out.info(
    `${opts.dryRun ? 'Dry run of' : 'Running'} ${loaded.pair}${opts.full ? ' (full re-read)' : ''}: ${flows.map((f) => f.name).join(', ')} (${erp.displayName} → ${ap.displayName})`,
  );
  for (const f of flows) out.debug(`  ${f.describe(erp.displayName, ap.displayName)}`);
  const steps = new Map<string, Step>();
  const finished = new Set<string>();
  const onProgress = (e: ProgressEvent) => {
    let step = steps.get(e.flow);
    const c = e.counts;
    const text = `${e.flow}: ${e.phase === 'reading' ? 'reading' : e.phase} — ${c.read} read, ${c.written} written, ${c.unchanged} unchanged, ${c.held} held`;
    if (!step) {
      step = out.step(text);
      steps.set(e.flow, step);
    } else if (e.phase !== 'done') {
      step.update(text);
    }
    if (e.phase === 'done') {
      finished.add(e.flow);
      const line = `${e.flow}: ${c.read} read, ${c.written} ${opts.dryRun ? 'to write' : 'written'}, ${c.unchanged} unchanged, ${c.held} held, ${c.failed} failed`;
      if (c.held > 0 || c.failed > 0) step.warn(line);
      else step.succeed(line);
    }
  };
  try {
    const summary = await runPair({
      pair: loaded.pair,
      ledger,
      erp,
      ap,
      flows,
      dryRun: opts.dryRun,
      full: opts.full,
      sendFailureResponse: loaded.config.invoices.sendFailureResponse,
      calls: session.calls,
      lockStaleSeconds: loaded.config.run.lockStaleSeconds,
      heartbeatSeconds: loaded.config.run.heartbeatSeconds,
      onProgress,
      signal: opts.signal,
    });
    printSummary(out, summary, opts.json !== false);
    printHeld(out, session, summary);
    return summary;
  } catch (err) {
    if (err instanceof RunFailed) {
      for (const [flow, step] of steps) {
        if (!finished.has(flow)) step.fail(`${flow}: stopped (${err.summary.error?.code ?? 'error'})`);
      }
    }
    throw err;
  }
}

export function exitCodeOf(summary: RunSummary): ExitCode {
  return summary.outcome === 'success' ? EXIT.OK : EXIT.PARTIAL;
}

function printSummary(out: Output, s: RunSummary, json = true): void {
  if (json) out.json(s);
  out.table(
    ['Flow', 'Read', s.dryRun ? 'To write' : 'Written', 'Unchanged', 'Held', 'Failed'],
    s.flows.map((f) => [f.flow, f.read, f.written, f.unchanged, f.held, f.failed]),
  );
  const took = ((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1);
  out.info(`Run ${s.runId} of ${s.pair}: ${s.outcome}${s.dryRun ? ' (dry run: nothing was written)' : ''} in ${took} s`);
}

function printHeld(out: Output, session: PairSession, s: RunSummary): void {
  const held = s.flows.reduce((n, f) => n + f.held + f.failed, 0);
  if (held === 0 || s.dryRun) return;
  // What is waiting now (a hold whose reason did not change is not rewritten each run, so no run filter).
  const flows = new Set(s.flows.filter((f) => f.held + f.failed > 0).map((f) => f.flow));
  const rows = session.ledger
    .listRecords({ pair: s.pair, states: ['held', 'failed', 'posting'] })
    .filter((r) => flows.has(r.flow) && r.lastError);
  for (const r of rows.slice(0, 10)) out.warn(`${r.state}: ${r.flow} ${r.sourceKey} (record ${r.id}): ${r.lastError}`);
  if (rows.length > 10) out.warn(`… ${rows.length - 10} more.`);
  out.warn(`${held} record(s) need attention; \`mlsync status ${s.pair}\` lists them with their reasons.`);
}
