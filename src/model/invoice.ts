/**
 * Canonical approved invoice (a coded AP document) and payment status: what an AP connector reads and
 * confirms, and what an ERP connector posts and reports paid. Amounts are numbers in the invoice
 * currency; dates are ISO `YYYY-MM-DD`.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const ApInvoiceLine = z.object({
  /** Position on the document (Basware rowIndex; may have gaps). */
  rowIndex: z.number().int(),
  accountCode: z.string().min(1),
  costCenterCode: z.string().optional(),
  /** Other coding dimensions by name (project, department, ...), as the AP platform coded them. */
  dimensions: z.record(z.string(), z.string()).default({}),
  netAmount: z.number(),
  taxAmount: z.number(),
  taxCode: z.string().optional(),
  taxPercent: z.number().optional(),
  description: z.string().optional(),
  orderNumber: z.string().optional(),
  orderLineNumber: z.string().optional(),
  goodsReceiptNumber: z.string().optional(),
  quantity: z.number().optional(),
});
export type ApInvoiceLine = z.infer<typeof ApInvoiceLine>;

export const ApInvoice = z.object({
  /** The AP platform's id of the document (Basware invoiceId): the ledger key of the invoices flow. */
  documentId: z.string().min(1),
  /** Company on the AP side (Basware companyCode). */
  companyCode: z.string().min(1),
  supplierCode: z.string().min(1),
  supplierName: z.string().optional(),
  /** The supplier's own invoice number: with the supplier, the natural key in the ERP. */
  invoiceNumber: z.string().min(1),
  invoiceDate: isoDate,
  dueDate: isoDate.optional(),
  /** Posting date; the invoice date when the AP platform gives none. */
  accountingDate: isoDate.optional(),
  currency: z.string().length(3),
  netTotal: z.number(),
  taxTotal: z.number(),
  grossTotal: z.number(),
  paymentTerms: z.string().optional(),
  paymentMethod: z.string().optional(),
  paymentBlock: z.boolean().default(false),
  referenceNumber: z.string().optional(),
  orderNumbers: z.array(z.string()).default([]),
  lines: z.array(ApInvoiceLine).min(1, 'the document has no coding rows'),
});
export type ApInvoice = z.infer<typeof ApInvoice>;

/** Where an invoice stands in the ERP, found by its natural key (supplier + invoice number). */
export type ErpInvoiceLookup =
  | { state: 'absent' }
  /** Posted: `targetKey` is the ERP's id of it (M3 batch INBN), `voucher` the ledger voucher when known. */
  | { state: 'posted'; targetKey: string; voucher?: string }
  /** Started but not finished (a batch entered, not validated). The connector completes or removes it. */
  | { state: 'incomplete'; targetKey: string; detail: string };

export interface PostedInvoice {
  /** ERP id of the posted invoice (M3 INBN). */
  targetKey: string;
  /** Voucher or ledger number to show AP staff (Basware voucherNumber1), when the ERP gives one. */
  voucher?: string;
  /** True when the invoice was found already posted and nothing was written. */
  recovered: boolean;
  /** One line for the audit trail: what was done. */
  summary: string;
}

export const PaymentStatus = z.object({
  /** Total paid so far (cumulative), in the invoice currency. */
  paidTotal: z.number(),
  /** Still open. */
  openAmount: z.number(),
  /** Fully paid. */
  paid: z.boolean(),
  paymentDate: isoDate.optional(),
  paymentMethod: z.string().optional(),
  /** ERP reference of the payment (M3 journal number), when known. */
  paymentNumber: z.string().optional(),
});
export type PaymentStatus = z.infer<typeof PaymentStatus>;
