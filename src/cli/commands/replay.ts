/** `mlsync replay <id>`: one invoice again through the same outbox rules; `--dry-run` shows what would be sent. */
import { ConfigError } from '../../errors.js';
import { RunFailed } from '../../engine/run.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
import { openPair, type PairSession } from '../session.js';
import { openExistingLedger } from './ledger-access.js';

export async function replayCommand(id: string, opts: { dryRun?: boolean }, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let session: PairSession | undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const n = Number.parseInt(id.replace(/^#/, ''), 10);
    if (!Number.isInteger(n) || n < 1 || String(n) !== id.replace(/^#/, '')) {
      throw new ConfigError(`"${id}" is not a record id; ids are the numbers in the Id column of \`mlsync status\` and the Record column of \`mlsync audit\`.`);
    }
    // The record says which pair it belongs to; that pair's config and connectors do the work.
    const probe = openExistingLedger(g, redactor);
    const record = probe.getRecordById(n);
    probe.close();
    if (!record) throw new ConfigError(`No record ${n} in the ledger; \`mlsync status\` lists held and failed records with their ids.`);
    const { replayRecord, replayable } = await import('../../engine/replay.js');
    const why = replayable(record);
    if (why) throw new ConfigError(why);

    session = await openPair(record.pair, g, redactor);
    const result = await replayRecord({
      ledger: session.ledger,
      erp: session.erp,
      ap: session.ap,
      record,
      dryRun: opts.dryRun ?? false,
      sendFailureResponse: session.loaded.config.invoices.sendFailureResponse,
      lockStaleSeconds: session.loaded.config.run.lockStaleSeconds,
      heartbeatSeconds: session.loaded.config.run.heartbeatSeconds,
      signal: controller.signal,
      calls: session.calls,
    });
    out.json(result);
    out.info(result.message);
    for (const line of result.requests ?? []) out.info(`  ${line}`);
    return result.outcome === 'posted' || result.outcome === 'already-posted' || result.outcome.startsWith('would-') ? EXIT.OK : EXIT.PARTIAL;
  } catch (err) {
    if (err instanceof RunFailed) return reportError(err.error, out);
    return reportError(err, out);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session?.close();
  }
}
