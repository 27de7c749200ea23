/** `mlsync status [pair]`: last runs, watermarks, counts by state, and the review queue with reasons. */
import { RECORD_STATE } from '../../model/entities.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { withExistingLedger } from './ledger-access.js';

export async function statusCommand(pair: string | undefined, opts: { limit: string }, g: GlobalOptions): Promise<ExitCode> {
  return withExistingLedger(g, ({ out, ledger: openLedger }) => {
    const ledger = openLedger();
    const limit = Math.max(1, Number.parseInt(opts.limit, 10) || 20);
    const runs = ledger.listRuns({ pair, limit: 5 });
    const watermarks = ledger.listWatermarks(pair);
    const counts = ledger.countRecords(pair);
    const review = ledger.listRecords({ pair, states: [RECORD_STATE.HELD, RECORD_STATE.FAILED], limit });
    const reviewTotal = counts.filter((c) => c.state === RECORD_STATE.HELD || c.state === RECORD_STATE.FAILED).reduce((n, c) => n + c.count, 0);

    out.json({
      ledger: ledger.file,
      runs,
      watermarks,
      counts,
      review: review.map((r) => ({ id: r.id, pair: r.pair, flow: r.flow, key: r.sourceKey, state: r.state, reason: r.lastError, attempts: r.attempts, since: r.updatedAt })),
      reviewTotal,
    });
    if (runs.length === 0) out.info(`No runs${pair ? ` of ${pair}` : ''} in ${ledger.file} yet.`);
    else {
      out.info('Last runs:');
      out.table(
        ['Run', 'Pair', 'Started', 'Outcome', 'Read', 'Written', 'Unchanged', 'Held', 'Note'],
        runs.map((r) => {
          const sum = (k: 'read' | 'written' | 'unchanged' | 'held') => r.counts.reduce((n, c) => n + c[k], 0);
          return [r.id, r.pair, r.startedAt, r.outcome + (r.dryRun ? ' (dry run)' : ''), sum('read'), sum('written'), sum('unchanged'), sum('held'), (r.error ?? '').split('\n')[0]!.slice(0, 80)];
        }),
      );
    }
    if (watermarks.length > 0) {
      out.info('Watermarks (changes after these are read next run):');
      out.table(['Pair', 'Flow', 'Watermark', 'Moved at'], watermarks.map((w) => [w.pair, w.flow, w.value, w.updatedAt]));
    }
    if (counts.length > 0) {
      out.info('Records by state:');
      out.table(['Pair', 'Flow', 'State', 'Records'], counts.map((c) => [c.pair, c.flow, c.state, c.count]));
    }
    if (reviewTotal === 0) out.info('Review queue: empty.');
    else {
      out.info(`Review queue: ${reviewTotal} record(s) held or failed${reviewTotal > review.length ? ` (showing ${review.length}; --limit for more)` : ''}:`);
      out.table(
        ['Id', 'Pair', 'Flow', 'Key', 'State', 'Attempts', 'Since', 'Reason'],
        review.map((r) => [r.id, r.pair, r.flow, r.sourceKey, r.state, r.attempts, r.updatedAt, r.lastError ?? '']),
      );
    }
    return EXIT.OK;
  });
}
