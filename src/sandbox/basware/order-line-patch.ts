/**
 * `PATCH /v1/matchingOrderLines/{externalCode}` (apis/basware.md §4.2): partial update used to add goods
 * receipts. Null means "not sent"; goodsReceipts merge by GR externalCode (new appended, known replaced,
 * others kept). A per-line lock of `patchLockMs` makes a concurrent PATCH answer 503 (MODELED trigger).
 */
import type { SimRequest, SimResponse, SimServer } from '../kit/server.js';
import { apiRoute, readJsonBody } from './api-route.js';
import type { ApiContext } from './api-route.js';
import type { Phase2Job } from './phase2-queue.js';
import { sameContent, withoutNulls } from './record-compare.js';
import { completeRequestStatus, createRequestStatus } from './request-status.js';
import { errorList, isResponse, notFound, ok, serviceUnavailable, singleError } from './responses.js';
import { validateRecord } from './schema-validator.js';
import type { SimState } from './state.js';
import { nextLastUpdated } from './store.js';
import type { JsonRecord } from './store.js';

const SCHEMA = 'OrderLineEntity';

function mergeGoodsReceipts(current: unknown, incoming: unknown[]): JsonRecord[] {
  const merged = Array.isArray(current) ? [...(current as JsonRecord[])] : [];
  for (const gr of incoming) {
    const receipt = withoutNulls(gr) as JsonRecord;
    const at = merged.findIndex((m) => m.externalCode === receipt.externalCode);
    if (at >= 0) merged[at] = receipt;
    else merged.push(receipt);
  }
  return merged;
}

function merge(line: JsonRecord, patch: JsonRecord): JsonRecord {
  const merged: JsonRecord = { ...line };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined || key === 'lastUpdated') continue;
    merged[key] = key === 'goodsReceipts' ? mergeGoodsReceipts(line.goodsReceipts, value as unknown[]) : withoutNulls(value);
  }
  return merged;
}

function patchLine(state: SimState, req: SimRequest, ctx: ApiContext): SimResponse {
  const { requestId } = ctx;
  const externalCode = req.params.externalCode ?? '';
  const line = state.store.matchingOrderLines.get(externalCode);
  if (!line) return notFound(requestId);

  const body = readJsonBody(req, requestId, SCHEMA);
  if (isResponse(body)) return body;
  const result = validateRecord(body.value, SCHEMA, { partial: true });
  if (result.problems.length > 0) {
    return errorList(400, requestId, [
      { externalCode, type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: result.problems.join(' '), info: SCHEMA },
    ]);
  }
  const patch = result.value as JsonRecord;
  if (patch.externalCode != null && patch.externalCode !== externalCode) {
    return singleError(400, requestId, 'VALIDATION', 'EXTERNAL_CODE_MISMATCH', `The body's externalCode '${String(patch.externalCode)}' differs from the one in the path '${externalCode}'.`, externalCode, SCHEMA);
  }

  const now = state.nowMs();
  const lockedUntil = state.patchLocks.get(externalCode);
  if (lockedUntil !== undefined && lockedUntil > now) {
    return serviceUnavailable(requestId, `Order line ${externalCode} is being updated by another request; retry after a few seconds.`, externalCode);
  }
  state.patchLocks.set(externalCode, now + state.config.patchLockMs);

  const merged = merge(line, patch);
  const changed = !sameContent(line, merged, []);
  if (changed) {
    merged.lastUpdated = nextLastUpdated(line.lastUpdated, state.nowIso());
    state.store.matchingOrderLines.set(externalCode, merged);
  }
  const status = createRequestStatus(state, {
    requestId,
    entityType: 'MatchingOrderLine',
    entityVersion: 'MatchingOrderLineV1',
    changedBy: ctx.principal.clientId,
    operationType: 'PATCH',
    items: [{ externalCode, parentExternalCode: typeof merged.orderExternalCode === 'string' ? merged.orderExternalCode : null }],
  });
  const job: Phase2Job = {
    requestId,
    collection: null,
    externalCodes: new Set([externalCode]),
    expired: new Set(),
    run: () => completeRequestStatus(state, status, status.systems[0]!.items.map((i) => ({ ...i, status: changed ? 'Success' : 'NotProcessed' }))),
  };
  state.queue.enqueue(job);
  return ok(requestId, changed ? merged : line);
}

export function registerOrderLinePatchRoute(server: SimServer, state: SimState): void {
  server.route('PATCH', '/v1/matchingOrderLines/:externalCode', apiRoute(state, 'matchingOrderLines.write', (req, ctx) => patchLine(state, req, ctx)));
}
