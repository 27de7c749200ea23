/**
 * Phase 1 of a Basware import (apis/basware.md §3.2, §4.1): POST arrays of records, each POST within
 * the record limit and 6 MB. Phase 1 is all-or-nothing, so on a 400 that names bad records those are
 * rejected with Basware's message and the rest is POSTed again. Every accepted POST yields a request
 * id (x-amzn-RequestId), the handle of phase 2.
 */
import type { HttpClient } from '../../http/types.js';
import { ResponseEntityList } from './entities.js';

/** Basware's phase-1 status codes that carry per-record errors (§3.4). */
const PER_RECORD_ERROR_STATUSES = [400, 409];
const TOO_LARGE = 413;
const REQUEST_ID_HEADER = 'x-amzn-requestid';

export interface ImportOptions {
  http: HttpClient;
  /** `/v1/vendors`, `/v1/matchingOrderLines` … */
  path: string;
  /** What one record is, for reasons: 'vendor', 'order line'. */
  what: string;
  maxRecords: number;
  maxBytes: number;
  /** Extra headers per request (the correlation id). */
  headers?: () => Record<string, string>;
}

export interface ImportResult {
  /** externalCode → request id of the POST that carried it. */
  accepted: Map<string, string>;
  /** externalCode → why Basware refused it in phase 1. */
  rejected: Map<string, string>;
  /** externalCode → why its fate is unknown: not sent (a failure after part of the records went out), or accepted without a request id. */
  unconfirmed: Map<string, string>;
  /** POSTs Basware answered (any status): 0 with an error means nothing got through at all. */
  answered: number;
  /** The error that stopped sending, when one did. */
  error?: unknown;
}

type Coded = { externalCode: string };

function bytesOf(records: unknown[]): number {
  return Buffer.byteLength(JSON.stringify(records), 'utf8');
}

/** Chunks of at most maxRecords records and maxBytes bytes, in order. */
export function chunkRecords<T>(records: T[], maxRecords: number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 2; // the brackets of the array
  for (const record of records) {
    const bytes = Buffer.byteLength(JSON.stringify(record), 'utf8');
    if (current.length > 0 && (current.length >= maxRecords || size + 1 + bytes > maxBytes)) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    size += (current.length > 0 ? 1 : 0) + bytes; // a comma between records
    current.push(record);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The last occurrence of each externalCode wins (a repeat in one POST is a 409 CONFLICT_IN_POST, §4.1). */
export function dedupeByExternalCode<T extends Coded>(records: T[]): T[] {
  const last = new Map<string, T>();
  for (const r of records) {
    last.delete(r.externalCode);
    last.set(r.externalCode, r);
  }
  return [...last.values()];
}

function errorsOf(body: unknown): Array<{ externalCode?: string; reason: string }> {
  const parsed = ResponseEntityList.safeParse(body);
  if (!parsed.success) return [];
  return (parsed.data.errors ?? []).map((e) => ({
    ...(e.externalCode ? { externalCode: e.externalCode } : {}),
    reason: `Basware ${e.code ?? e.type ?? 'error'}: ${(e.message ?? 'no message').trim()}`,
  }));
}

export async function importRecords<T extends Coded>(opts: ImportOptions, records: T[]): Promise<ImportResult> {
  const result: ImportResult = { accepted: new Map(), rejected: new Map(), unconfirmed: new Map(), answered: 0 };
  const queue = chunkRecords(dedupeByExternalCode(records), opts.maxRecords, opts.maxBytes);
  try {
    while (queue.length > 0) {
      await postChunk(opts, queue.shift() as T[], queue, result);
    }
  } catch (err) {
    result.error = err;
    const reason = `not sent: ${err instanceof Error ? err.message : String(err)}`;
    for (const chunk of queue) for (const r of chunk) result.unconfirmed.set(r.externalCode, reason);
  }
  return result;
}

/** POSTs one chunk until it is accepted or every record in it is refused; a 413 splits it. */
async function postChunk<T extends Coded>(opts: ImportOptions, chunk: T[], queue: T[][], result: ImportResult): Promise<void> {
  let remaining = chunk;
  try {
    while (remaining.length > 0) {
      const res = await opts.http.request<unknown>({
        method: 'POST',
        url: opts.path,
        json: remaining,
        // Import POSTs are upserts by externalCode: sending one twice cannot do harm (§7).
        idempotent: true,
        okStatuses: [...PER_RECORD_ERROR_STATUSES, TOO_LARGE],
        label: `POST ${opts.path} (${remaining.length} ${opts.what}${remaining.length === 1 ? '' : 's'})`,
        ...(opts.headers ? { headers: opts.headers() } : {}),
      });
      result.answered++;
      if (res.status >= 200 && res.status < 300) {
        const requestId = res.headers[REQUEST_ID_HEADER];
        for (const r of remaining) {
          if (requestId) result.accepted.set(r.externalCode, requestId);
          else result.unconfirmed.set(r.externalCode, `Basware accepted the ${opts.what} without a request id (${REQUEST_ID_HEADER}), so its processing cannot be checked; it is sent again next run`);
        }
        return;
      }
      if (res.status === TOO_LARGE) {
        if (remaining.length === 1) {
          const only = remaining[0] as T;
          result.rejected.set(only.externalCode, `the ${opts.what} is larger than Basware accepts in one request (${bytesOf(remaining)} bytes)`);
          return;
        }
        const half = Math.ceil(remaining.length / 2);
        queue.unshift(remaining.slice(0, half), remaining.slice(half));
        return;
      }
      const codes = new Set(remaining.map((r) => r.externalCode));
      const errors = errorsOf(res.body);
      const named = errors.filter((e) => e.externalCode !== undefined && codes.has(e.externalCode));
      if (named.length === 0) {
        // Basware did not say which record it refused: none of this chunk can be trusted as sent.
        const general = errors[0]?.reason ?? `Basware refused the request with HTTP ${res.status}`;
        for (const r of remaining) result.rejected.set(r.externalCode, general);
        return;
      }
      for (const e of named) {
        const code = e.externalCode as string;
        const before = result.rejected.get(code);
        result.rejected.set(code, before ? `${before}; ${e.reason}` : e.reason);
      }
      remaining = remaining.filter((r) => !result.rejected.has(r.externalCode));
    }
  } catch (err) {
    for (const r of remaining) if (!result.rejected.has(r.externalCode)) result.unconfirmed.set(r.externalCode, `not sent: ${(err as Error).message}`);
    throw err;
  }
}
