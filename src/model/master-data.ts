/**
 * Canonical master data: what every ERP connector produces and every AP connector consumes.
 * Amounts are numbers in the document currency; dates are ISO `YYYY-MM-DD` strings.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const Address = z.object({
  street: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  region: z.string().optional(),
  countryCode: z.string().length(2).optional(),
});
export type Address = z.infer<typeof Address>;

export const Supplier = z.object({
  /** The ERP's supplier number (M3 SUNO). */
  code: z.string().min(1),
  name: z.string().min(1),
  active: z.boolean(),
  countryCode: z.string().optional(),
  currency: z.string().optional(),
  paymentTerms: z.string().optional(),
  paymentMethod: z.string().optional(),
  taxId: z.string().optional(),
  /** Supplier that receives payment when it is not this one (M3 PRSU / payee). */
  payeeCode: z.string().optional(),
  address: Address.optional(),
});
export type Supplier = z.infer<typeof Supplier>;

export const PurchaseOrderLine = z.object({
  /** Line number as the ERP shows it; with `subLine` when the ERP splits lines (M3 PNLI/PNLS). */
  lineNumber: z.string().min(1),
  subLine: z.string().optional(),
  itemCode: z.string().optional(),
  description: z.string().optional(),
  quantity: z.number(),
  unit: z.string().optional(),
  unitPrice: z.number(),
  netAmount: z.number(),
  receivedQuantity: z.number().optional(),
  invoicedQuantity: z.number().optional(),
  taxCode: z.string().optional(),
  deliveryDate: isoDate.optional(),
  /** ERP status code of the line, as text. */
  status: z.string().optional(),
});
export type PurchaseOrderLine = z.infer<typeof PurchaseOrderLine>;

export const PurchaseOrder = z.object({
  /** PO number (M3 PUNO). */
  number: z.string().min(1),
  supplierCode: z.string().min(1),
  orderDate: isoDate.optional(),
  currency: z.string().min(3).max(3),
  buyer: z.string().optional(),
  netTotal: z.number().optional(),
  lines: z.array(PurchaseOrderLine),
});
export type PurchaseOrder = z.infer<typeof PurchaseOrder>;

export const GlAccount = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  active: z.boolean(),
});
export type GlAccount = z.infer<typeof GlAccount>;

/** A coding dimension value: cost center, project, department... `dimension` names which. */
export const DimensionValue = z.object({
  dimension: z.string().min(1),
  code: z.string().min(1),
  name: z.string().min(1),
  active: z.boolean(),
});
export type DimensionValue = z.infer<typeof DimensionValue>;
