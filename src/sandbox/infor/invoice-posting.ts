/**
 * What a validated supplier invoice batch turns into (apis/infor.md §5.10, §5.12, MODELED): a ledger invoice
 * that APS200MI/GetInvTotInfo and EXPORTMI FPLEDG/FGLEDG show, with its coding rows and PO references.
 */
import { formatCents, toCents } from './amounts.js';
import type { M3Record } from './envelope.js';
import type { InvoiceBatch, LedgerInvoice, M3Store } from './store.js';

/** Batch status SUPA (§5.11; 78 is [V], the others MODELED). */
export const SUPA = {
  ENTERED: '10',
  VALIDATION_ERROR: '15',
  RECODING_FAILED: '78',
  POSTED: '90',
} as const;

/** Transaction code of a supplier invoice in the ledger (§1). */
export const TRCD_SUPPLIER_INVOICE = '40';
/** Accounts the posting writes besides the coding rows (the default `[infor.m3.excludeAccounts]`, §5.13). */
export const AP_LIABILITY_ACCOUNT = '2410';
export const INPUT_VAT_ACCOUNT = '2640';
/** Goods received not invoiced: where PO-matched lines (RDTP 1) are booked. */
export const GOODS_RECEIVED_ACCOUNT = '2460';
const AIT_FIELDS = ['AIT1', 'AIT2', 'AIT3', 'AIT4', 'AIT5', 'AIT6', 'AIT7'] as const;

function codingRow(account: string, amount: bigint, vtcd = '', text = '', dims: M3Record = {}): M3Record {
  const row: M3Record = {};
  for (const f of AIT_FIELDS) row[f] = dims[f] ?? '';
  row.AIT1 = account;
  row.ACAM = formatCents(amount);
  row.CUAM = formatCents(amount);
  row.VTCD = vtcd;
  row.VTXT = text;
  return row;
}

/** Book a balanced batch in the ledger: SUPA 90 and a new ledger invoice with OCUA = CUAM (§7 item 18). */
export function postBatch(store: M3Store, batch: InvoiceBatch): LedgerInvoice {
  const h = batch.head;
  const supplier = store.supplier(h.CONO!, h.SUNO!);
  const lmts = store.lmts.next();
  const coding: M3Record[] = [];
  const poRefs: M3Record[] = [];
  for (const line of batch.lines) {
    if (line.RDTP === '1') {
      coding.push(codingRow(GOODS_RECEIVED_ACCOUNT, toCents(line.NLAM ?? '0'), line.VTCD, line.CHGT));
      poRefs.push({ PUNO: line.PUNO ?? '', PNLI: line.PNLI ?? '', PNLS: line.PNLS ?? '0', REPN: line.REPN ?? '', IVQA: line.IVQA ?? '' });
      const poLine = store.purchaseOrder(h.CONO!, line.PUNO ?? '')?.lines.find((l) => l.PNLI === line.PNLI && l.PNLS === (line.PNLS ?? '0'));
      if (poLine && line.IVQA) {
        // Invoicing a PO line raises its invoiced quantity, which M3 records as a change of the line.
        poLine.IVQA = String(Number(poLine.IVQA ?? '0') + Number(line.IVQA));
        poLine.LMTS = lmts;
      }
    } else {
      coding.push(codingRow(line.AIT1 ?? '', toCents(line.NLAM ?? '0'), line.VTCD, line.CHGT, line));
    }
  }
  const vat = toCents(h.VTAM ?? '0');
  if (vat !== 0n) coding.push(codingRow(INPUT_VAT_ACCOUNT, vat));
  coding.push(codingRow(AP_LIABILITY_ACCOUNT, -toCents(h.CUAM ?? '0')));

  const record: M3Record = {
    CONO: h.CONO!,
    DIVI: h.DIVI!,
    YEA4: (h.ACDT || h.IVDT!).slice(0, 4),
    JRNO: store.newJrno(),
    JSNO: '1',
    TRCD: TRCD_SUPPLIER_INVOICE,
    SPYN: h.SPYN!,
    SUNO: h.SUNO!,
    SINO: h.SINO ?? '',
    // INYR is the year of the invoice date (MODELED, §5.12).
    INYR: h.IVDT!.slice(0, 4),
    CUCD: h.CUCD ?? '',
    CUAM: h.CUAM ?? '0.00',
    VTAM: h.VTAM ?? '0.00',
    IVDT: h.IVDT!,
    DUDT: h.DUDT ?? '',
    ACDT: h.ACDT ?? h.IVDT!,
    APRV: '1',
    PYME: supplier?.PYME ?? '',
    RECO: '0',
    REDE: '',
    PCUA: '0.00',
    OCUA: h.CUAM ?? '0.00',
    PYST: '1',
    LMTS: lmts,
  };
  const invoice: LedgerInvoice = { record, coding, poRefs, imagePath: '' };
  store.addLedgerInvoice(invoice);
  h.SUPA = SUPA.POSTED;
  h.IBHE = '0';
  h.IBLE = '0';
  h.LMDT = lmts.slice(0, 8);
  batch.postsAtMs = undefined;
  return invoice;
}

/** Finish validations started with `[sim.validationDelaySeconds]` whose delay has passed (§7 item 19). */
export function settlePendingValidations(store: M3Store, nowMs: number): void {
  for (const batch of store.batches.values()) {
    if (batch.postsAtMs !== undefined && nowMs >= batch.postsAtMs) postBatch(store, batch);
  }
}

export interface PaymentInput {
  amount: string;
  /** yyyyMMdd */
  date: string;
}

/** An M3 payment against a ledger invoice (§5.12 / §5.14 effect): PCUA up, OCUA down, settled at OCUA 0. */
export function applyPayment(store: M3Store, invoice: LedgerInvoice, payment: PaymentInput): void {
  const r = invoice.record;
  const amount = toCents(payment.amount);
  const open = toCents(r.OCUA ?? '0');
  if (amount <= 0n) throw new Error(`payment amount ${payment.amount} must be positive`);
  if (amount > open) throw new Error('Payment amount exceeds open amount');
  r.PCUA = formatCents(toCents(r.PCUA ?? '0') + amount);
  r.OCUA = formatCents(open - amount);
  if (open - amount === 0n) {
    r.RECO = '9';
    r.REDE = payment.date;
    r.PYST = '2';
  }
  r.LMTS = store.lmts.next();
}
