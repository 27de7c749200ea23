/**
 * List reads (apis/basware.md §3.3, MODELED keyset paging): records sorted by (lastUpdated, key)
 * ascending; a continuation token remembers the last sort key returned and a hash of the query, and is
 * valid for 15 minutes. It is read from the request header only: sent as a query parameter it is ignored
 * and page 1 comes back (S5). The next page is evaluated when requested, so records that leave the
 * filter in between are simply absent.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/server.js';
import { CONTINUATION_REQUEST_HEADER, parameterError } from './responses.js';
import { normalizeDateTime } from './schema-validator.js';

const TOKEN_VALIDITY_MS = 15 * 60_000;

export interface SortKey {
  lastUpdated: string;
  id: string;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.lastUpdated !== b.lastUpdated) return a.lastUpdated < b.lastUpdated ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Query parameter by name, case-insensitively, as ASP.NET binds them (§4.5). */
export function queryValue(req: SimRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of req.query) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Hash of path + query parameters (names case-insensitive, order irrelevant), ignoring a token sent as a parameter. */
export function queryHash(req: SimRequest): string {
  const pairs = [...req.query]
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .filter(([k]) => k !== CONTINUATION_REQUEST_HEADER && k !== 'continuationtoken')
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return createHash('sha256').update(`${req.path}?${pairs.join('&')}`).digest('hex');
}

interface TokenState {
  after: SortKey;
  queryHash: string;
  expiresAtMs: number;
}

export class ContinuationTokens {
  private readonly tokens = new Map<string, TokenState>();

  issue(after: SortKey, hash: string, nowMs: number): string {
    for (const [token, state] of this.tokens) if (state.expiresAtMs <= nowMs) this.tokens.delete(token);
    const token = randomUUID();
    this.tokens.set(token, { after, queryHash: hash, expiresAtMs: nowMs + TOKEN_VALIDITY_MS });
    return token;
  }

  resolve(token: string, hash: string, nowMs: number): { ok: true; after: SortKey } | { ok: false; message: string } {
    const state = this.tokens.get(token);
    if (!state) return { ok: false, message: 'The continuation token is not valid.' };
    if (state.expiresAtMs <= nowMs) return { ok: false, message: 'The continuation token has expired; start again from the first page.' };
    if (state.queryHash !== hash) {
      return { ok: false, message: 'The continuation token was issued for different query parameters; repeat the first request\'s parameters.' };
    }
    return { ok: true, after: state.after };
  }

  clear(): void {
    this.tokens.clear();
  }
}

export interface PageSizeRange {
  max: number;
  default: number;
}

export interface ListQuery {
  pageSize: number;
  /** Only records with lastUpdated strictly after this (normalized ISO). */
  lastUpdatedAfter: string | undefined;
  /** Continue after this sort key (from a continuation token). */
  after: SortKey | undefined;
  hash: string;
}

/** Parse pageSize, lastUpdated and the continuation header; a SimResponse is the 400 to send. */
export function parseListQuery(
  req: SimRequest,
  requestId: string,
  range: PageSizeRange,
  tokens: ContinuationTokens,
  nowMs: number,
): ListQuery | SimResponse {
  const rawSize = queryValue(req, 'pageSize');
  let pageSize = range.default;
  if (rawSize !== undefined) {
    const n = /^\d+$/.test(rawSize.trim()) ? Number(rawSize) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > range.max) {
      return parameterError(requestId, `pageSize must be an integer between 1 and ${range.max}; got '${rawSize}'.`);
    }
    pageSize = n;
  }
  const rawLastUpdated = queryValue(req, 'lastUpdated');
  let lastUpdatedAfter: string | undefined;
  if (rawLastUpdated !== undefined && rawLastUpdated !== '') {
    lastUpdatedAfter = normalizeDateTime(rawLastUpdated);
    if (!lastUpdatedAfter) {
      return parameterError(requestId, `lastUpdated must be an ISO 8601 date-time such as 2024-03-18T00:00:00Z; got '${rawLastUpdated}'.`);
    }
  }
  const hash = queryHash(req);
  const headerToken = req.headers[CONTINUATION_REQUEST_HEADER];
  const token = Array.isArray(headerToken) ? headerToken[0] : headerToken;
  let after: SortKey | undefined;
  if (token) {
    const resolved = tokens.resolve(token, hash, nowMs);
    if (!resolved.ok) return parameterError(requestId, resolved.message);
    after = resolved.after;
  }
  return { pageSize, lastUpdatedAfter, after, hash };
}

export interface Page<T> {
  items: T[];
  /** Token for the next page, when more records follow. */
  token: string | undefined;
}

/**
 * One page of `records` (any order; sorted here) under `query`. `maxDocsPerPage` caps the page below
 * pageSize while still handing out a token, which is how short pages are forced (§3.3).
 */
export function takePage<T>(
  records: Iterable<T>,
  keyOf: (record: T) => SortKey,
  query: ListQuery,
  maxDocsPerPage: number | null,
  tokens: ContinuationTokens,
  nowMs: number,
): Page<T> {
  const keyed: Array<{ key: SortKey; record: T }> = [];
  for (const record of records) {
    const key = keyOf(record);
    if (query.lastUpdatedAfter !== undefined && !(key.lastUpdated > query.lastUpdatedAfter)) continue;
    if (query.after && compareKeys(key, query.after) <= 0) continue;
    keyed.push({ key, record });
  }
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  const size = Math.min(query.pageSize, maxDocsPerPage ?? Number.POSITIVE_INFINITY);
  const page = keyed.slice(0, size);
  const last = page[page.length - 1];
  const token = keyed.length > size && last ? tokens.issue(last.key, query.hash, nowMs) : undefined;
  return { items: page.map((p) => p.record), token };
}
