/** `mlsync audit`: the per-record audit trail, one record's history, and the hash-chain check. */
import type { AuditEntry } from '../../ledger/types.js';
import { ConfigError } from '../../errors.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
import { openExistingLedger } from './ledger-access.js';

/** `--since`: an ISO date or date-time, or a span back from now such as 30m, 24h, 7d. */
export function parseSince(value: string, now = new Date()): string {
  const span = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (span) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(span[1]) * unit).toISOString();
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ConfigError(`--since: "${value}" is not a date (2026-11-20, 2026-11-20T08:00:00Z) or a span (30m, 24h, 7d)`);
  return new Date(t).toISOString();
}

function summarise(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'object' && detail && 'reason' in detail) return String((detail as { reason: unknown }).reason);
  const s = JSON.stringify(detail);
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

function entryRow(e: AuditEntry): Array<string | number> {
  return [e.id, e.ts, e.pair, e.flow ?? '', e.recordId ?? '', e.action, e.outcome, summarise(e.detail)];
}
const ENTRY_HEAD = ['Entry', 'When', 'Pair', 'Flow', 'Record', 'Action', 'Outcome', 'Detail'];

export async function auditListCommand(pair: string | undefined, opts: Record<string, string>, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let ledger;
  try {
    const limit = Number.parseInt(opts.limit ?? '50', 10);
    if (!Number.isFinite(limit) || limit < 1) throw new ConfigError(`--limit: expected a positive number, got "${opts.limit}"`);
    const since = opts.since ? parseSince(opts.since) : undefined;
    ledger = openExistingLedger(g, redactor);
    const entries = ledger.listAudit({ pair, flow: opts.flow, outcome: opts.status, since, limit });
    out.json(entries);
    if (entries.length === 0) out.info('No audit entries match.');
    else out.table(ENTRY_HEAD, entries.map(entryRow));
    return EXIT.OK;
  } catch (err) {
    return reportError(err, out);
  } finally {
    ledger?.close();
  }
}

export async function auditShowCommand(id: string, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let ledger;
  try {
    const n = Number.parseInt(id.replace(/^#/, ''), 10);
    if (!Number.isInteger(n) || n < 1 || String(n) !== id.replace(/^#/, '')) {
      throw new ConfigError(`"${id}" is not a record id; ids are the numbers in the Id column of \`mlsync status\` and the Record column of \`mlsync audit\`.`);
    }
    ledger = openExistingLedger(g, redactor);
    const record = ledger.getRecordById(n);
    if (!record) throw new ConfigError(`No record ${n} in ${ledger.file}.`);
    const entries = ledger.listAudit({ recordId: n, limit: 10_000 }).reverse();
    out.json({ record, audit: entries });
    out.table(
      ['Record', 'Pair', 'Flow', 'Source key', 'Target key', 'State', 'Attempts', 'Updated', 'Last error'],
      [[record.id, record.pair, record.flow, record.sourceKey, record.targetKey ?? '', record.state, record.attempts, record.updatedAt, record.lastError ?? '']],
    );
    out.info('History (oldest first):');
    out.table(ENTRY_HEAD, entries.map(entryRow));
    if (out.verbose) out.info(`Last content sent:\n${JSON.stringify(record.payload, null, 2)}`);
    return EXIT.OK;
  } catch (err) {
    return reportError(err, out);
  } finally {
    ledger?.close();
  }
}

export async function auditVerifyCommand(g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let ledger;
  try {
    ledger = openExistingLedger(g, redactor);
    const result = ledger.verifyAudit();
    out.json({ ledger: ledger.file, ...result });
    if (result.ok) {
      out.info(`Audit trail intact: ${result.checked} entries in ${ledger.file}, each linked to the one before.`);
      return EXIT.OK;
    }
    out.error(
      `Audit trail BROKEN at entry ${result.firstBad?.id}: ${result.firstBad?.reason}. ` +
        `Entries from there on cannot be trusted; keep a copy of ${ledger.file} for investigation.`,
    );
    return EXIT.PARTIAL;
  } catch (err) {
    return reportError(err, out);
  } finally {
    ledger?.close();
  }
}
