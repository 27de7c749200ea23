/**
 * Canonical invoice → the M3 requests that post it (apis/infor.md §5.7–§5.12, §6.3). One builder per
 * transaction; posting sends exactly these and --dry-run prints exactly these, so the two cannot drift.
 * Values follow §2: dates `yyyyMMdd`, amounts with `.` and two decimals, every value a string.
 */
import type { ApInvoice, ApInvoiceLine } from '../../model/invoice.js';
import type { InforConfig } from './config.js';
import {
  M3_BATCH_TYPE_SUPPLIER_INVOICE,
  M3_CORI_MAX_LENGTH,
  M3_LINE_TYPE_ACCOUNTING,
  M3_TRANSACTIONS,
  type M3Transaction,
} from './descriptor.js';
import type { M3CallOptions, M3Fields } from './m3-client.js';

/** One M3 call, ready to send or to describe. */
export interface M3Request {
  tx: M3Transaction;
  fields: M3Fields;
  options: M3CallOptions;
}

/** Everything the builders need besides the invoice. */
export interface InvoiceRequestContext {
  config: InforConfig;
  /** The supplier's payee (SPYN): PRSU when the supplier has another payee, else SUNO (§5.7). */
  payee: string;
}

const CENTS = 100;
/** Earlier duplicates of one supplier invoice all show (§7 item 8); a handful is plenty. */
const LOOKUP_MAXRECS = 50;
const SINGLE = 1;

/** A number as an M3 amount: `.` decimal point, exactly two decimals, no separators (`1250.00`, `-80.10`). */
export function m3Amount(value: number): string {
  // Half away from zero on the cents; the epsilon undoes binary noise such as 1.005 * 100 = 100.49999….
  const cents = Math.round(Math.abs(value) * CENTS + 1e-6);
  const sign = value < 0 && cents > 0 ? '-' : '';
  return `${sign}${Math.floor(cents / CENTS)}.${String(cents % CENTS).padStart(2, '0')}`;
}

/** An amount in whole cents, for comparing what M3 holds with the invoice. */
export function toCents(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value) * CENTS + 1e-6);
}

/** `YYYY-MM-DD` (canonical) → `yyyyMMdd` (M3). */
export function m3DateFromIso(iso: string): string {
  return iso.replace(/-/g, '');
}

/** The year M3 files the invoice under in the supplier ledger: the year of the invoice date (§5.12, MODELED). */
export function invoiceYear(invoice: ApInvoice): string {
  return invoice.invoiceDate.slice(0, 4);
}

/** The one purchase order of a single-PO invoice; none when the invoice has no or several orders (§5.8). */
export function singleOrderNumber(invoice: ApInvoice): string | undefined {
  const orders = new Set(invoice.orderNumbers.filter((o) => o.trim() !== ''));
  return orders.size === SINGLE ? [...orders][0] : undefined;
}

/** APS450MI/LstInvBySupInv: batches of this supplier invoice, posted or not (§5.7). */
export function lookupRequest(invoice: ApInvoice, ctx: InvoiceRequestContext): M3Request {
  return {
    tx: M3_TRANSACTIONS.lstInvBySupInv,
    fields: { DIVI: ctx.config.division, SPYN: ctx.payee, SUNO: invoice.supplierCode, SINO: invoice.invoiceNumber },
    options: { maxrecs: LOOKUP_MAXRECS },
  };
}

/** APS450MI/AddHead (§5.8). */
export function addHeadRequest(invoice: ApInvoice, ctx: InvoiceRequestContext): M3Request {
  const { config } = ctx;
  const terms = invoice.paymentTerms === undefined ? undefined : (config.m3.paymentTermMap[invoice.paymentTerms] ?? invoice.paymentTerms);
  return {
    tx: M3_TRANSACTIONS.addInvoiceHead,
    fields: {
      DIVI: config.division,
      SUNO: invoice.supplierCode,
      SPYN: ctx.payee,
      IVDT: m3DateFromIso(invoice.invoiceDate),
      IBTP: M3_BATCH_TYPE_SUPPLIER_INVOICE,
      SINO: invoice.invoiceNumber,
      CUCD: invoice.currency,
      CUAM: m3Amount(invoice.grossTotal),
      VTAM: m3Amount(invoice.taxTotal),
      ACDT: m3DateFromIso(invoice.accountingDate ?? invoice.invoiceDate),
      DUDT: invoice.dueDate === undefined ? undefined : m3DateFromIso(invoice.dueDate),
      TEPY: terms,
      PUNO: singleOrderNumber(invoice),
      // The AP platform's document id, so M3 users can trace a batch back to it (≤ 36 characters).
      CORI: invoice.documentId.slice(0, M3_CORI_MAX_LENGTH),
    },
    options: {},
  };
}

/** The AIT fields of one coding row: AIT{accountAitp} account, AIT{costCenterAitp} cost center, mapped dimensions (§5.9). */
export function accountingFields(line: ApInvoiceLine, config: InforConfig): M3Fields {
  const fields: M3Fields = { [`AIT${config.m3.accountAitp}`]: line.accountCode };
  if (line.costCenterCode !== undefined && line.costCenterCode !== '') fields[`AIT${config.m3.costCenterAitp}`] = line.costCenterCode;
  for (const [name, value] of Object.entries(line.dimensions)) {
    const aitp = config.m3.dimensionAits[name];
    if (aitp !== undefined && value !== '') fields[`AIT${aitp}`] = value;
  }
  return fields;
}

/** The M3 VAT code of a coding row: only a tax code mapped in erp.m3.taxCodeMap (else M3's default applies). */
export function m3TaxCode(line: ApInvoiceLine, config: InforConfig): string | undefined {
  return line.taxCode === undefined ? undefined : config.m3.taxCodeMap[line.taxCode];
}

/** APS450MI/AddLine for one coding row, as an accounting line (RDTP 8, §5.9). */
export function addLineRequest(line: ApInvoiceLine, inbn: string, config: InforConfig): M3Request {
  const text = line.description?.replace(/\s+/g, ' ').trim();
  const ait = accountingFields(line, config);
  const aitFields: M3Fields = {};
  // AIT1..AIT7 in order, so requests read the same whatever the dimension numbering.
  for (const key of Object.keys(ait).sort()) aitFields[key] = ait[key];
  return {
    tx: M3_TRANSACTIONS.addInvoiceLine,
    fields: {
      DIVI: config.division,
      INBN: inbn,
      RDTP: M3_LINE_TYPE_ACCOUNTING,
      NLAM: m3Amount(line.netAmount),
      VTCD: m3TaxCode(line, config),
      VTA1: m3Amount(line.taxAmount),
      ...aitFields,
      CHGT: text ? text.slice(0, config.m3.lineTextMaxLength).trimEnd() : undefined,
    },
    options: {},
  };
}

/** APS455MI/ValidByBatchNo: validate and post the batch (§5.10). */
export function validateRequest(inbn: string, config: InforConfig): M3Request {
  return { tx: M3_TRANSACTIONS.validateInvoice, fields: { DIVI: config.division, INBN: inbn }, options: {} };
}

/** APS450MI/GetHead: status and totals of a batch (§5.11). */
export function batchHeadRequest(inbn: string, config: InforConfig): M3Request {
  return { tx: M3_TRANSACTIONS.getInvoiceHead, fields: { DIVI: config.division, INBN: inbn }, options: { maxrecs: SINGLE } };
}

/** APS450MI/LstLines: every line of a batch (§5.11); the PO-line read uses the same bound. */
export function batchLinesRequest(inbn: string, config: InforConfig): M3Request {
  return { tx: M3_TRANSACTIONS.lstInvoiceLines, fields: { DIVI: config.division, INBN: inbn }, options: { maxrecs: config.m3.exportMaxRows } };
}

/** APS450MI/DltInvoice: remove a batch that is not posted (§5.11). */
export function deleteBatchRequest(inbn: string, config: InforConfig): M3Request {
  return { tx: M3_TRANSACTIONS.deleteInvoice, fields: { DIVI: config.division, INBN: inbn }, options: {} };
}

/** APS200MI/GetInvTotInfo: the invoice in the supplier ledger, with what is paid (§5.12). */
export function ledgerInvoiceRequest(invoice: ApInvoice, ctx: InvoiceRequestContext): M3Request {
  return {
    tx: M3_TRANSACTIONS.getLedgerInvoice,
    fields: {
      DIVI: ctx.config.division,
      SPYN: ctx.payee,
      SINO: invoice.invoiceNumber,
      INYR: invoiceYear(invoice),
      SUNO: invoice.supplierCode,
    },
    options: { maxrecs: SINGLE },
  };
}

/** CRS620MI/GetBasicData: the supplier, for its payee PRSU (§5.2). */
export function supplierRequest(supplierCode: string): M3Request {
  return { tx: M3_TRANSACTIONS.getSupplier, fields: { SUNO: supplierCode }, options: { maxrecs: SINGLE } };
}
