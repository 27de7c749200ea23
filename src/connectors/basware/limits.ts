/**
 * Basware's own limits on the fields mlsync sends (required, min/max length, numbers), taken from
 * basware-p2p-openapi.json. Checked before sending so one bad record is held with a reason instead of
 * making Basware refuse the whole all-or-nothing POST (apis/basware.md §3.2).
 */
import type { AccountEntity, CostCenterEntity, OrderEntity, OrderLineEntity, VendorEntity } from './entities.js';

export interface FieldRule {
  /** Dotted path; `[]` walks every element of an array (`companies[].companyCode`). */
  path: string;
  /** How the operator knows the field. */
  label: string;
  /** Required whenever its parent object is present. */
  required?: boolean;
  min?: number;
  max?: number;
  /** Must be a finite number; `positive` also > 0. */
  number?: 'any' | 'positive';
}

export const VENDOR_RULES: readonly FieldRule[] = [
  { path: 'externalCode', label: 'vendor externalCode', required: true, min: 1, max: 36 },
  { path: 'vendorCode', label: 'vendor code', required: true, min: 1, max: 25 },
  { path: 'name', label: 'vendor name', required: true, min: 1, max: 250 },
  { path: 'sourceSystem', label: 'vendor sourceSystem', max: 36 },
  { path: 'identifiers[].id', label: 'vendor tax id', required: true, min: 1, max: 36 },
  { path: 'identifiers[].schemeId', label: 'vendor identifier schemeId', required: true, min: 1, max: 32 },
  { path: 'addresses[].externalCode', label: 'vendor address externalCode', required: true, min: 1, max: 36 },
  { path: 'addresses[].name', label: 'vendor address name', required: true, min: 1, max: 200 },
  { path: 'addresses[].streetName', label: 'vendor street', max: 50 },
  { path: 'addresses[].cityName', label: 'vendor city', max: 50 },
  { path: 'addresses[].postalZone', label: 'vendor postal code', max: 50 },
  { path: 'addresses[].countrySubEntity', label: 'vendor region', max: 50 },
  { path: 'addresses[].countryId', label: 'vendor country', min: 2, max: 2 },
  { path: 'paymentMeans[].paymentMeansCode', label: 'vendor payment method', required: true, min: 1, max: 25 },
  { path: 'paymentMeans[].currencyCode', label: 'vendor currency', min: 3, max: 3 },
  { path: 'paymentTerms.paymentTermCode', label: 'vendor payment term', required: true, min: 1, max: 25 },
  { path: 'companies[].companyCode', label: 'vendor companyCode', required: true, min: 1, max: 32 },
];

export const ACCOUNT_RULES: readonly FieldRule[] = [
  { path: 'externalCode', label: 'account externalCode', required: true, min: 1, max: 36 },
  { path: 'accountCode', label: 'account code', required: true, min: 1, max: 25 },
  { path: 'accountNames[].language', label: 'account name language', required: true, min: 2, max: 10 },
  { path: 'accountNames[].translation', label: 'account name', required: true, min: 2, max: 2000 },
  { path: 'companies[].companyCode', label: 'account companyCode', required: true, min: 1, max: 32 },
];

export const COST_CENTER_RULES: readonly FieldRule[] = [
  { path: 'externalCode', label: 'cost center externalCode', required: true, min: 1, max: 36 },
  { path: 'costCenterCode', label: 'cost center code', required: true, min: 1, max: 25 },
  { path: 'costCenterNames[].language', label: 'cost center name language', required: true, min: 2, max: 10 },
  { path: 'costCenterNames[].translation', label: 'cost center name', required: true, min: 2, max: 2000 },
  { path: 'companies[].companyCode', label: 'cost center companyCode', required: true, min: 1, max: 32 },
];

export const ORDER_RULES: readonly FieldRule[] = [
  { path: 'externalCode', label: 'order externalCode', required: true, min: 1, max: 36 },
  { path: 'orderNumber', label: 'order number', required: true, min: 1, max: 100 },
  { path: 'sourceSystem', label: 'order sourceSystem', required: true, min: 1, max: 36 },
  { path: 'companyCode', label: 'order companyCode', required: true, min: 1, max: 25 },
  { path: 'organizationElementCode', label: 'order organizationElementCode', required: true, min: 2, max: 25 },
  { path: 'currencyCode', label: 'order currency', required: true, min: 2, max: 3 },
  { path: 'supplierCode', label: 'order supplier code', required: true, min: 1, max: 25 },
];

export const ORDER_LINE_RULES: readonly FieldRule[] = [
  { path: 'externalCode', label: 'externalCode', required: true, min: 1, max: 36 },
  { path: 'orderExternalCode', label: 'orderExternalCode', required: true, min: 1, max: 36 },
  { path: 'lineNumber', label: 'line number', required: true, min: 1, max: 100 },
  { path: 'quantity', label: 'quantity', required: true, number: 'positive' },
  { path: 'netSum', label: 'net amount', number: 'any' },
  { path: 'netPrice', label: 'unit price', number: 'any' },
  { path: 'currencyCode', label: 'currency', min: 2, max: 3 },
  { path: 'uom', label: 'unit', max: 25 },
  { path: 'productCode', label: 'item code', max: 250 },
  { path: 'description', label: 'description', max: 1000 },
  { path: 'taxCode', label: 'tax code', max: 25 },
  { path: 'invoicedQuantity', label: 'invoiced quantity', number: 'any' },
  { path: 'goodsReceipts[].externalCode', label: 'goods receipt externalCode', required: true, min: 1, max: 36 },
  { path: 'goodsReceipts[].goodsReceiptNumber', label: 'goods receipt number', required: true, min: 1, max: 100 },
  { path: 'goodsReceipts[].quantity', label: 'received quantity', required: true, number: 'any' },
  { path: 'goodsReceipts[].netSum', label: 'received net amount', number: 'any' },
  { path: 'goodsReceipts[].unitOfMeasure', label: 'goods receipt unit', max: 25 },
];

/** The values at a path, one per parent object that exists (absent parents make no entry). */
function resolve(root: unknown, path: string): unknown[] {
  let frontier: unknown[] = [root];
  const parts = path.split('.');
  const last = parts.pop() as string;
  for (const part of parts) {
    const array = part.endsWith('[]');
    const key = array ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const node of frontier) {
      if (!node || typeof node !== 'object') continue;
      const v = (node as Record<string, unknown>)[key];
      if (v === undefined || v === null) continue;
      if (array) {
        if (Array.isArray(v)) next.push(...v);
      } else {
        next.push(v);
      }
    }
    frontier = next;
  }
  return frontier
    .filter((node) => node && typeof node === 'object')
    .map((node) => (node as Record<string, unknown>)[last]);
}

function plural(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

/** The first limit the entity breaks, in words for the operator; undefined when it is fine. */
export function checkFields(entity: object, rules: readonly FieldRule[]): string | undefined {
  for (const rule of rules) {
    for (const value of resolve(entity, rule.path)) {
      if (value === undefined || value === null || value === '') {
        if (rule.required) return `${rule.label} is missing; Basware requires it`;
        continue;
      }
      if (rule.number) {
        if (typeof value !== 'number' || !Number.isFinite(value)) return `${rule.label} ${String(value)} is not a number`;
        if (rule.number === 'positive' && !(value > 0)) return `${rule.label} is ${value}; Basware requires more than 0`;
        continue;
      }
      const text = String(value);
      if (rule.max !== undefined && text.length > rule.max) {
        return `${rule.label} is ${plural(text.length)}; Basware allows ${rule.max}`;
      }
      if (rule.min !== undefined && text.length < rule.min) {
        return `${rule.label} "${text}" is ${plural(text.length)}; Basware needs at least ${rule.min}`;
      }
    }
  }
  return undefined;
}

export const checkVendor = (v: VendorEntity) => checkFields(v, VENDOR_RULES);
export const checkAccount = (a: AccountEntity) => checkFields(a, ACCOUNT_RULES);
export const checkCostCenter = (c: CostCenterEntity) => checkFields(c, COST_CENTER_RULES);
export const checkOrder = (o: OrderEntity) => checkFields(o, ORDER_RULES);
export const checkOrderLine = (l: OrderLineEntity) => {
  const reason = checkFields(l, ORDER_LINE_RULES);
  return reason === undefined ? undefined : `line ${l.lineNumber || '?'}: ${reason}`;
};
