/**
 * The Basware side of invoice posting (apis/basware.md §4.5): approved documents out, acknowledgements
 * and transfer/payment responses in. None of the three POSTs is repeated blind (§7): after an ambiguous
 * failure the document is re-read, and what it already carries decides whether the step is done.
 */
import { BusinessRejection, HttpError, OutcomeUnknownError, ResponseShapeError } from '../../errors.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import type { ApInvoice } from '../../model/invoice.js';
import type { ApDocuments, DocumentState, PaymentResponse, SourceItem, TransferResponse } from '../types.js';
import type { BaswareConfig } from './config.js';
import { DOCUMENT_STATUS as S } from './document-entities.js';
import { mapDocument } from './document-mapping.js';
import { ResponseEntityList } from './entities.js';
import { readRedirected } from './redirected-read.js';
import type { RedirectedReadOptions } from './redirected-read.js';
import { paymentResponseBody, transferResponseBody } from './response-bodies.js';

const SYSTEM = 'basware';
const DOCUMENTS_PATH = '/v1/accountingDocuments';
/** The largest page Basware serves (§4.5). */
const PAGE_SIZE = 100;
const NOT_FOUND = 404;
const NOT_ALLOWED = 405;
const CONFLICT = 409;
const BAD_REQUEST = 400;
const REQUEST_ID_HEADER = 'x-amzn-requestid';
/** Error codes of a 400/409 to a response POST that may mean "already there" (§4.5, M8). */
const CONFLICT_IN_POST = 'CONFLICT_IN_POST';
const DATA_VALIDATION_FAILED = 'DATA_VALIDATION_FAILED';

/** Statuses that prove an acknowledge landed (it moves WaitingForTransfer → TransferInProgress and on). */
const ACKNOWLEDGED_STATUSES: ReadonlySet<string> = new Set([S.TRANSFER_IN_PROGRESS, S.TRANSFERRED, S.TRANSFER_FAILED, S.PAID]);
/** Statuses in which a successful transfer is already recorded. */
const TRANSFERRED_STATUSES: ReadonlySet<string> = new Set([S.TRANSFERRED, S.PAID]);

export interface BaswareDocumentsOptions {
  http: HttpClient;
  config: Pick<BaswareConfig, 'companyCode' | 'sourceSystem'>;
  /** Extra headers per API request (the correlation id). */
  headers?: () => Record<string, string>;
  now: () => Date;
}

/** A re-read document: its state, and the raw fields a payment response must carry forward. */
interface Reread {
  state: DocumentState;
  raw: Record<string, unknown>;
}

function codesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((r) => {
    const code = r !== null && typeof r === 'object' ? (r as Record<string, unknown>).externalCode : undefined;
    return typeof code === 'string' ? [code] : [];
  });
}

/** Basware's first error of a 400/409 body: its code and message. */
function firstError(body: unknown): { code?: string; message?: string } {
  const parsed = ResponseEntityList.safeParse(body);
  const e = parsed.success ? parsed.data.errors?.[0] : undefined;
  return { ...(e?.code ? { code: e.code } : {}), ...(e?.message ? { message: e.message.trim() } : {}) };
}

function requestIdOf(res: HttpResponse<unknown>): string | undefined {
  return res.headers[REQUEST_ID_HEADER] || undefined;
}

export function createBaswareDocuments(opts: BaswareDocumentsOptions): ApDocuments {
  const { http, config } = opts;
  const headers = () => opts.headers?.() ?? {};
  const reads: RedirectedReadOptions = { http, headers };
  const documentPath = (id: string) => `${DOCUMENTS_PATH}/${encodeURIComponent(id)}`;

  function httpError(res: HttpResponse<unknown>, method: string, message: string): HttpError {
    const requestId = requestIdOf(res);
    return new HttpError(
      message,
      {
        method,
        url: res.url,
        status: res.status,
        durationMs: res.durationMs,
        ...(res.text ? { responseBody: res.text.slice(0, 500) } : {}),
        ...(requestId ? { requestId } : {}),
      },
      { system: SYSTEM },
    );
  }

  function unknownDocument(id: string, what: string, res?: HttpResponse<unknown>): HttpError {
    const message =
      `Basware has no accounting document ${id} (HTTP 404 to ${what}). It may have been removed in Basware P2P, or the API ` +
      `client belongs to another tenant or region; look the document up in P2P before posting it again.`;
    return res
      ? httpError(res, 'POST', message)
      : new HttpError(message, { method: 'GET', url: `${DOCUMENTS_PATH}/${id}`, status: NOT_FOUND }, { system: SYSTEM });
  }

  async function* readApproved(): AsyncGenerator<SourceItem<ApInvoice>> {
    // The same query on every page: the continuation token is only valid with it (§3.3).
    const query = { ProcessingStatus: S.WAITING_FOR_TRANSFER, pageSize: PAGE_SIZE, companyCode: config.companyCode };
    let token: string | undefined;
    for (let page = 1; ; page++) {
      // A continuation that answers 404 is the end of the list too (§3.3).
      const result = await readRedirected(reads, DOCUMENTS_PATH, query, token, `accountingDocuments page ${page}`);
      if (!result) return;
      for (const [i, doc] of result.documents.entries()) yield mapDocument(doc, i);
      // A short page with a token is not the end (§9 item 28): only a missing token is.
      if (!result.token) return;
      if (result.token === token) {
        throw new ResponseShapeError(
          `Basware returned the same continuation token twice (page ${page} of WaitingForTransfer documents); reading stopped so it ` +
            `does not loop. The documents read so far are handled; the rest are read next run.`,
          { system: SYSTEM },
        );
      }
      token = result.token;
    }
  }

  async function reread(id: string): Promise<Reread | undefined> {
    const page = await readRedirected(reads, documentPath(id), undefined, undefined, `accountingDocument ${id}`);
    if (!page) return undefined;
    const isObject = (d: unknown): d is Record<string, unknown> => d !== null && typeof d === 'object' && !Array.isArray(d);
    const docs = page.documents.filter(isObject);
    const raw = docs.find((d) => d.invoiceId === id) ?? (docs.length === 1 ? docs[0] : undefined);
    if (!raw || typeof raw.processingStatus !== 'string') {
      throw new ResponseShapeError(
        `Basware's answer for accounting document ${id} holds no document with a processingStatus, so its state is unknown; ` +
          `nothing was sent for it.`,
        { system: SYSTEM },
      );
    }
    const state: DocumentState = {
      documentId: id,
      status: raw.processingStatus,
      transferResponseCodes: codesOf(raw.transferResponses),
      paymentResponseCodes: codesOf(raw.paymentResponses),
      item: mapDocument(raw),
    };
    return { state, raw };
  }

  async function mustReread(id: string, what: string): Promise<Reread> {
    const found = await reread(id);
    if (!found) throw unknownDocument(id, what);
    return found;
  }

  /** Re-read after a POST whose outcome is unknown; if even that fails, the outcome stays unknown. */
  async function rereadAfter(id: string, what: string, err: OutcomeUnknownError): Promise<Reread> {
    let found: Reread | undefined;
    try {
      found = await reread(id);
    } catch (readErr) {
      throw new OutcomeUnknownError(
        `${err.message} Re-reading document ${id} to find out failed too: ${readErr instanceof Error ? readErr.message : String(readErr)}`,
        err.summary,
        { system: SYSTEM, cause: readErr },
      );
    }
    if (!found) throw unknownDocument(id, what);
    return found;
  }

  async function getDocument(id: string): Promise<DocumentState | undefined> {
    return (await reread(id))?.state;
  }

  function notAcknowledgeable(id: string, status: string): BusinessRejection {
    return new BusinessRejection(
      `Basware accounting document ${id} is ${status}, not ${S.WAITING_FOR_TRANSFER}, so it cannot be acknowledged; ` +
        `it was probably removed, returned or handled in Basware P2P. Check it there.`,
      { system: SYSTEM },
    );
  }

  async function acknowledge(id: string, mayRepeat = true): Promise<'acknowledged' | 'already'> {
    const what = `acknowledge ${id}`;
    let res: HttpResponse<unknown>;
    try {
      res = await http.request<unknown>({
        method: 'POST',
        url: `${documentPath(id)}/acknowledge`,
        // No body, but Basware wants the JSON content type (§4.5).
        headers: { ...headers(), 'content-type': 'application/json' },
        idempotent: false,
        okStatuses: [NOT_FOUND, NOT_ALLOWED],
        label: what,
      });
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw err;
      const { state } = await rereadAfter(id, what, err);
      if (ACKNOWLEDGED_STATUSES.has(state.status)) return 'already';
      // Still waiting: the first acknowledge did not land, so one more is not a duplicate.
      if (state.status === S.WAITING_FOR_TRANSFER) {
        if (mayRepeat) return acknowledge(id, false);
        throw err;
      }
      throw notAcknowledgeable(id, state.status);
    }
    if (res.status === NOT_FOUND) throw unknownDocument(id, what, res);
    if (res.status === NOT_ALLOWED) {
      const { state } = await mustReread(id, what);
      if (ACKNOWLEDGED_STATUSES.has(state.status)) return 'already';
      if (state.status === S.WAITING_FOR_TRANSFER) {
        throw httpError(
          res,
          'POST',
          `Basware refused to acknowledge document ${id} (HTTP 405) although it is still ${S.WAITING_FOR_TRANSFER}: ` +
            `${firstError(res.body).message ?? 'no message'}. It is tried again next run.`,
        );
      }
      throw notAcknowledgeable(id, state.status);
    }
    return 'acknowledged';
  }

  function transferDone(state: DocumentState, r: TransferResponse): boolean {
    return state.transferResponseCodes.includes(r.externalCode) || (r.success && TRANSFERRED_STATUSES.has(state.status));
  }

  async function sendTransferResponse(id: string, r: TransferResponse): Promise<'sent' | 'already'> {
    const what = `transfer response for ${id}`;
    const before = await mustReread(id, what);
    if (transferDone(before.state, r)) return 'already';
    if (!r.success && TRANSFERRED_STATUSES.has(before.state.status)) {
      throw new BusinessRejection(
        `Basware accounting document ${id} is already ${before.state.status}; a failed transfer response is not allowed on it. ` +
          `Check in Basware P2P and in the ERP how it was transferred.`,
        { system: SYSTEM },
      );
    }
    let res: HttpResponse<unknown>;
    try {
      res = await http.request<unknown>({
        method: 'POST',
        url: `${documentPath(id)}/transferResponses`,
        json: transferResponseBody(r, config.sourceSystem, opts.now()),
        headers: headers(),
        idempotent: false,
        okStatuses: [BAD_REQUEST, NOT_FOUND, CONFLICT],
        label: what,
      });
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw err;
      const after = await rereadAfter(id, what, err);
      if (transferDone(after.state, r)) return 'already';
      // Not visible yet is not proof it did not land: the next attempt re-reads before sending.
      throw err;
    }
    if (res.status < 300) return 'sent';
    if (res.status === NOT_FOUND) throw unknownDocument(id, what, res);
    const error = firstError(res.body);
    if (res.status === CONFLICT || error.code === CONFLICT_IN_POST || error.code === DATA_VALIDATION_FAILED) {
      const after = await mustReread(id, what);
      if (transferDone(after.state, r)) return 'already';
      // Basware says this externalCode is already on the invoice (it lists only the latest 100 responses, §4.5).
      if (res.status === CONFLICT || error.code === CONFLICT_IN_POST) return 'already';
    }
    throw new BusinessRejection(
      `Basware refused the transfer response for document ${id} (HTTP ${res.status}${error.code ? ` ${error.code}` : ''}): ` +
        `${error.message ?? 'no message'}${requestIdOf(res) ? ` [request id ${requestIdOf(res)}]` : ''}`,
      { system: SYSTEM },
    );
  }

  async function sendPaymentResponse(id: string, r: PaymentResponse): Promise<'sent' | 'already'> {
    const what = `payment response for ${id}`;
    const before = await mustReread(id, what);
    if (before.state.paymentResponseCodes.includes(r.externalCode)) return 'already';
    let res: HttpResponse<unknown>;
    try {
      res = await http.request<unknown>({
        method: 'POST',
        url: `${documentPath(id)}/paymentResponses`,
        json: paymentResponseBody(r, config.sourceSystem, before.raw),
        headers: headers(),
        idempotent: false,
        okStatuses: [BAD_REQUEST, NOT_FOUND, CONFLICT],
        label: what,
      });
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw err;
      const after = await rereadAfter(id, what, err);
      if (after.state.paymentResponseCodes.includes(r.externalCode)) return 'already';
      throw err;
    }
    if (res.status < 300) return 'sent';
    if (res.status === NOT_FOUND) throw unknownDocument(id, what, res);
    // 409: this externalCode is already on the invoice (§4.5).
    if (res.status === CONFLICT) return 'already';
    const error = firstError(res.body);
    const after = await mustReread(id, what);
    if (after.state.paymentResponseCodes.includes(r.externalCode)) return 'already';
    throw new BusinessRejection(
      `Basware refused the payment response for document ${id} (HTTP ${res.status}${error.code ? ` ${error.code}` : ''}): ` +
        `${error.message ?? 'no message'}${requestIdOf(res) ? ` [request id ${requestIdOf(res)}]` : ''}`,
      { system: SYSTEM },
    );
  }

  return {
    readApproved,
    getDocument,
    acknowledge: (id) => acknowledge(id),
    sendTransferResponse,
    sendPaymentResponse,
  };
}
