/**
 * Master-data imports and reads (apis/basware.md §3.1–§3.3, §4.1–§4.4): the phase-1 checks of an import
 * POST (limits, schema, duplicates; all-or-nothing), its phase-2 processing (business checks,
 * NotProcessed, RecordExpired, full overwrite), and the list and single GETs.
 */
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse, SimServer } from '../kit/server.js';
import { apiRoute, readJsonBody } from './api-route.js';
import type { ApiContext } from './api-route.js';
import {
  collectionName,
  collectionOf,
  listCellProblems,
  listColumns,
  MASTER_DATA_KINDS,
} from './master-data-kinds.js';
import type { MasterDataKind } from './master-data-kinds.js';
import type { Phase2Job } from './phase2-queue.js';
import { parseListQuery, queryValue, takePage } from './paging.js';
import { sameContent, withoutNulls } from './record-compare.js';
import { completeRequestStatus, createRequestStatus } from './request-status.js';
import {
  CONTINUATION_RESPONSE_HEADER,
  errorList,
  isResponse,
  notFound,
  ok,
  parameterError,
} from './responses.js';
import type { ErrorEntity } from './responses.js';
import type { SimState } from './state.js';
import { nextLastUpdated } from './store.js';
import type { ItemError, JsonRecord, ProcessedItem } from './store.js';
import { validateRecord } from './schema-validator.js';

const WRONG_COMPANY = 'Record skipped due to wrong or missing CompanyCode';

function dataValidation(message: string): ItemError {
  return { type: 'Error', message, category: 'DataValidation' };
}

function externalCodeOf(record: unknown): string | null {
  const code = (record as JsonRecord | null)?.externalCode;
  return typeof code === 'string' ? code : null;
}

// ---------------------------------------------------------------- phase 2

/** Phase-2 item errors (§4.4): unknown company or payment term, missing vendor or order, a taken business code. */
function businessErrors(state: SimState, kind: MasterDataKind, record: JsonRecord, collection: Map<string, JsonRecord>): ItemError[] {
  const errors: ItemError[] = [];
  const companies = kind.companyCodes(record);
  if (companies !== undefined && (companies.length === 0 || companies.some((c) => !state.config.companies.includes(c)))) {
    errors.push(dataValidation(WRONG_COMPANY));
  }
  if (kind.api === 'vendors') {
    const term = (record.paymentTerms as JsonRecord | undefined)?.paymentTermCode;
    if (typeof term === 'string' && !state.config.paymentTerms.includes(term)) {
      errors.push(dataValidation(`Record skipped due to unknown PaymentTermCode '${term}'; the payment term must exist in P2P first`));
    }
  }
  if (kind.api === 'matchingOrders') {
    const supplier = record.supplierCode;
    const known = [...state.store.vendors.values()].some((v) => v.vendorCode === supplier);
    if (!known) errors.push(dataValidation(`Record skipped: supplierCode '${String(supplier)}' is not an existing vendor; post the vendor first`));
  }
  if (kind.api === 'matchingOrderLines') {
    const order = String(record.orderExternalCode);
    if (!state.store.matchingOrders.has(order)) {
      errors.push(dataValidation(`Record skipped: orderExternalCode '${order}' is not an existing matching order; post the order header first`));
    }
  }
  if (kind.codeField && companies) {
    const code = record[kind.codeField];
    for (const other of collection.values()) {
      if (other.externalCode === record.externalCode || other[kind.codeField] !== code) continue;
      const shared = companies.find((c) => kind.companyCodes(other)?.includes(c));
      if (shared !== undefined) {
        errors.push(dataValidation(`${kind.codeField} '${String(code)}' is already used by externalCode '${String(other.externalCode)}' in company ${shared}`));
        break;
      }
    }
  }
  return errors;
}

function processRecord(
  state: SimState,
  kind: MasterDataKind,
  record: JsonRecord,
  collection: Map<string, JsonRecord>,
  acceptedAt: string,
  expired: boolean,
): ProcessedItem {
  const externalCode = String(record.externalCode);
  const item: ProcessedItem = { externalCode, parentExternalCode: kind.parentExternalCode(record), status: 'Success', errors: [] };
  if (expired) {
    return { ...item, status: 'RecordExpired', errors: [{ type: 'RecordExpired', message: 'A newer version of this record was posted before this one was processed', category: 'Unknown' }] };
  }
  const errors = businessErrors(state, kind, record, collection);
  if (errors.length > 0) return { ...item, status: 'Error', errors };
  const existing = collection.get(externalCode);
  if (existing && sameContent(existing, record, kind.generatedFields)) return { ...item, status: 'NotProcessed' };
  // A POST fully overwrites: omitted optional fields are gone (§3.1).
  const stored = withoutNulls(record) as JsonRecord;
  for (const field of kind.generatedFields) stored[field] = existing?.[field] ?? randomUUID();
  stored.lastUpdated = nextLastUpdated(existing?.lastUpdated, acceptedAt);
  collection.set(externalCode, stored);
  return item;
}

// ---------------------------------------------------------------- phase 1

function schemaError(externalCode: string | null, message: string, info: string): ErrorEntity {
  return { externalCode, type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message, info };
}

/** Phase-1 rules beyond the OpenAPI schema: list columns per listKey (§4.1) and line quantity > 0 (§4.2). */
function extraProblems(kind: MasterDataKind, record: JsonRecord, listKey: string | undefined): string[] {
  if (listKey !== undefined) {
    const columns = listColumns(listKey);
    return columns ? listCellProblems(record, listKey, columns) : [];
  }
  if (kind.api === 'matchingOrderLines' && typeof record.quantity === 'number' && record.quantity <= 0) {
    return ['The field quantity must be greater than 0.'];
  }
  return [];
}

async function importRecords(state: SimState, kind: MasterDataKind, req: SimRequest, ctx: ApiContext): Promise<SimResponse> {
  const { requestId } = ctx;
  const listKey = kind.api === 'lists' ? req.params.listKey ?? '' : undefined;
  if (listKey !== undefined && !listColumns(listKey)) {
    return parameterError(requestId, `Unknown listKey '${listKey}'; use ACC_LIST_1…35, INV_LIST_1…20 or CUST_RESOLVER_1…5.`);
  }
  const body = readJsonBody(req, requestId, kind.schemaName);
  if (isResponse(body)) return body;
  const records = body.value;
  if (!Array.isArray(records) || records.length === 0) {
    return errorList(400, requestId, [schemaError(null, `The request body must be a non-empty JSON array of ${kind.schemaName}.`, kind.schemaName)]);
  }
  if (records.length > kind.maxRecords) {
    return errorList(400, requestId, [schemaError(null, `Maximum ${kind.maxRecords} records per request`, kind.schemaName)]);
  }

  const errors: ErrorEntity[] = [];
  const accepted: JsonRecord[] = [];
  for (const raw of records) {
    const result = validateRecord(raw, kind.schemaName);
    const problems = [...result.problems];
    if (result.problems.length === 0) problems.push(...extraProblems(kind, raw as JsonRecord, listKey));
    if (problems.length > 0) errors.push(schemaError(externalCodeOf(raw), problems.join(' '), kind.schemaName));
    else accepted.push(result.value as JsonRecord);
  }
  if (errors.length > 0) return errorList(400, requestId, errors);

  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of accepted) {
    const code = String(r.externalCode);
    if (seen.has(code)) duplicates.add(code);
    seen.add(code);
  }
  if (duplicates.size > 0) {
    return errorList(
      409,
      requestId,
      [...duplicates].map((code) => ({
        externalCode: code,
        type: 'VALIDATION' as const,
        code: 'CONFLICT_IN_POST' as const,
        message: `externalCode '${code}' appears more than once in the request; send each record once.`,
        info: kind.schemaName,
      })),
    );
  }

  const acceptedAt = state.nowIso();
  const echo: JsonRecord[] = accepted.map((r) => ({ ...r, lastUpdated: acceptedAt }));
  const status = createRequestStatus(state, {
    requestId,
    entityType: kind.entityType,
    entityVersion: kind.entityVersion,
    changedBy: ctx.principal.clientId,
    operationType: 'POST',
    genericListKey: listKey ?? null,
    items: echo.map((r) => ({ externalCode: String(r.externalCode), parentExternalCode: kind.parentExternalCode(r) })),
  });
  const job: Phase2Job = {
    requestId,
    collection: collectionName(kind, listKey),
    externalCodes: seen,
    expired: new Set<string>(),
    run: () => {
      const collection = collectionOf(state.store, kind, listKey, true)!;
      const items = echo.map((r) => processRecord(state, kind, r, collection, acceptedAt, job.expired.has(String(r.externalCode))));
      completeRequestStatus(state, status, items);
    },
  };
  state.queue.enqueue(job);
  return ok(requestId, echo);
}

// ---------------------------------------------------------------- reads

function listRecords(state: SimState, kind: MasterDataKind, req: SimRequest, requestId: string): SimResponse {
  const listKey = kind.api === 'lists' ? req.params.listKey ?? '' : undefined;
  if (listKey !== undefined && !listColumns(listKey)) return parameterError(requestId, `Unknown listKey '${listKey}'.`);
  const orderExternalCode = queryValue(req, 'orderExternalCode');
  if (kind.api === 'matchingOrderLines' && !orderExternalCode) {
    return parameterError(requestId, 'orderExternalCode is required: GET /v1/matchingOrderLines?orderExternalCode=<order externalCode>.');
  }
  const query = parseListQuery(req, requestId, kind.pageSize, state.continuation, state.nowMs());
  if (isResponse(query)) return query;
  const companyCode = kind.api === 'matchingOrderLines' ? undefined : queryValue(req, 'companyCode');
  const records = [...(collectionOf(state.store, kind, listKey)?.values() ?? [])].filter(
    (r) =>
      (!companyCode || (kind.companyCodes(r) ?? []).includes(companyCode)) &&
      (!orderExternalCode || r.orderExternalCode === orderExternalCode),
  );
  const page = takePage(
    records,
    (r) => ({ lastUpdated: String(r.lastUpdated), id: String(r.externalCode) }),
    query,
    state.config.maxDocsPerPage,
    state.continuation,
    state.nowMs(),
  );
  if (page.items.length === 0) return notFound(requestId);
  return ok(requestId, { [kind.wrapper]: page.items }, page.token ? { [CONTINUATION_RESPONSE_HEADER]: page.token } : {});
}

function getRecord(state: SimState, kind: MasterDataKind, req: SimRequest, requestId: string): SimResponse {
  const listKey = kind.api === 'lists' ? req.params.listKey ?? '' : undefined;
  const record = collectionOf(state.store, kind, listKey)?.get(req.params.externalCode ?? '');
  return record ? ok(requestId, record) : notFound(requestId);
}

export function registerMasterDataRoutes(server: SimServer, state: SimState): void {
  for (const kind of Object.values(MASTER_DATA_KINDS)) {
    const base = kind.api === 'lists' ? '/v1/lists/:listKey' : `/v1/${kind.api}`;
    const read = `${kind.api}.read`;
    const write = `${kind.api}.write`;
    server.route('POST', base, apiRoute(state, write, (req, ctx) => importRecords(state, kind, req, ctx)));
    server.route('GET', base, apiRoute(state, read, (req, ctx) => listRecords(state, kind, req, ctx.requestId)));
    server.route('GET', `${base}/:externalCode`, apiRoute(state, read, (req, ctx) => getRecord(state, kind, req, ctx.requestId)));
  }
}
