/**
 * Reading what M3 holds of a supplier invoice (apis/infor.md §5.7, §5.11, §5.12): the batches
 * LstInvBySupInv lists, whether a half-built batch is exactly what a fresh post would have written,
 * and the supplier-ledger record as canonical PaymentStatus.
 */
import { PaymentStatus } from '../../model/invoice.js';
import type { ErpInvoiceLookup } from '../../model/invoice.js';
import { M3_BATCH_STATUS } from './descriptor.js';
import type { M3Request } from './invoice-requests.js';
import { toCents } from './invoice-requests.js';
import { M3ValueError, m3Date, m3Decimal, text } from './m3-values.js';
import type { M3Record } from './m3-values.js';

/** One batch of the supplier invoice: INBN and its status SUPA. */
export interface BatchRow {
  inbn: string;
  status: number;
}

/** A lookup row without an INBN or with a non-numeric SUPA (never seen; parsed at the edge anyway). */
export class BatchRowError extends Error {}

const STATUS_WORDS: Record<number, string> = {
  [M3_BATCH_STATUS.ENTERED]: 'entered, not validated',
  [M3_BATCH_STATUS.VALIDATION_ERROR]: 'validation error',
  [M3_BATCH_STATUS.RECODING_FAILED]: 'matching recoding failed',
  [M3_BATCH_STATUS.POSTED]: 'posted',
};

export function describeStatus(status: number): string {
  if (Number.isNaN(status)) return 'no status';
  const words = STATUS_WORDS[status];
  return words ? `status ${status}, ${words}` : `status ${status}`;
}

export function batchRows(records: M3Record[]): BatchRow[] {
  return records.map((r) => {
    const inbn = text(r, 'INBN');
    const supa = text(r, 'SUPA') ?? '';
    if (inbn === undefined || !/^\d+$/.test(supa)) {
      throw new BatchRowError(`APS450MI/LstInvBySupInv returned a row without a batch number or status: ${JSON.stringify(r)}`);
    }
    return { inbn, status: Number(supa) };
  });
}

export function isPosted(row: BatchRow): boolean {
  return row.status === M3_BATCH_STATUS.POSTED;
}

/** Any posted row wins; otherwise the unposted rows are one half-built invoice (earlier attempts, §7 item 8). */
export function lookupOf(rows: BatchRow[]): ErpInvoiceLookup {
  const posted = rows.find(isPosted);
  if (posted) return { state: 'posted', targetKey: posted.inbn };
  const [first] = rows;
  if (!first) return { state: 'absent' };
  const list = rows.map((r) => `${r.inbn} (${describeStatus(r.status)})`).join(', ');
  const detail =
    rows.length === 1
      ? `M3 holds invoice batch ${list} that is not posted`
      : `M3 holds ${rows.length} invoice batches of this invoice that are not posted: ${list}`;
  return { state: 'incomplete', targetKey: first.inbn, detail };
}

/** Fields whose value is an amount: compared in cents, so `600.0` and `600.00` agree. */
const AMOUNT_FIELDS = new Set(['CUAM', 'VTAM', 'NLAM', 'VTA1']);
/** Head fields compared when GetHead returns them. */
const HEAD_FIELDS = ['SUNO', 'SINO', 'IVDT', 'CUCD', 'CUAM', 'VTAM'];

function sameValue(field: string, sent: string, held: string): boolean {
  if (!AMOUNT_FIELDS.has(field)) return sent === held;
  try {
    const n = m3Decimal({ [field]: held }, field);
    return n !== undefined && toCents(n) === toCents(Number(sent));
  } catch (err) {
    if (err instanceof M3ValueError) return false;
    throw err;
  }
}

/**
 * Why a batch M3 already holds differs from what a fresh post would write, or undefined when it is
 * the same invoice (head totals and every line, in order). Only fields mlsync sent are compared, and
 * only where M3 returns them: M3 fills defaults (a VAT code, say) into fields mlsync left out.
 */
export function batchDifference(head: M3Record, lines: M3Record[], addHead: M3Request, addLines: M3Request[]): string | undefined {
  for (const field of HEAD_FIELDS) {
    const sent = addHead.fields[field];
    const held = head[field];
    if (sent === undefined || held === undefined) continue;
    if (!sameValue(field, sent, held)) return `head ${field} is ${held || '(empty)'} in M3, the invoice has ${sent}`;
  }
  if (lines.length !== addLines.length) {
    return `it has ${lines.length} line${lines.length === 1 ? '' : 's'}, the invoice has ${addLines.length} coding row${addLines.length === 1 ? '' : 's'}`;
  }
  const ordered = [...lines].sort((a, b) => Number(a.TRNO ?? 0) - Number(b.TRNO ?? 0));
  for (const [i, request] of addLines.entries()) {
    const held = ordered[i] as M3Record;
    for (const [field, sent] of Object.entries(request.fields)) {
      // INBN is the batch itself; DIVI is not returned; CHGT is free text that M3 may cut differently.
      if (sent === undefined || field === 'INBN' || field === 'DIVI' || field === 'CHGT') continue;
      const value = held[field];
      if (value === undefined) continue;
      if (!sameValue(field, sent, value)) return `line ${i + 1} ${field} is ${value || '(empty)'} in M3, the invoice has ${sent}`;
    }
  }
  return undefined;
}

/**
 * APS200MI/GetInvTotInfo → PaymentStatus (§5.12, MODELED): amounts compared as absolute values (§2),
 * paid when nothing is open and something was paid; REDE is the date it was fully paid.
 * Throws M3ValueError for an amount or date M3 conventions do not allow.
 */
export function mapPaymentStatus(rec: M3Record): PaymentStatus {
  const paidTotal = Math.abs(m3Decimal(rec, 'PCUA') ?? 0);
  const openAmount = Math.abs(m3Decimal(rec, 'OCUA') ?? 0);
  const year = text(rec, 'YEA4');
  const journal = text(rec, 'JRNO');
  const paymentDate = m3Date(rec, 'REDE');
  const paymentMethod = text(rec, 'PYME');
  return PaymentStatus.parse({
    paidTotal,
    openAmount,
    paid: toCents(openAmount) === 0 && toCents(paidTotal) > 0,
    ...(paymentDate !== undefined ? { paymentDate } : {}),
    ...(paymentMethod !== undefined ? { paymentMethod } : {}),
    ...(year !== undefined && journal !== undefined ? { paymentNumber: `${year}-${journal}` } : {}),
  });
}

/** The voucher AP staff see: the ledger journal number JRNO when M3 gives one. */
export function journalNumber(rec: M3Record): string | undefined {
  return text(rec, 'JRNO');
}
