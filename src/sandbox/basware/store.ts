/**
 * What the simulator holds: master data by externalCode (lists per listKey), request statuses by
 * requestId, and accounting documents by invoiceId. Tests read it directly through `simulator.store`.
 */

export type JsonRecord = Record<string, unknown>;

/** Statuses of a request and of its P2P system entry (apis/basware.md §4.4). */
export type RequestState = 'InProgress' | 'Success' | 'Error' | 'AcknowledgedSuccess' | 'AcknowledgedError';
export type ItemState = 'InProgress' | 'NotProcessed' | 'Warning' | 'Success' | 'Error' | 'RecordExpired' | 'Unpublished';

export interface ItemError {
  type: 'Error' | 'Warning' | 'RecordExpired';
  message: string;
  category: 'Unknown' | 'Technical' | 'DataValidation';
}

export interface ProcessedItem {
  externalCode: string | null;
  parentExternalCode: string | null;
  status: ItemState;
  errors: ItemError[];
}

/** One `ConsumerLogEventUserView` of the OpenAPI file, field names verbatim. */
export interface RequestStatusRecord {
  requestId: string;
  entityType: string;
  entityVersion: string;
  requestStatus: RequestState;
  changedBy: string;
  operationType: 'POST' | 'PATCH';
  genericListKey: string | null;
  lastUpdated: string;
  systems: Array<{
    system: string;
    module: string;
    systemStatus: RequestState;
    lastUpdated: string;
    items: ProcessedItem[];
  }>;
}

export interface BaswareSimStore {
  vendors: Map<string, JsonRecord>;
  accounts: Map<string, JsonRecord>;
  costCenters: Map<string, JsonRecord>;
  /** listKey → records of that list by externalCode. */
  lists: Map<string, Map<string, JsonRecord>>;
  matchingOrders: Map<string, JsonRecord>;
  matchingOrderLines: Map<string, JsonRecord>;
  requestStatuses: Map<string, RequestStatusRecord>;
  /** invoiceId → AccountingDocumentEntity. */
  accountingDocuments: Map<string, JsonRecord>;
}

export function createStore(): BaswareSimStore {
  return {
    vendors: new Map(),
    accounts: new Map(),
    costCenters: new Map(),
    lists: new Map(),
    matchingOrders: new Map(),
    matchingOrderLines: new Map(),
    requestStatuses: new Map(),
    accountingDocuments: new Map(),
  };
}

/** Empty every collection in place, so references handed to tests stay valid. */
export function clearStore(store: BaswareSimStore): void {
  for (const value of Object.values(store)) (value as Map<unknown, unknown>).clear();
}

/** The lastUpdated a changed record gets: `candidate`, but always later than the previous value (§9 item 15). */
export function nextLastUpdated(previous: unknown, candidate: string): string {
  if (typeof previous !== 'string' || previous < candidate) return candidate;
  return new Date(Date.parse(previous) + 1).toISOString();
}

/** Read-only view handed to tests (`simulator.store`). */
export interface BaswareSimStoreView {
  readonly vendors: ReadonlyMap<string, JsonRecord>;
  readonly accounts: ReadonlyMap<string, JsonRecord>;
  readonly costCenters: ReadonlyMap<string, JsonRecord>;
  readonly lists: ReadonlyMap<string, ReadonlyMap<string, JsonRecord>>;
  readonly matchingOrders: ReadonlyMap<string, JsonRecord>;
  readonly matchingOrderLines: ReadonlyMap<string, JsonRecord>;
  readonly requestStatuses: ReadonlyMap<string, RequestStatusRecord>;
  readonly accountingDocuments: ReadonlyMap<string, JsonRecord>;
}
