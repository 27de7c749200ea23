/**
 * Basware's redirected GETs (apis/basware.md §3.3): the API answers 302 with a pre-signed Location, and
 * the JSON is fetched from there by hand WITHOUT Authorization (a pre-signed URL refuses a second auth
 * mechanism). 404 at the API means no records. A pre-signed URL that has expired (403) is not retried:
 * the read restarts from the API GET, which signs a fresh one. The list's continuation token comes on
 * the final 200, or on the 302 when the tenant puts it there (M5).
 */
import { HttpError, ResponseShapeError } from '../../errors.js';
import type { HttpClient, HttpResponse, QueryValue } from '../../http/types.js';
import { AccountingDocumentPage } from './document-entities.js';

export const CONTINUATION_HEADER = 'x-amz-meta-continuationtoken';
const REQUEST_ID_HEADER = 'x-amzn-requestid';
const FOUND = 302;
const NOT_FOUND = 404;
const PRESIGNED_EXPIRED = 403;
/** Fresh pre-signed URLs fetched after the first one expired, before the read gives up. */
export const PRESIGNED_RESTARTS = 2;

export interface RedirectedReadOptions {
  http: HttpClient;
  /** Extra headers for API requests (the correlation id); never sent to the pre-signed URL. */
  headers?: () => Record<string, string>;
}

export interface DocumentPage {
  documents: unknown[];
  /** Continuation token for the next page; undefined on the last one. */
  token: string | undefined;
}

function tokenOf(res: HttpResponse<unknown>): string | undefined {
  const t = res.headers[CONTINUATION_HEADER];
  return t === undefined || t.trim() === '' ? undefined : t;
}

function requestIdNote(res: HttpResponse<unknown>): string {
  const id = res.headers[REQUEST_ID_HEADER];
  return id ? ` [request id ${id}]` : '';
}

/** The wrapped documents of a 200, or an error naming the call. */
function documentsOf(res: HttpResponse<unknown>, label: string): unknown[] {
  const parsed = AccountingDocumentPage.safeParse(res.body);
  if (!parsed.success) {
    throw new ResponseShapeError(
      `Basware answered ${label} with a body that is not {"accountingDocuments":[…]} (HTTP ${res.status}); ` +
        `the page cannot be read. If a proxy sits in front of Basware, check that it passes the redirect through.`,
      { system: 'basware' },
    );
  }
  return parsed.data.accountingDocuments ?? [];
}

/**
 * One page (or the single document) of `GET path`: undefined when Basware has nothing (404), else the
 * wrapped documents and the continuation token. `token` continues a list: it is sent as a header with
 * the same query (a query-parameter token is ignored, §3.3).
 */
export async function readRedirected(
  opts: RedirectedReadOptions,
  path: string,
  query: Record<string, QueryValue> | undefined,
  token: string | undefined,
  label: string,
): Promise<DocumentPage | undefined> {
  for (let restarts = 0; ; restarts++) {
    const api = await opts.http.request<unknown>({
      method: 'GET',
      url: path,
      ...(query ? { query } : {}),
      headers: { ...(opts.headers?.() ?? {}), ...(token ? { [CONTINUATION_HEADER]: token } : {}) },
      idempotent: true,
      okStatuses: [FOUND, NOT_FOUND],
      label,
    });
    if (api.status === NOT_FOUND) return undefined;
    // A 200 straight from the API (no redirect) is read as it is.
    if (api.status !== FOUND) return { documents: documentsOf(api, label), token: tokenOf(api) };

    const location = api.headers.location;
    if (!location) {
      throw new ResponseShapeError(`Basware answered ${label} with 302 but no Location header${requestIdNote(api)}.`, { system: 'basware' });
    }
    const target = new URL(location, api.url).toString();
    const object = await opts.http.request<unknown>({
      method: 'GET',
      url: target,
      // The pre-signed URL is its own credential; a bearer token beside it is refused (§3.3).
      auth: false,
      idempotent: true,
      okStatuses: [PRESIGNED_EXPIRED],
      label: `${label} (pre-signed download)`,
    });
    if (object.status === PRESIGNED_EXPIRED) {
      if (restarts < PRESIGNED_RESTARTS) continue;
      throw new HttpError(
        `Basware's pre-signed download for ${label} was refused with HTTP 403 ${restarts + 1} times in a row, each time on a freshly ` +
          `signed URL (${object.text.replace(/\s+/g, ' ').slice(0, 120)}). Check that this machine's clock is right and that no proxy ` +
          `rewrites the pre-signed URL.`,
        { method: 'GET', url: `${label} (pre-signed URL)`, status: PRESIGNED_EXPIRED, durationMs: object.durationMs },
        { system: 'basware', retryable: true },
      );
    }
    return { documents: documentsOf(object, label), token: tokenOf(object) ?? tokenOf(api) };
  }
}
