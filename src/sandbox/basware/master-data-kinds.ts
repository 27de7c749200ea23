/**
 * The six master-data imports as data (apis/basware.md §4.1–§4.3): schema, batch limit, requestStatus
 * entityType, list wrapper, pageSize range, where company and business codes live, and the column ranges
 * of the generic lists.
 */
import type { PageSizeRange } from './paging.js';
import type { BaswareSimStore, JsonRecord } from './store.js';

export type MasterDataApi = 'vendors' | 'accounts' | 'costCenters' | 'lists' | 'matchingOrders' | 'matchingOrderLines';

export interface MasterDataKind {
  /** Path segment after /v1 and the scope prefix. */
  api: MasterDataApi;
  schemaName: string;
  entityType: string;
  entityVersion: string;
  maxRecords: number;
  /** Property wrapping the array in list GET answers. */
  wrapper: string;
  pageSize: PageSizeRange;
  /** Company codes a record belongs to; undefined when the record carries none (lists may omit companies). */
  companyCodes(record: JsonRecord): string[] | undefined;
  /** Business code unique within a company (§3.1). */
  codeField?: string;
  /** Fields Basware fills in itself. */
  generatedFields: readonly string[];
  parentExternalCode(record: JsonRecord): string | null;
}

function fromCompanies(record: JsonRecord): string[] | undefined {
  const companies = record.companies;
  if (!Array.isArray(companies)) return undefined;
  return companies.map((c) => String((c as JsonRecord | null)?.companyCode ?? ''));
}

const noParent = (): null => null;

export const MASTER_DATA_KINDS: Record<MasterDataApi, MasterDataKind> = {
  vendors: {
    api: 'vendors',
    schemaName: 'VendorEntity',
    entityType: 'Vendor',
    entityVersion: 'VendorV1',
    maxRecords: 200,
    wrapper: 'vendorEntities',
    pageSize: { max: 500, default: 100 },
    companyCodes: (r) => fromCompanies(r) ?? [],
    codeField: 'vendorCode',
    generatedFields: ['buvid'],
    parentExternalCode: noParent,
  },
  accounts: {
    api: 'accounts',
    schemaName: 'AccountEntity',
    entityType: 'Account',
    entityVersion: 'AccountV1',
    maxRecords: 500,
    wrapper: 'accounts',
    pageSize: { max: 500, default: 500 },
    companyCodes: (r) => fromCompanies(r) ?? [],
    codeField: 'accountCode',
    generatedFields: [],
    parentExternalCode: noParent,
  },
  costCenters: {
    api: 'costCenters',
    schemaName: 'CostCenterEntity',
    entityType: 'CostCenter',
    entityVersion: 'CostCenterV1',
    maxRecords: 500,
    wrapper: 'costCenters',
    pageSize: { max: 500, default: 500 },
    companyCodes: (r) => fromCompanies(r) ?? [],
    codeField: 'costCenterCode',
    generatedFields: [],
    parentExternalCode: noParent,
  },
  lists: {
    api: 'lists',
    schemaName: 'GenericListEntity',
    entityType: 'GenericList',
    entityVersion: 'GenericListV1',
    maxRecords: 500,
    wrapper: 'listItems',
    pageSize: { max: 500, default: 500 },
    companyCodes: fromCompanies,
    generatedFields: [],
    parentExternalCode: noParent,
  },
  matchingOrders: {
    api: 'matchingOrders',
    schemaName: 'OrderEntity',
    entityType: 'MatchingOrder',
    entityVersion: 'MatchingOrderV1',
    maxRecords: 500,
    wrapper: 'matchingOrders',
    pageSize: { max: 500, default: 500 },
    companyCodes: (r) => [String(r.companyCode ?? '')],
    generatedFields: [],
    parentExternalCode: noParent,
  },
  matchingOrderLines: {
    api: 'matchingOrderLines',
    schemaName: 'OrderLineEntity',
    entityType: 'MatchingOrderLine',
    entityVersion: 'MatchingOrderLineV1',
    maxRecords: 100,
    wrapper: 'matchingOrderLines',
    pageSize: { max: 100, default: 100 },
    companyCodes: () => undefined,
    generatedFields: [],
    parentExternalCode: (r) => (typeof r.orderExternalCode === 'string' ? r.orderExternalCode : null),
  },
};

/** The stored records of a kind (for lists: of one listKey, created on first use when `create`). */
export function collectionOf(
  store: BaswareSimStore,
  kind: MasterDataKind,
  listKey: string | undefined,
  create = false,
): Map<string, JsonRecord> | undefined {
  if (kind.api !== 'lists') return store[kind.api];
  const key = listKey ?? '';
  let list = store.lists.get(key);
  if (!list && create) {
    list = new Map();
    store.lists.set(key, list);
  }
  return list;
}

/** Name of the collection for RecordExpired bookkeeping. */
export function collectionName(kind: MasterDataKind, listKey: string | undefined): string {
  return kind.api === 'lists' ? `lists/${listKey ?? ''}` : kind.api;
}

// ---- Generic lists: columns per listKey range (§4.1, S1 POST /v1/lists description). ----

export interface ListColumns {
  text: number;
  textMaxLength: number;
  number: number;
  date: number;
}

const LIST_RANGES: Array<{ prefix: string; from: number; to: number; columns: ListColumns }> = [
  { prefix: 'ACC_LIST_', from: 1, to: 10, columns: { text: 5, textMaxLength: 250, number: 3, date: 0 } },
  { prefix: 'ACC_LIST_', from: 11, to: 20, columns: { text: 5, textMaxLength: 50, number: 3, date: 0 } },
  { prefix: 'ACC_LIST_', from: 21, to: 30, columns: { text: 10, textMaxLength: 250, number: 5, date: 5 } },
  { prefix: 'ACC_LIST_', from: 31, to: 35, columns: { text: 25, textMaxLength: 250, number: 10, date: 10 } },
  { prefix: 'INV_LIST_', from: 1, to: 10, columns: { text: 5, textMaxLength: 250, number: 0, date: 0 } },
  { prefix: 'INV_LIST_', from: 11, to: 20, columns: { text: 10, textMaxLength: 250, number: 5, date: 5 } },
  { prefix: 'CUST_RESOLVER_', from: 1, to: 5, columns: { text: 15, textMaxLength: 250, number: 15, date: 15 } },
];

export function listColumns(listKey: string): ListColumns | undefined {
  for (const range of LIST_RANGES) {
    if (!listKey.startsWith(range.prefix)) continue;
    const digits = listKey.slice(range.prefix.length);
    if (!/^[1-9]\d*$/.test(digits)) continue;
    const n = Number(digits);
    if (n >= range.from && n <= range.to) return range.columns;
  }
  return undefined;
}

const CELL = /^(text|number|dateValue)_(\d+)$/;

/** Cells outside the list's columns, and texts over its length (§4.1: 400 from the simulator, MODELED). */
export function listCellProblems(record: JsonRecord, listKey: string, columns: ListColumns): string[] {
  const problems: string[] = [];
  const available = `text_1–text_${columns.text}` +
    (columns.number ? `, number_1–number_${columns.number}` : '') +
    (columns.date ? `, dateValue_1–dateValue_${columns.date}` : '');
  for (const [key, value] of Object.entries(record)) {
    const m = CELL.exec(key);
    if (!m || value === null || value === undefined) continue;
    const n = Number(m[2]);
    const limit = m[1] === 'text' ? columns.text : m[1] === 'number' ? columns.number : columns.date;
    if (n > limit) {
      problems.push(`The column ${key} is not available in ${listKey} (available: ${available}).`);
    } else if (m[1] === 'text' && typeof value === 'string' && value.length > columns.textMaxLength) {
      problems.push(`The field ${key} must be a string with a maximum length of ${columns.textMaxLength} in ${listKey}.`);
    }
  }
  return problems;
}
