/**
 * Basware accounting document (apis/basware.md §4.5) → canonical ApInvoice. A document that cannot be
 * mapped is not an error of the run: it becomes an `invalid` item whose reason names the Basware field
 * to fix, so the engine holds it for review and reads it again next run.
 */
import type { z } from 'zod';
import { ApInvoice } from '../../model/invoice.js';
import type { SourceItem } from '../types.js';
import { AccountingDocument, CodingRow } from './document-entities.js';

/**
 * Coding-row fields that are dimensions besides account and cost center, carried into
 * `ApInvoiceLine.dimensions` under their Basware names (which of them a customer uses is theirs to configure in P2P).
 */
export const CODING_DIMENSION_FIELDS = [
  'projectCode',
  'projectSubCode',
  'internalOrderCode',
  'profitCenterCode',
  'businessUnitCode',
  'businessAreaCode',
  'employeeCode',
  'vehicleNumber',
  'salesOrderCode',
  'salesOrderSubCode',
  'customerCode',
  'budgetCode',
  'serviceCode',
  'productCode',
  'fixedAssetCode',
  'fixedAssetSubCode',
  'workOrderCode',
  'workOrderSubCode',
  'accAssignmentCategoryCode',
  'functionalArea',
  'plant',
  'dimCode1',
  'dimCode2',
  'dimCode3',
  'dimCode4',
  'dimCode5',
  'dimCode6',
  'dimCode7',
  'dimCode8',
  'dimCode9',
  'dimCode10',
] as const;

/** Canonical field → the Basware field an operator fixes (header, then coding row). */
const HEADER_FIELD: Record<string, string> = {
  documentId: 'invoiceId',
  currency: 'currencyCode',
  netTotal: 'netSum',
  taxTotal: 'taxSum1',
  grossTotal: 'grossSum',
  paymentTerms: 'paymentTermCode',
  lines: 'codingRows',
};
const LINE_FIELD: Record<string, string> = {
  netAmount: 'netTotal',
  taxAmount: 'taxSum',
  quantity: 'matchedQuantity',
};

/** Amounts derived by subtraction are rounded to this many decimals, to drop binary noise (1160 − 1000.1). */
const DERIVED_DECIMALS = 6;
/** Two amounts within this are the same (half a cent). */
const AMOUNT_TOLERANCE = 0.005;

const ISO_DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * `2024-03-12T00:00:00Z` → `2024-03-12`. The calendar date is taken as written, not converted to
 * another zone: an invoice dated the 12th stays the 12th. A value that is not a date is passed on
 * unchanged so the schema names it.
 */
export function isoDate(value: string | null | undefined): string | undefined {
  const v = present(value);
  if (v === undefined) return undefined;
  return ISO_DATE_PREFIX.exec(v)?.[1] ?? v;
}

function derived(n: number): number {
  return Number(n.toFixed(DERIVED_DECIMALS));
}

/**
 * Header tax: taxSum1 (the tax to pay, which grossSum includes). taxSum2 is tax "excluded from the tax
 * sum to be paid" (S1: reverse charge, non-deductible), so it is added only when grossSum includes it;
 * the canonical totals must satisfy net + tax = gross for the ERP to balance.
 */
function headerTax(doc: AccountingDocument): number | undefined {
  const net = doc.netSum ?? undefined;
  const gross = doc.grossSum ?? undefined;
  const tax1 = doc.taxSum1 ?? (net !== undefined && gross !== undefined ? derived(gross - net) : undefined);
  const tax2 = doc.taxSum2 ?? 0;
  if (tax1 === undefined) return undefined;
  if (tax2 !== 0 && net !== undefined && gross !== undefined && Math.abs(net + tax1 + tax2 - gross) < AMOUNT_TOLERANCE) {
    return derived(tax1 + tax2);
  }
  return tax1;
}

/** Row tax: taxSum, else gross − net when both are given, else none (0). */
function rowTax(row: CodingRow): number {
  if (row.taxSum !== null && row.taxSum !== undefined) return row.taxSum;
  if (typeof row.grossTotal === 'number' && typeof row.netTotal === 'number') return derived(row.grossTotal - row.netTotal);
  return 0;
}

function dimensionsOf(row: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of CODING_DIMENSION_FIELDS) {
    const value = row[field];
    if (typeof value === 'string' && value.trim() !== '') out[field] = value;
  }
  return out;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** One zod issue as an operator reads it: `grossSum is missing`, `currencyCode "EURO": Too big: …`. */
function describeIssue(field: string, issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || value === null) return `${field} is missing`;
  if (issue.code === 'too_small' && Array.isArray(value)) return issue.message;
  if (issue.code === 'invalid_type') return `${field} ${show(value)} is not ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  return `${field} ${show(value)}: ${issue.message}`;
}

/** Issues of the raw Basware shape: paths are already Basware field names. */
function rawProblems(error: z.ZodError, raw: unknown, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? `${prefix}${issue.path.map(String).join('.')}` : 'the document';
    return describeIssue(field, issue, valueAt(raw, issue.path));
  });
}

function rowLabel(row: unknown, position: number): string {
  const index = valueAt(row, ['rowIndex']);
  return `coding row ${typeof index === 'number' ? index : `#${position + 1}`}`;
}

/** Issues of the canonical candidate, named by the Basware field the operator fixes. */
function canonicalProblems(error: z.ZodError, candidate: unknown, rows: unknown[], fields: Record<string, string>): string[] {
  const problems = error.issues.map((issue) => {
    const [head, index, field] = issue.path;
    const value = valueAt(candidate, issue.path);
    if (head === 'lines' && typeof index === 'number' && field !== undefined) {
      const name = LINE_FIELD[String(field)] ?? String(field);
      return `${rowLabel(rows[index], index)}: ${describeIssue(name, issue, value)}`;
    }
    const name = fields[String(head)] ?? String(head ?? 'document');
    return describeIssue(name, issue, value);
  });
  // One bad Basware field can feed two canonical ones (invoiceDate is also the accounting date): name it once.
  return [...new Set(problems)];
}

/** Who the document is, in the words AP staff search for in P2P. */
function describeDocument(raw: unknown): string {
  const number = valueAt(raw, ['invoiceNumber']);
  const supplier = valueAt(raw, ['supplierCode']);
  const id = valueAt(raw, ['invoiceId']);
  const who = typeof number === 'string' && number !== '' ? `invoice ${number}` : `document ${typeof id === 'string' && id !== '' ? id : '(no invoiceId)'}`;
  return typeof supplier === 'string' && supplier !== '' ? `${who} of supplier ${supplier}` : who;
}

function invalid(key: string, raw: unknown, problems: string[]): SourceItem<ApInvoice> {
  return {
    key,
    invalid: `Basware ${describeDocument(raw)} cannot be posted: ${problems.join('; ')}. Correct it in Basware P2P; mlsync reads it again next run.`,
    raw,
  };
}

/** The ledger key of a document that has no usable invoiceId (should not happen: it is required, S1). */
function fallbackKey(raw: unknown, position: number): string {
  const bumid = valueAt(raw, ['bumid']);
  return typeof bumid === 'string' && bumid !== '' ? `bumid:${bumid}` : `unidentified-document-${position + 1}`;
}

/**
 * Map one document as Basware returned it. Never throws: what cannot be mapped is an `invalid` item
 * naming the field. `position` (on its page) only labels a document that has no invoiceId.
 */
export function mapDocument(raw: unknown, position = 0): SourceItem<ApInvoice> {
  const parsed = AccountingDocument.safeParse(raw);
  if (!parsed.success) {
    const id = valueAt(raw, ['invoiceId']);
    const key = typeof id === 'string' && id !== '' ? id : fallbackKey(raw, position);
    return invalid(key, raw, rawProblems(parsed.error, raw));
  }
  const doc = parsed.data;
  const rows = doc.codingRows ?? [];
  const problems: string[] = [];
  const lines = rows.map((rawRow, i) => {
    const row = CodingRow.safeParse(rawRow);
    if (!row.success) {
      problems.push(...rawProblems(row.error, rawRow).map((p) => `${rowLabel(rawRow, i)}: ${p}`));
      return undefined;
    }
    const r = row.data;
    return {
      // rowIndex is nullable (S1); the row's place on the document stands in for it.
      rowIndex: r.rowIndex ?? i + 1,
      accountCode: present(r.accountCode),
      costCenterCode: present(r.costCenterCode),
      dimensions: dimensionsOf(r),
      netAmount: r.netTotal ?? undefined,
      taxAmount: rowTax(r),
      taxCode: present(r.taxCode),
      taxPercent: r.taxPercent ?? undefined,
      orderNumber: present(r.orderNumber),
      orderLineNumber: present(r.orderLineNumber),
      goodsReceiptNumber: present(r.goodsReceiptNumber),
      quantity: r.matchedQuantity ?? undefined,
    };
  });
  if (problems.length > 0) return invalid(doc.invoiceId, raw, problems);

  const candidate = {
    documentId: doc.invoiceId,
    companyCode: present(doc.companyCode),
    supplierCode: present(doc.supplierCode),
    supplierName: present(doc.supplierName),
    invoiceNumber: present(doc.invoiceNumber),
    invoiceDate: isoDate(doc.invoiceDate),
    dueDate: isoDate(doc.dueDate),
    // Basware's voucherDate picks the accounting period (S1); without one the invoice date is the posting date.
    accountingDate: isoDate(doc.voucherDate) ?? isoDate(doc.invoiceDate),
    currency: present(doc.currencyCode),
    netTotal: doc.netSum ?? undefined,
    taxTotal: headerTax(doc),
    grossTotal: doc.grossSum ?? undefined,
    paymentTerms: present(doc.paymentTermCode),
    paymentMethod: present(doc.paymentMethod),
    paymentBlock: doc.paymentBlock ?? false,
    referenceNumber: present(doc.referenceNumber),
    orderNumbers: (doc.orderNumbers ?? []).filter((n): n is string => typeof n === 'string' && n.trim() !== ''),
    lines,
  };
  const invoice = ApInvoice.safeParse(candidate);
  if (!invoice.success) {
    const fields = { ...HEADER_FIELD, accountingDate: present(doc.voucherDate) ? 'voucherDate' : 'invoiceDate' };
    return invalid(doc.invoiceId, raw, canonicalProblems(invoice.error, candidate, rows, fields));
  }
  return { key: doc.invoiceId, record: invoice.data, raw };
}
