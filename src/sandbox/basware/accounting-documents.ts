/**
 * Export of accounting documents (apis/basware.md §3.3, §4.5): list and single GET answer 302 to a
 * pre-signed `/_s3/...` URL holding the wrapped JSON; acknowledge, transferResponses and paymentResponses
 * drive the MODELED status transitions and each accepted one creates a requestStatus entry.
 */
import type { SimRequest, SimResponse, SimServer } from '../kit/server.js';
import { apiRoute, readJsonBody } from './api-route.js';
import type { ApiContext } from './api-route.js';
import { parseListQuery, queryValue, takePage } from './paging.js';
import type { Phase2Job } from './phase2-queue.js';
import { withoutNulls } from './record-compare.js';
import { matchingSubscriptions } from './subscriptions.js';
import { completeRequestStatus, createRequestStatus } from './request-status.js';
import {
  CONTINUATION_RESPONSE_HEADER,
  errorList,
  isResponse,
  methodNotAllowed,
  notFound,
  ok,
  okJsonString,
  singleError,
} from './responses.js';
import { validateRecord } from './schema-validator.js';
import type { SimState } from './state.js';
import type { JsonRecord } from './store.js';

const DOCUMENT_SCHEMA = 'AccountingDocumentEntity';
const PAGE_SIZE = { max: 100, default: 100 };
/** Only the latest responses of each kind are kept per invoice (S1). */
const MAX_RESPONSES_PER_INVOICE = 100;
const ACKNOWLEDGED = 'Acknowledged';

const WAITING = 'WaitingForTransfer';
const IN_PROGRESS = 'TransferInProgress';
const TRANSFERRED = 'Transferred';
const FAILED = 'TransferFailed';
const PAID = 'Paid';
const TRANSFER_ALLOWED_FROM = [WAITING, IN_PROGRESS, FAILED];
const PAYMENT_ALLOWED_FROM = [TRANSFERRED, PAID];

/** Store documents given by the harness (§8 `POST /_sim/accountingDocuments`); throws naming the bad ones. */
export function addAccountingDocuments(state: SimState, docs: unknown): void {
  if (!Array.isArray(docs)) throw new Error('accountingDocuments must be an array of AccountingDocumentEntity');
  const now = state.nowIso();
  const prepared: JsonRecord[] = [];
  const problems: string[] = [];
  for (const raw of docs) {
    const doc: JsonRecord = {
      processingStatus: WAITING,
      p2pProcessingMode: 'Standard',
      paymentBlock: false,
      transferResponses: [],
      paymentResponses: [],
      ...(raw as JsonRecord),
      lastUpdated: now,
    };
    const result = validateRecord(doc, DOCUMENT_SCHEMA);
    if (result.problems.length > 0) problems.push(`${String(doc.invoiceId ?? '(no invoiceId)')}: ${result.problems.join(' ')}`);
    else prepared.push(result.value as JsonRecord);
  }
  if (problems.length > 0) throw new Error(`invalid accounting documents: ${problems.join(' | ')}`);
  for (const doc of prepared) {
    const invoiceId = String(doc.invoiceId);
    const previousStatus = state.store.accountingDocuments.get(invoiceId)?.processingStatus;
    state.store.accountingDocuments.set(invoiceId, doc);
    // Only a document *entering* WaitingForTransfer notifies (§6, §9 item 40); a re-post while waiting does not.
    if (doc.processingStatus === WAITING && previousStatus !== WAITING) notifyEntered(state, invoiceId, WAITING);
  }
}

const DOCUMENT_TASK_TYPE = 'AccountingDocuments';

/** One push-notification task per matching subscription, delivered in the background (§6). */
function notifyEntered(state: SimState, invoiceId: string, status: string): void {
  const targets = matchingSubscriptions(state, DOCUMENT_TASK_TYPE, status);
  if (targets.length > 0) state.notifications.createTasks(DOCUMENT_TASK_TYPE, status, invoiceId, targets);
}

/** 302 to a pre-signed copy of `body`; the continuation token goes where `continuationTokenOn` says (§3.3, M5). */
function redirectTo(state: SimState, body: unknown, token: string | undefined): SimResponse {
  const placement = state.config.continuationTokenOn;
  const onFinal: Record<string, string> = token && placement !== 'redirect' ? { [CONTINUATION_RESPONSE_HEADER]: token } : {};
  const location = state.objects.put(
    JSON.stringify(body),
    onFinal,
    state.config.presignBaseUrl ?? state.baseUrl,
    state.nowMs(),
    state.config.presignTtlSeconds,
  );
  const headers: Record<string, string> = { Location: location };
  if (token && placement !== 'final') headers[CONTINUATION_RESPONSE_HEADER] = token;
  return { status: 302, headers, body: '' };
}

function listDocuments(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const query = parseListQuery(req, requestId, PAGE_SIZE, state.continuation, state.nowMs());
  if (isResponse(query)) return query;
  const status = queryValue(req, 'ProcessingStatus')?.toLowerCase();
  const companyCode = queryValue(req, 'companyCode');
  const mode = (queryValue(req, 'p2pProcessingMode') || 'Standard').toLowerCase();
  const docs = [...state.store.accountingDocuments.values()].filter(
    (d) =>
      (!status || String(d.processingStatus).toLowerCase() === status) &&
      (!companyCode || d.companyCode === companyCode) &&
      String(d.p2pProcessingMode ?? 'Standard').toLowerCase() === mode,
  );
  const page = takePage(docs, (d) => ({ lastUpdated: String(d.lastUpdated), id: String(d.invoiceId) }), query, state.config.maxDocsPerPage, state.continuation, state.nowMs());
  // No match: 404 directly, no redirect (§9 item 32).
  if (page.items.length === 0) return notFound(requestId);
  return redirectTo(state, { accountingDocuments: page.items }, page.token);
}

function getDocument(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const doc = state.store.accountingDocuments.get(req.params.invoiceId ?? '');
  if (!doc) return notFound(requestId);
  return redirectTo(state, { accountingDocuments: [doc] }, undefined);
}

function acknowledge(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const invoiceId = req.params.invoiceId ?? '';
  const doc = state.store.accountingDocuments.get(invoiceId);
  if (!doc) return notFound(requestId);
  if (doc.processingStatus !== WAITING) {
    const message = doc.processingStatus === IN_PROGRESS
      ? 'Invoice already acknowledged'
      : `Invoice is ${String(doc.processingStatus)}; only WaitingForTransfer invoices can be acknowledged`;
    return methodNotAllowed(requestId, message, invoiceId);
  }
  doc.processingStatus = IN_PROGRESS;
  doc.lastUpdated = state.nowIso();
  return okJsonString(requestId, ACKNOWLEDGED);
}

/** Every accepted response creates a requestStatus entry that completes in phase 2 (§4.5). */
function recordResponseStatus(state: SimState, ctx: ApiContext, entityType: string, externalCode: string, invoiceId: string): void {
  const status = createRequestStatus(state, {
    requestId: ctx.requestId,
    entityType,
    entityVersion: `${entityType}V1`,
    changedBy: ctx.principal.clientId,
    operationType: 'POST',
    items: [{ externalCode, parentExternalCode: invoiceId }],
  });
  const job: Phase2Job = {
    requestId: ctx.requestId,
    collection: null,
    externalCodes: new Set([externalCode]),
    expired: new Set(),
    run: () => completeRequestStatus(state, status, status.systems[0]!.items.map((i) => ({ ...i, status: 'Success' }))),
  };
  state.queue.enqueue(job);
}

/** Parse and validate a response body; the record or the 400 to send. */
function readResponseEntity(req: SimRequest, requestId: string, schema: string): JsonRecord | SimResponse {
  const body = readJsonBody(req, requestId, schema);
  if (isResponse(body)) return body;
  const result = validateRecord(body.value, schema);
  if (result.problems.length > 0) {
    const code = (body.value as JsonRecord | null)?.externalCode;
    return errorList(400, requestId, [
      { externalCode: typeof code === 'string' ? code : null, type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: result.problems.join(' '), info: schema },
    ]);
  }
  return result.value as JsonRecord;
}

function keepLatest(list: unknown, entry: JsonRecord): JsonRecord[] {
  const all = [...(Array.isArray(list) ? (list as JsonRecord[]) : []), entry];
  return all.slice(-MAX_RESPONSES_PER_INVOICE);
}

function transferResponse(state: SimState, req: SimRequest, ctx: ApiContext): SimResponse {
  const { requestId } = ctx;
  const invoiceId = req.params.invoiceId ?? '';
  const doc = state.store.accountingDocuments.get(invoiceId);
  if (!doc) return notFound(requestId);
  const response = readResponseEntity(req, requestId, 'TransferResponseEntity');
  if (isResponse(response)) return response;
  const externalCode = String(response.externalCode);
  if (!TRANSFER_ALLOWED_FROM.includes(String(doc.processingStatus))) {
    return singleError(400, requestId, 'BUSINESS', 'DATA_VALIDATION_FAILED', `Invoice ${invoiceId} is ${String(doc.processingStatus)}; a transferResponse is not allowed in that status.`, externalCode);
  }
  if ((doc.transferResponses as JsonRecord[] | undefined)?.some((r) => r.externalCode === externalCode)) {
    return singleError(400, requestId, 'BUSINESS', 'CONFLICT_IN_POST', `A transferResponse with externalCode '${externalCode}' already exists on invoice ${invoiceId}; use a new externalCode.`, externalCode);
  }
  const stored = withoutNulls(response) as JsonRecord;
  if (response.success === true) {
    // Voucher numbers and paymentBlock are saved only on success; the message always (S1).
    doc.processingStatus = TRANSFERRED;
    for (const field of ['voucherNumber1', 'voucherNumber2'] as const) if (stored[field] !== undefined) doc[field] = stored[field];
    doc.paymentBlock = response.paymentBlock;
  } else {
    doc.processingStatus = FAILED;
    delete stored.voucherNumber1;
    delete stored.voucherNumber2;
  }
  doc.transferResponses = keepLatest(doc.transferResponses, stored);
  doc.lastUpdated = state.nowIso();
  recordResponseStatus(state, ctx, 'TransferResponse', externalCode, invoiceId);
  return ok(requestId, response);
}

/** Today at 00:00 UTC on the simulator clock: the default paymentDate (S1). */
function today(state: SimState): string {
  return `${state.nowIso().slice(0, 10)}T00:00:00.000Z`;
}

function paymentResponse(state: SimState, req: SimRequest, ctx: ApiContext): SimResponse {
  const { requestId } = ctx;
  const invoiceId = req.params.invoiceId ?? '';
  const doc = state.store.accountingDocuments.get(invoiceId);
  if (!doc) return notFound(requestId);
  const response = readResponseEntity(req, requestId, 'PaymentResponseEntity');
  if (isResponse(response)) return response;
  const externalCode = String(response.externalCode);
  if ((doc.paymentResponses as JsonRecord[] | undefined)?.some((r) => r.externalCode === externalCode)) {
    return singleError(409, requestId, 'BUSINESS', 'CONFLICT_IN_POST', `A paymentResponse with externalCode '${externalCode}' already exists on invoice ${invoiceId}; use a new externalCode.`, externalCode);
  }
  if (!PAYMENT_ALLOWED_FROM.includes(String(doc.processingStatus))) {
    return singleError(400, requestId, 'BUSINESS', 'DATA_VALIDATION_FAILED', `Invoice ${invoiceId} is ${String(doc.processingStatus)}; a paymentResponse needs a Transferred invoice.`, externalCode);
  }
  // Fields not sent are cleared: the invoice carries what this response says, nothing older (S1).
  const stored = withoutNulls({ ...response, paymentDate: response.paymentDate ?? today(state) }) as JsonRecord;
  for (const field of ['paymentMethod', 'paymentTermCode', 'paymentMessage'] as const) {
    if (stored[field] !== undefined) doc[field] = stored[field];
    else delete doc[field];
  }
  doc.paymentBlock = stored.paymentBlock;
  const paid = Number(stored.paidTotal ?? 0) + Number(stored.cashDiscount ?? 0);
  if (stored.success === true && typeof doc.grossSum === 'number' && paid >= doc.grossSum) doc.processingStatus = PAID;
  doc.paymentResponses = keepLatest(doc.paymentResponses, stored);
  doc.lastUpdated = state.nowIso();
  recordResponseStatus(state, ctx, 'PaymentResponse', externalCode, invoiceId);
  return ok(requestId, stored);
}

export function registerAccountingDocumentRoutes(server: SimServer, state: SimState): void {
  const read = 'accountingDocuments.read';
  const write = 'accountingDocuments.write';
  server.route('GET', '/v1/accountingDocuments', apiRoute(state, read, (req, ctx) => listDocuments(state, req, ctx.requestId)));
  server.route('GET', '/v1/accountingDocuments/:invoiceId', apiRoute(state, read, (req, ctx) => getDocument(state, req, ctx.requestId)));
  server.route('POST', '/v1/accountingDocuments/:invoiceId/acknowledge', apiRoute(state, write, (req, ctx) => acknowledge(state, req, ctx.requestId)));
  server.route('POST', '/v1/accountingDocuments/:invoiceId/transferResponses', apiRoute(state, write, (req, ctx) => transferResponse(state, req, ctx)));
  server.route('POST', '/v1/accountingDocuments/:invoiceId/paymentResponses', apiRoute(state, write, (req, ctx) => paymentResponse(state, req, ctx)));
  server.route('GET', '/_s3/*key', (req) => state.objects.get(req, state.nowMs()));
}
