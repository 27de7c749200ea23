/**
 * Phase 2 of a Basware import (apis/basware.md §4.4): poll `GET /v1/requestStatus/{id}` with a
 * doubling delay until the request is no longer InProgress or the wait is over, then judge every
 * record by its item status. A 404 right after the POST only means the status is not visible yet.
 */
import { isMlsyncError } from '../../errors.js';
import type { HttpClient } from '../../http/types.js';
import { ITEM_STATUS, REQUEST_STATUS, RequestStatusResponse } from './entities.js';
import type { ProcessedItem } from './entities.js';

/** The only target system mlsync imports into. */
const P2P_SYSTEM = 'P2P';

export interface PollOptions {
  http: HttpClient;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms after which polling stops and what is still open is unconfirmed. */
  deadline: number;
  notFoundGraceMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  headers?: () => Record<string, string>;
}

export type ItemVerdict =
  | { status: 'written' | 'unchanged' }
  | { status: 'rejected' | 'unconfirmed'; reason: string };

/** What phase 2 said about one request: a verdict per externalCode, and one for records it does not list. */
export interface RequestVerdict {
  requestId: string;
  verdictFor(externalCode: string): ItemVerdict;
}

function itemVerdict(requestId: string, item: ProcessedItem): ItemVerdict {
  const messages = (item.errors ?? [])
    .map((e) => (e.message ?? '').trim())
    .filter((m) => m !== '')
    .join('; ');
  switch (item.status) {
    case ITEM_STATUS.SUCCESS:
    case ITEM_STATUS.WARNING:
      return { status: 'written' };
    case ITEM_STATUS.NOT_PROCESSED:
      return { status: 'unchanged' };
    case ITEM_STATUS.ERROR:
      return { status: 'rejected', reason: `Basware refused it: ${messages || 'Error without a message'}` };
    case ITEM_STATUS.RECORD_EXPIRED:
      return { status: 'rejected', reason: `Basware dropped it because a newer version was posted (RecordExpired)${messages ? `: ${messages}` : ''}` };
    case ITEM_STATUS.IN_PROGRESS:
      return { status: 'unconfirmed', reason: `Basware was still processing request ${requestId}` };
    default:
      return { status: 'unconfirmed', reason: `Basware reports status ${item.status ?? '(none)'} for it in request ${requestId}` };
  }
}

function fixed(requestId: string, verdict: ItemVerdict): RequestVerdict {
  return { requestId, verdictFor: () => verdict };
}

export async function pollRequestStatus(requestId: string, submittedAt: number, opts: PollOptions): Promise<RequestVerdict> {
  let delay = opts.initialDelayMs;
  let lastItems: ProcessedItem[] = [];
  for (;;) {
    const remaining = opts.deadline - opts.now();
    if (remaining <= 0) return timedOut(requestId, lastItems);
    await opts.sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, opts.maxDelayMs);

    let res;
    try {
      res = await opts.http.request<unknown>({
        method: 'GET',
        url: `/v1/requestStatus/${encodeURIComponent(requestId)}`,
        query: { ignoreSuccessfulItems: 'false', system: P2P_SYSTEM },
        idempotent: true,
        okStatuses: [404],
        label: `requestStatus ${requestId}`,
        ...(opts.headers ? { headers: opts.headers() } : {}),
      });
    } catch (err) {
      if (!isMlsyncError(err)) throw err;
      return fixed(requestId, { status: 'unconfirmed', reason: `reading Basware's status of request ${requestId} failed: ${err.message}` });
    }

    if (res.status === 404) {
      if (opts.now() - submittedAt < opts.notFoundGraceMs) continue;
      return fixed(requestId, { status: 'unconfirmed', reason: `Basware has no status for request ${requestId} (HTTP 404)` });
    }
    const parsed = RequestStatusResponse.safeParse(res.body);
    if (!parsed.success) {
      return fixed(requestId, { status: 'unconfirmed', reason: `Basware's status of request ${requestId} could not be read` });
    }
    const entry = parsed.data.requestStatus.find((r) => r.requestId === requestId) ?? parsed.data.requestStatus[0];
    const systems = entry?.systems ?? [];
    const p2p = systems.filter((s) => s.system === P2P_SYSTEM);
    lastItems = (p2p.length > 0 ? p2p : systems).flatMap((s) => s.items ?? []);
    const aggregate = entry?.requestStatus ?? REQUEST_STATUS.IN_PROGRESS;
    if (aggregate === REQUEST_STATUS.IN_PROGRESS) continue;
    return finished(requestId, aggregate, lastItems);
  }
}

function byCode(items: ProcessedItem[]): Map<string, ProcessedItem> {
  const map = new Map<string, ProcessedItem>();
  for (const item of items) if (item.externalCode) map.set(item.externalCode, item);
  return map;
}

function finished(requestId: string, aggregate: string, items: ProcessedItem[]): RequestVerdict {
  const map = byCode(items);
  const succeeded = aggregate === REQUEST_STATUS.SUCCESS || aggregate === REQUEST_STATUS.ACK_SUCCESS;
  return {
    requestId,
    verdictFor(code) {
      const item = map.get(code);
      if (item) return itemVerdict(requestId, item);
      // Asked with ignoreSuccessfulItems=false, so an unlisted record of a successful request succeeded.
      if (succeeded) return { status: 'written' };
      return { status: 'unconfirmed', reason: `Basware's status of request ${requestId} (${aggregate}) does not list the record` };
    },
  };
}

function timedOut(requestId: string, items: ProcessedItem[]): RequestVerdict {
  const map = byCode(items);
  const waited = `Basware had not finished request ${requestId} when mlsync stopped waiting (ap.requestStatus.maxWaitSeconds); it is sent again next run`;
  return {
    requestId,
    verdictFor(code) {
      const item = map.get(code);
      // Items already final inside an unfinished request are final: Basware does not revisit them.
      if (item && item.status !== ITEM_STATUS.IN_PROGRESS) {
        const v = itemVerdict(requestId, item);
        if (v.status !== 'unconfirmed') return v;
      }
      return { status: 'unconfirmed', reason: waited };
    },
  };
}
