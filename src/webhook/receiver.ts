/**
 * The HTTP receiver for Basware push notifications (apis/basware.md §6). It only triggers work: an
 * accepted notification is committed to the ledger inbox, then answered 200; the engine drains the
 * inbox under the pair lock. Every other case is answered exactly as the reference's receiver order says.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';
import type { AcceptResult, InboxNotification } from '../ledger/inbox-store.js';
import { DEFAULT_DEDUP_TTL_HOURS } from '../ledger/inbox-store.js';
import { ACCOUNTING_DOCUMENTS, TASK_KIND, isExpired, parseNotification, taskKind } from './notification.js';
import { readBody } from './read-body.js';
import { DEFAULT_TOLERANCE_SECONDS, verifySignature } from './verify.js';

export const DEFAULT_HOST = '127.0.0.1';
/** apis/basware.md §6: a body over 64 KiB is refused with 413. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_HEADER_NAMES = { timestamp: 'X-BWAPI-Timestamp', signature: 'X-BWAPI-Signature-256' } as const;
export const HEALTH_PATH = '/healthz';
/** Basware gives up on a delivery after 10 s (apis/basware.md §6); a slower client is cut off. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long close() lets in-flight requests finish before cutting their connections. */
const DEFAULT_CLOSE_GRACE_MS = 10_000;

// Bodies of apis/basware.md §3.4 (push-notification API, and the MODELED 413); 415 and 405 are ours.
const BODY = {
  UNAUTHORIZED: { message: 'Unauthorized' },
  UNPROCESSABLE: { message: 'UnprocessableEntity' },
  TOO_LONG: { message: 'Request Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { message: 'Unsupported Media Type' },
  METHOD_NOT_ALLOWED: { message: 'Method Not Allowed' },
  NOT_FOUND: { detail: 'Not Found' },
  INTERNAL: { message: 'Internal server error' },
  HEALTHY: { status: 'ok' },
} as const;

/** What happened to one request, for the CLI's log lines. Never holds a secret or a signature. */
export const RECEIVER_OUTCOME = {
  ACCEPTED: 'accepted',
  DUPLICATE: 'duplicate',
  CONNECTION_TEST: 'connection-test',
  EXPIRED: 'expired',
  IGNORED_TASK_TYPE: 'ignored-task-type',
  UNAUTHORIZED: 'unauthorized',
  UNPROCESSABLE: 'unprocessable',
  TOO_LARGE: 'too-large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  METHOD_NOT_ALLOWED: 'method-not-allowed',
  NOT_FOUND: 'not-found',
  HEALTH: 'health',
  FAILED: 'failed',
} as const;
export type ReceiverOutcome = (typeof RECEIVER_OUTCOME)[keyof typeof RECEIVER_OUTCOME];

export interface ReceiverEvent {
  status: number;
  outcome: ReceiverOutcome;
  taskId?: string;
  documentId?: string;
  /** Why a request was refused or failed (operator-facing, secret-free). */
  reason?: string;
}

/** The part of the Ledger the receiver needs (tests may pass a stand-in). */
export interface ReceiverInbox {
  acceptNotification(pair: string, n: InboxNotification): AcceptResult;
  purgeInbox(ttlHours?: number): number;
}

export interface ReceiverOptions {
  /** Loopback unless told otherwise (design.md, "Secrets and security"). */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  pair: string;
  /** Current secret first, then the previous one during a rotation. */
  secrets: readonly string[];
  /** `webhookToleranceSeconds`, default 300. */
  toleranceSeconds?: number;
  maxBodyBytes?: number;
  headerNames?: { timestamp?: string; signature?: string };
  /** `webhookDedupTtlHours`: done taskIds older than this are purged when the receiver starts. */
  dedupTtlHours?: number;
  ledger: ReceiverInbox;
  now?: () => Date;
  /** Called after a new notification is committed to the inbox (e.g. to start a drain). */
  onAccepted?: () => void;
  onEvent?: (event: ReceiverEvent) => void;
  closeGraceMs?: number;
}

export interface Receiver {
  /** `http://host:port`, the port the server actually bound. */
  url: string;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

const JSON_MEDIA_TYPES = new Set(['application/json', 'text/json']);

/** application/json, text/json or application/*+json, in UTF-8 when a charset is named (apis/basware.md §6). */
function isJsonUtf8(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const jsonType = JSON_MEDIA_TYPES.has(type) || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return jsonType && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const secrets = opts.secrets.filter((s) => s.length > 0);
  if (secrets.length === 0) {
    throw new ConfigError(
      `The webhook receiver for ${opts.pair} has no secret to verify signatures with. ` +
        'Set BASWARE_WEBHOOK_SECRET to the webhookAuthenticationToken of the Basware subscription.',
    );
  }
  const host = opts.host ?? DEFAULT_HOST;
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const tsHeader = opts.headerNames?.timestamp ?? DEFAULT_HEADER_NAMES.timestamp;
  const sigHeader = opts.headerNames?.signature ?? DEFAULT_HEADER_NAMES.signature;
  const now = opts.now ?? (() => new Date());
  const emit = (e: ReceiverEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch {
      // A logging callback must not turn an answered request into a crash.
    }
  };

  opts.ledger.purgeInbox(opts.dedupTtlHours ?? DEFAULT_DEDUP_TTL_HOURS);

  /** Refuses without reading the rest of the body, and closes the connection so the client stops sending. */
  const refuseTooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    res.once('finish', () => req.socket.destroySoon());
    sendJson(res, 413, BODY.TOO_LONG, { Connection: 'close' });
    emit({ status: 413, outcome: RECEIVER_OUTCOME.TOO_LARGE, reason: `body over ${maxBody} bytes` });
  };

  const handleNotification = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) return refuseTooLarge(req, res);
    const read = await readBody(req, maxBody);
    if (!read.ok) {
      if (read.reason === 'too-large') refuseTooLarge(req, res);
      return; // aborted: nobody to answer
    }
    const rawBody = read.body;

    const verdict = verifySignature({
      rawBody,
      timestampHeader: headerValue(req, tsHeader),
      signatureHeader: headerValue(req, sigHeader),
      secrets,
      nowSeconds: Math.floor(now().getTime() / 1000),
      toleranceSeconds: tolerance,
    });
    if (!verdict.ok) {
      sendJson(res, 401, BODY.UNAUTHORIZED);
      return emit({ status: 401, outcome: RECEIVER_OUTCOME.UNAUTHORIZED, reason: verdict.reason });
    }
    if (!isJsonUtf8(req.headers['content-type'])) {
      sendJson(res, 415, BODY.UNSUPPORTED_MEDIA_TYPE);
      return emit({ status: 415, outcome: RECEIVER_OUTCOME.UNSUPPORTED_MEDIA_TYPE, reason: 'Content-Type is not JSON in UTF-8' });
    }
    const n = parseNotification(rawBody);
    if (!n) {
      sendJson(res, 422, BODY.UNPROCESSABLE);
      return emit({ status: 422, outcome: RECEIVER_OUTCOME.UNPROCESSABLE, reason: 'body is not JSON or lacks taskId, taskStatus, taskType or documentId' });
    }
    const ids = { taskId: n.taskId, documentId: n.documentId };
    const echo = (outcome: ReceiverOutcome): void => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': rawBody.length });
      res.end(rawBody);
      emit({ status: 200, outcome, ...ids });
    };

    const kind = taskKind(n.taskType);
    if (kind === TASK_KIND.CONNECTION_TEST) return echo(RECEIVER_OUTCOME.CONNECTION_TEST);
    if (kind === TASK_KIND.OTHER) return echo(RECEIVER_OUTCOME.IGNORED_TASK_TYPE);
    // The next scheduled WaitingForTransfer poll picks an expired task's document up (apis/basware.md §6, step 4).
    if (isExpired(n, now())) return echo(RECEIVER_OUTCOME.EXPIRED);

    let result: AcceptResult;
    try {
      result = opts.ledger.acceptNotification(opts.pair, {
        taskId: n.taskId,
        documentId: n.documentId,
        taskType: ACCOUNTING_DOCUMENTS,
        taskSubType: n.taskSubType ?? null,
      });
    } catch (err) {
      // Not stored, so not acknowledged: a non-2xx makes Basware deliver it again.
      sendJson(res, 500, BODY.INTERNAL);
      return emit({ status: 500, outcome: RECEIVER_OUTCOME.FAILED, ...ids, reason: `ledger write failed: ${(err as Error).message}` });
    }
    if (result === 'duplicate') return echo(RECEIVER_OUTCOME.DUPLICATE);
    echo(RECEIVER_OUTCOME.ACCEPTED);
    try {
      opts.onAccepted?.();
    } catch {
      // The notification is committed; whoever drains the inbox next picks it up.
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, BODY.HEALTHY);
      return emit({ status: 200, outcome: RECEIVER_OUTCOME.HEALTH });
    }
    if (req.method === 'POST') return handleNotification(req, res);
    if (req.method === 'GET' || req.method === 'HEAD') {
      sendJson(res, 404, BODY.NOT_FOUND);
      return emit({ status: 404, outcome: RECEIVER_OUTCOME.NOT_FOUND });
    }
    sendJson(res, 405, BODY.METHOD_NOT_ALLOWED, { Allow: 'POST' });
    emit({ status: 405, outcome: RECEIVER_OUTCOME.METHOD_NOT_ALLOWED });
  };

  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    // Once closing, every answer ends its connection, so close() is not held open by keep-alive.
    if (closing) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, BODY.INTERNAL);
      else res.destroy();
      emit({ status: 500, outcome: RECEIVER_OUTCOME.FAILED, reason: (err as Error).message });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const grace = setTimeout(() => server.closeAllConnections(), opts.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
      grace.unref();
      server.close(() => {
        clearTimeout(grace);
        resolve();
      });
      // Keep-alive connections with no request in flight would hold close() open until they time out.
      server.closeIdleConnections();
    });
    return closing;
  };

  return { url: `http://${urlHost}:${address.port}`, close };
}
