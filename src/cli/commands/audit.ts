/** `mlsync audit`: the per-record audit trail, one record's history, and the hash-chain check. */
import type { AuditEntry } from '../../ledger/types.js';
import { ConfigError } from '../../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { withExistingLedger } from './ledger-access.js';

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

const DETAIL_WIDTH = 70;

/** One line for a table cell: the reason when there is one, else key=value pairs; --json has it all. */
export function summariseDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  let text: string;
  if (typeof detail !== 'object') text = String(detail);
  else if ('reason' in detail && (detail as { reason: unknown }).reason) text = String((detail as { reason: unknown }).reason);
  else {
    text = Object.entries(detail as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => (k === 'counts' && Array.isArray(v) ? countsText(v) : `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`))
      .join(' ');
  }
  return text.length > DETAIL_WIDTH ? `${text.slice(0, DETAIL_WIDTH - 1)}…` : text;
}

/** Run counts as "suppliers 300 read/7 written/1 held; …". */
function countsText(counts: unknown[]): string {
  return counts
    .map((c) => {
      const f = c as { flow?: string; read?: number; written?: number; held?: number };
      return `${f.flow} ${f.read ?? 0} read/${f.written ?? 0} written${f.held ? `/${f.held} held` : ''}`;
    })
    .join('; ');
}

/** 2026-11-21T13:13:51.150Z → 2026-11-21 13:13:51 (UTC), to keep tables narrow. */
function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');
}

/** Entries as table rows; a Pair column only when the entries span more than one pair. */
function entryTable(entries: AuditEntry[]): { head: string[]; rows: Array<Array<string | number>> } {
  const withPair = new Set(entries.map((e) => e.pair)).size > 1;
  const head = ['Entry', 'When (UTC)', ...(withPair ? ['Pair'] : []), 'Flow', 'Record', 'Action', 'Outcome', 'Detail'];
  const rows = entries.map((e) => [
    e.id,
    shortTime(e.ts),
    ...(withPair ? [e.pair] : []),
    e.flow ?? '',
    e.recordId ?? '',
    e.action,
    e.outcome,
    summariseDetail(e.detail),
  ]);
  return { head, rows };
}

export async function auditListCommand(pair: string | undefined, opts: Record<string, string>, g: GlobalOptions): Promise<ExitCode> {
  return withExistingLedger(g, ({ out, ledger: openLedger }) => {
    const limit = Number.parseInt(opts.limit ?? '50', 10);
    if (!Number.isFinite(limit) || limit < 1) throw new ConfigError(`--limit: expected a positive number, got "${opts.limit}"`);
    const since = opts.since ? parseSince(opts.since) : undefined;
    const ledger = openLedger();
    const entries = ledger.listAudit({ pair, flow: opts.flow, outcome: opts.status, since, limit });
    out.json(entries);
    if (entries.length === 0) out.info('No audit entries match.');
    else {
      const t = entryTable(entries);
      out.table(t.head, t.rows);
    }
    return EXIT.OK;
  });
}

export async function auditShowCommand(id: string, g: GlobalOptions): Promise<ExitCode> {
  return withExistingLedger(g, ({ out, ledger: openLedger }) => {
    const n = Number.parseInt(id.replace(/^#/, ''), 10);
    if (!Number.isInteger(n) || n < 1 || String(n) !== id.replace(/^#/, '')) {
      throw new ConfigError(`"${id}" is not a record id; ids are the numbers in the Id column of \`mlsync status\` and the Record column of \`mlsync audit\`.`);
    }
    const ledger = openLedger();
    const record = ledger.getRecordById(n);
    if (!record) throw new ConfigError(`No record ${n} in ${ledger.file}.`);
    const entries = ledger.listAudit({ recordId: n, limit: 10_000 }).reverse();
    out.json({ record, audit: entries });
    out.table(
      ['Record', 'Pair', 'Flow', 'Source key', 'Target key', 'State', 'Attempts', 'Updated', 'Last error'],
      [[record.id, record.pair, record.flow, record.sourceKey, record.targetKey ?? '', record.state, record.attempts, record.updatedAt, record.lastError ?? '']],
    );
    out.info('History (oldest first):');
    const t = entryTable(entries);
    out.table(t.head, t.rows);
    if (out.verbose) out.info(`Last content sent:\n${JSON.stringify(record.payload, null, 2)}`);
    return EXIT.OK;
  });
}

export async function auditVerifyCommand(g: GlobalOptions): Promise<ExitCode> {
  return withExistingLedger(g, ({ out, ledger: openLedger }) => {
    const ledger = openLedger();
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
  });
}
