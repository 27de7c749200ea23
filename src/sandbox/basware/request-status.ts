/**
 * Request status (apis/basware.md §4.4): the record created at phase 1 with everything InProgress, its
 * completion in phase 2 (aggregate = Error if any item is Error, else InProgress if any is InProgress,
 * else Success), and the three endpoints that read and acknowledge it.
 */
import type { SimServer } from '../kit/server.js';
import { apiRoute, readJsonBody } from './api-route.js';
import { parseListQuery, queryValue, takePage } from './paging.js';
import {
  CONTINUATION_RESPONSE_HEADER,
  isResponse,
  methodNotAllowed,
  notFound,
  ok,
  okJsonString,
  parameterError,
  singleError,
} from './responses.js';
import type { SimState } from './state.js';
import type { ItemState, ProcessedItem, RequestState, RequestStatusRecord } from './store.js';

const P2P_SYSTEM = 'P2P';
const P2P_MODULE = 'IA';
const PAGE_SIZE = { max: 500, default: 500 };
const REQUEST_STATES: readonly RequestState[] = ['InProgress', 'Success', 'Error', 'AcknowledgedSuccess', 'AcknowledgedError'];
/** Item states that `ignoreSuccessfulItems` hides. */
const SUCCESSFUL_ITEMS: readonly ItemState[] = ['Success', 'NotProcessed'];
/** Answer body of a successful acknowledge (a JSON string, S1; the wording is the simulator's). */
const ACKNOWLEDGED = 'Acknowledged';

export interface NewRequestStatus {
  requestId: string;
  entityType: string;
  entityVersion: string;
  changedBy: string;
  operationType: 'POST' | 'PATCH';
  genericListKey?: string | null;
  items: Array<{ externalCode: string | null; parentExternalCode: string | null }>;
}

/** Phase 1: store the status record with the request and every item InProgress. */
export function createRequestStatus(state: SimState, input: NewRequestStatus): RequestStatusRecord {
  const now = state.nowIso();
  const record: RequestStatusRecord = {
    requestId: input.requestId,
    entityType: input.entityType,
    entityVersion: input.entityVersion,
    requestStatus: 'InProgress',
    changedBy: input.changedBy,
    operationType: input.operationType,
    genericListKey: input.genericListKey ?? null,
    lastUpdated: now,
    systems: [
      {
        system: P2P_SYSTEM,
        module: P2P_MODULE,
        systemStatus: 'InProgress',
        lastUpdated: now,
        items: input.items.map((i) => ({ ...i, status: 'InProgress', errors: [] })),
      },
    ],
  };
  state.store.requestStatuses.set(record.requestId, record);
  return record;
}

export function aggregateStatus(items: readonly ProcessedItem[]): RequestState {
  if (items.some((i) => i.status === 'Error')) return 'Error';
  if (items.some((i) => i.status === 'InProgress')) return 'InProgress';
  return 'Success';
}

/** Phase 2: record the item outcomes and the aggregate. */
export function completeRequestStatus(state: SimState, record: RequestStatusRecord, items: ProcessedItem[]): void {
  const now = state.nowIso();
  const status = aggregateStatus(items);
  record.requestStatus = status;
  record.lastUpdated = now;
  for (const system of record.systems) {
    system.items = items;
    system.systemStatus = status;
    system.lastUpdated = now;
  }
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/** The answer copy: systems filtered by `system`, successful items dropped on request. */
function view(record: RequestStatusRecord, system: string | undefined, ignoreSuccessful: boolean): RequestStatusRecord {
  return {
    ...record,
    systems: record.systems
      .filter((s) => !system || s.system.toLowerCase() === system.toLowerCase())
      .map((s) => ({ ...s, items: ignoreSuccessful ? s.items.filter((i) => !SUCCESSFUL_ITEMS.includes(i.status)) : s.items })),
  };
}

export function registerRequestStatusRoutes(server: SimServer, state: SimState): void {
  server.route(
    'POST',
    '/v1/requestStatus/acknowledge',
    apiRoute(state, 'requestStatus.write', (req, { requestId }) => {
      const body = readJsonBody(req, requestId, 'ProcessingStatusGetBatchRequest');
      if (isResponse(body)) return body;
      const ids = (body.value as { requestIds?: unknown } | null)?.requestIds;
      if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
        return singleError(400, requestId, 'VALIDATION', 'SCHEMA_VALIDATION_ERROR', 'requestIds must be a non-empty array of request ids.', null, 'ProcessingStatusGetBatchRequest');
      }
      // All-or-nothing: check every id before changing any.
      const records: RequestStatusRecord[] = [];
      for (const id of ids as string[]) {
        const record = state.store.requestStatuses.get(id);
        if (!record) return notFound(requestId);
        if (record.requestStatus === 'AcknowledgedSuccess' || record.requestStatus === 'AcknowledgedError') {
          return methodNotAllowed(requestId, `Request ${id} is already acknowledged.`, id);
        }
        if (record.requestStatus === 'InProgress') {
          return singleError(400, requestId, 'BUSINESS', 'DATA_VALIDATION_FAILED', `Request ${id} is still InProgress; acknowledge it once it is Success or Error.`, id);
        }
        records.push(record);
      }
      const now = state.nowIso();
      for (const record of records) {
        const acked: RequestState = record.requestStatus === 'Error' ? 'AcknowledgedError' : 'AcknowledgedSuccess';
        record.requestStatus = acked;
        record.lastUpdated = now;
        for (const system of record.systems) {
          system.systemStatus = acked;
          system.lastUpdated = now;
        }
      }
      return okJsonString(requestId, ACKNOWLEDGED);
    }),
  );

  server.route(
    'GET',
    '/v1/requestStatus/:id',
    apiRoute(state, 'requestStatus.read', (req, { requestId }) => {
      const record = state.store.requestStatuses.get(req.params.id ?? '');
      if (!record) return notFound(requestId);
      return ok(requestId, {
        requestStatus: [view(record, queryValue(req, 'system'), isTrue(queryValue(req, 'ignoreSuccessfulItems')))],
      });
    }),
  );

  server.route(
    'GET',
    '/v1/requestStatus',
    apiRoute(state, 'requestStatus.read', (req, { requestId }) => {
      const query = parseListQuery(req, requestId, PAGE_SIZE, state.continuation, state.nowMs());
      if (isResponse(query)) return query;
      const entityType = queryValue(req, 'entityType');
      const system = queryValue(req, 'system');
      let status = queryValue(req, 'status');
      if (status !== undefined && !REQUEST_STATES.includes(status as RequestState)) {
        return parameterError(requestId, `status must be one of ${REQUEST_STATES.join(', ')}; got '${status}'.`);
      }
      // S1: "Defaults to status 'Error' if search is not narrowed-down by entityType or system."
      if (status === undefined && !entityType && !system) status = 'Error';
      // The spec spells this parameter with a double l on the list path only (§4.4).
      const ignoreSuccessful = isTrue(queryValue(req, 'ignoreSuccessfullItems'));
      const matching = [...state.store.requestStatuses.values()].filter(
        (r) =>
          (status === undefined || r.requestStatus === status) &&
          (!entityType || r.entityType === entityType) &&
          (!system || r.systems.some((s) => s.system.toLowerCase() === system.toLowerCase())),
      );
      const page = takePage(matching, (r) => ({ lastUpdated: r.lastUpdated, id: r.requestId }), query, state.config.maxDocsPerPage, state.continuation, state.nowMs());
      if (page.items.length === 0) return notFound(requestId);
      return ok(
        requestId,
        { requestStatus: page.items.map((r) => view(r, system, ignoreSuccessful)) },
        page.token ? { [CONTINUATION_RESPONSE_HEADER]: page.token } : {},
      );
    }),
  );
}
